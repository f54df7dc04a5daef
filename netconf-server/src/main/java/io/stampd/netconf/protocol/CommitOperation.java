package io.stampd.netconf.protocol;

import io.stampd.store.ConfigStore;
import io.stampd.store.Datastore;
import io.stampd.store.StoreException;
import java.util.Set;
import org.opendaylight.yang.gen.v1.urn.ietf.params.xml.ns.netconf.base._1._0.rev110601.SessionIdType;
import org.opendaylight.yangtools.yang.data.api.schema.ContainerNode;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

/**
 * {@code <commit>} (RFC 6241, section 8.3.4.1): the shared candidate, validated against the YANG
 * constraints, becomes running through the commit hook, which validates and applies it to the
 * engine and may refuse it. Refused while another session locks running or the candidate.
 */
public final class CommitOperation extends ProtocolOperation {
    private final ConfigModel model;
    private final ConfigStore datastores;

    public CommitOperation(SessionIdType sessionId, ConfigModel model, ConfigStore datastores) {
        super(sessionId);
        this.model = model;
        this.datastores = datastores;
    }

    @Override
    protected String getOperationName() {
        return "commit";
    }

    @Override
    protected Element execute(Element operation, Document reply) throws StoreException {
        // confirmed commit (:confirmed-commit) is not advertised, so its parameters are unknown here
        parameters(operation, Set.of());
        synchronized (datastores) {
            datastores.locks().checkWritable(Datastore.RUNNING, session(), "commit");
            datastores.locks().checkWritable(Datastore.CANDIDATE, session(), "commit");
            ContainerNode content = datastores.candidate().content();
            model.validator().validate(content);
            datastores.running().commit(content);
            datastores.candidate().committed();
        }
        return RpcReplies.ok(reply);
    }
}
