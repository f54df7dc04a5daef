package io.stampd.netconf.protocol;

import io.stampd.store.StoreException;
import java.util.Optional;
import org.opendaylight.yangtools.yang.data.api.schema.ContainerNode;
import org.w3c.dom.Element;

/**
 * An application's operational state, computed when a {@code <get>} asks for it instead of
 * published into the operational datastore ahead of time: reading one session then costs one
 * session's worth of work whatever the number of sessions.
 */
@FunctionalInterface
public interface StateProvider {
    /**
     * The state as a datastore root (the children are the modules' top-level state nodes). It must
     * hold at least what {@code filter} (a subtree filter, RFC 6241 section 6) selects and may hold
     * more: the filter is applied to the result afterwards, the same way as to configuration.
     */
    ContainerNode read(Optional<Element> filter) throws StoreException;
}
