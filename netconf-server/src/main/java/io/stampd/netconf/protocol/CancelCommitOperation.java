package io.stampd.netconf.protocol;

import io.stampd.store.ConfigStore;
import io.stampd.store.StoreException;
import java.util.Optional;
import java.util.Set;
import org.opendaylight.yang.gen.v1.urn.ietf.params.xml.ns.netconf.base._1._0.rev110601.SessionIdType;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

/**
 * {@code <cancel-commit>} (RFC 6241, section 8.4.4.1): the pending confirmed commit is rolled back
 * at once, data plane included. Without persist-id only the session that made it may cancel it.
 */
public final class CancelCommitOperation extends ProtocolOperation {
    private final ConfigStore datastores;

    public CancelCommitOperation(SessionIdType sessionId, ConfigStore datastores) {
        super(sessionId);
        this.datastores = datastores;
    }

    @Override
    protected String getOperationName() {
        return "cancel-commit";
    }

    @Override
    protected Element execute(Element operation, Document reply) throws StoreException {
        var params = parameters(operation, Set.of("persist-id"));
        Element id = params.get("persist-id");
        datastores.cancelCommit(owner(), id == null ? Optional.empty() : Optional.of(id.getTextContent().strip()));
        return RpcReplies.ok(reply);
    }
}
