package io.stampd.netconf.protocol;

import io.stampd.store.ConfigStore;
import io.stampd.store.Datastore;
import io.stampd.store.StoreException;
import java.util.Set;
import org.opendaylight.yang.gen.v1.urn.ietf.params.xml.ns.netconf.base._1._0.rev110601.SessionIdType;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

/**
 * {@code <unlock>} (RFC 6241, section 7.6). Unlocking the candidate discards the changes left
 * uncommitted under the lock: only the lock holder can have made them.
 */
public final class UnlockOperation extends ProtocolOperation {
    private final ConfigStore datastores;

    public UnlockOperation(SessionIdType sessionId, ConfigStore datastores) {
        super(sessionId);
        this.datastores = datastores;
    }

    @Override
    protected String getOperationName() {
        return "unlock";
    }

    @Override
    protected Element execute(Element operation, Document reply) throws StoreException {
        var params = parameters(operation, Set.of("target"));
        Datastore target = configurationDatastore(datastore(required(params, "target", "unlock")));
        datastores.unlock(target, owner());
        return RpcReplies.ok(reply);
    }
}
