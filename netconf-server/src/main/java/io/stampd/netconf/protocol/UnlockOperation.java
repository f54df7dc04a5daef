package io.stampd.netconf.protocol;

import java.util.Set;
import org.opendaylight.yang.gen.v1.urn.ietf.params.xml.ns.netconf.base._1._0.rev110601.SessionIdType;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

/**
 * {@code <unlock>} (RFC 6241, section 7.6). Unlocking the candidate discards the changes left
 * uncommitted under the lock: only the lock holder can have made them.
 */
public final class UnlockOperation extends ProtocolOperation {
    private final Datastores datastores;

    public UnlockOperation(SessionIdType sessionId, Datastores datastores) {
        super(sessionId);
        this.datastores = datastores;
    }

    @Override
    protected String getOperationName() {
        return "unlock";
    }

    @Override
    protected Element execute(Element operation, Document reply) throws RpcErrorException {
        var params = parameters(operation, Set.of("target"));
        Datastore target = configurationDatastore(datastore(required(params, "target", "unlock")));
        synchronized (datastores) {
            datastores.locks().unlock(target, session());
            if (target == Datastore.CANDIDATE && datastores.candidate().modified()) {
                datastores.candidate().discard();
            }
        }
        return RpcReplies.ok(reply);
    }
}
