package io.stampd.netconf;

import java.util.Optional;
import org.opendaylight.yangtools.yang.data.api.schema.ContainerNode;

/**
 * A proposed change of the running configuration: the whole CONFIGURATION tree before and after
 * (the root container holding every module's top-level nodes; empty if the datastore is empty).
 */
public record ConfigChange(Optional<ContainerNode> before, Optional<ContainerNode> after) {
}
