package io.stampd.netconf.protocol;

import io.stampd.store.ConfigStore;
import io.stampd.store.Datastore;
import io.stampd.store.StoreException;
import java.util.List;
import java.util.Set;
import org.opendaylight.yang.gen.v1.urn.ietf.params.xml.ns.netconf.base._1._0.rev110601.SessionIdType;
import org.opendaylight.yangtools.yang.data.api.schema.ContainerNode;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

/**
 * {@code <validate>} (RFC 6241, section 8.6, :validate:1.1) of the candidate, running or an inline
 * {@code <config>}: the YANG constraints, then the commit hook's checks, without applying anything.
 */
public final class ValidateOperation extends ProtocolOperation {
    private final ConfigModel model;
    private final ConfigStore datastores;

    public ValidateOperation(SessionIdType sessionId, ConfigModel model, ConfigStore datastores) {
        super(sessionId);
        this.model = model;
        this.datastores = datastores;
    }

    @Override
    protected String getOperationName() {
        return "validate";
    }

    @Override
    protected Element execute(Element operation, Document reply) throws StoreException {
        var params = parameters(operation, Set.of("source"));
        Element source = required(params, "source", "validate");
        List<Element> inner = childElements(source);
        ContainerNode content;
        if (inner.size() == 1 && inner.getFirst().getLocalName().equals("config")) {
            content = model.content(inner.getFirst());
        } else {
            Datastore from = configurationDatastore(datastore(source));
            content = datastores.read(from);
        }
        datastores.validate(content);
        return RpcReplies.ok(reply);
    }
}
