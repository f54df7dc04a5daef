package io.stampd.netconf.protocol;

import io.stampd.store.ConfigStore;
import io.stampd.store.Datastore;
import io.stampd.store.StoreException;
import java.util.Set;
import org.opendaylight.yang.gen.v1.urn.ietf.params.xml.ns.netconf.base._1._0.rev110601.SessionIdType;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

/**
 * {@code <lock>} of running or candidate (RFC 6241, section 7.5). The candidate cannot be locked
 * while it holds changes nobody has committed or discarded (section 8.3.5.1); error-info
 * session-id 0 then says that no session holds a lock.
 */
public final class LockOperation extends ProtocolOperation {
    private final ConfigStore datastores;

    public LockOperation(SessionIdType sessionId, ConfigStore datastores) {
        super(sessionId);
        this.datastores = datastores;
    }

    @Override
    protected String getOperationName() {
        return "lock";
    }

    @Override
    protected Element execute(Element operation, Document reply) throws StoreException {
        var params = parameters(operation, Set.of("target"));
        Datastore target = configurationDatastore(datastore(required(params, "target", "lock")));
        datastores.lock(target, owner());
        return RpcReplies.ok(reply);
    }
}
