package io.stampd.netconf.protocol;

import io.stampd.store.ConfigStore;
import io.stampd.store.StoreException;
import java.util.Set;
import org.opendaylight.yang.gen.v1.urn.ietf.params.xml.ns.netconf.base._1._0.rev110601.SessionIdType;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

/** {@code <discard-changes>} (RFC 6241, section 8.3.4.2): the shared candidate becomes running again. */
public final class DiscardChangesOperation extends ProtocolOperation {
    private final ConfigStore datastores;

    public DiscardChangesOperation(SessionIdType sessionId, ConfigStore datastores) {
        super(sessionId);
        this.datastores = datastores;
    }

    @Override
    protected String getOperationName() {
        return "discard-changes";
    }

    @Override
    protected Element execute(Element operation, Document reply) throws StoreException {
        parameters(operation, Set.of());
        datastores.discardChanges(owner());
        return RpcReplies.ok(reply);
    }
}
