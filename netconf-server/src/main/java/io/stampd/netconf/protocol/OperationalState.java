package io.stampd.netconf.protocol;

import io.stampd.store.RunningDatastore;
import io.stampd.store.StoreException;
import java.util.Optional;
import org.opendaylight.yangtools.yang.data.api.schema.ContainerNode;
import org.w3c.dom.Element;

/**
 * Where {@code <get>} takes state from: the application's {@link StateProvider} once it has
 * plugged one in, else the operational datastore.
 */
public final class OperationalState {
    private final RunningDatastore datastore;
    private volatile StateProvider provider;

    public OperationalState(RunningDatastore datastore) {
        this.datastore = datastore;
    }

    /** From now on {@code <get>} asks {@code p}. */
    public void use(StateProvider p) {
        provider = p;
    }

    ContainerNode read(Optional<Element> filter) throws StoreException {
        StateProvider p = provider;
        return p != null ? p.read(filter) : datastore.readState();
    }
}
