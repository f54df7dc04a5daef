package io.stampd.netconf.protocol;

import org.opendaylight.yangtools.yang.data.api.YangInstanceIdentifier;
import org.opendaylight.yangtools.yang.data.api.schema.NormalizedNode;

/**
 * One change to a configuration tree: {@code operation} at {@code path} with {@code data} (null for
 * delete and remove). {@code underNone} says that the step came from below elements without an
 * operation under default-operation none, so its ancestors must already exist.
 */
public record EditStep(EditOperation operation, YangInstanceIdentifier path, NormalizedNode data,
                       boolean underNone) {
}
