package io.stampd.netconf.protocol;

import io.stampd.store.ConfigStore;
import io.stampd.store.Datastore;
import io.stampd.store.StoreError;
import io.stampd.store.StoreException;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.opendaylight.yang.gen.v1.urn.ietf.params.xml.ns.netconf.base._1._0.rev110601.SessionIdType;
import org.opendaylight.yangtools.yang.common.ErrorType;
import org.opendaylight.yangtools.yang.data.api.schema.ContainerNode;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

/**
 * {@code <copy-config>} (RFC 6241, section 7.3) between running, the candidate and an inline
 * {@code <config>}. A copy to running is validated and goes through the commit hook.
 */
public final class CopyConfigOperation extends ProtocolOperation {
    private final ConfigModel model;
    private final ConfigStore datastores;

    public CopyConfigOperation(SessionIdType sessionId, ConfigModel model, ConfigStore datastores) {
        super(sessionId);
        this.model = model;
        this.datastores = datastores;
    }

    @Override
    protected String getOperationName() {
        return "copy-config";
    }

    @Override
    protected Element execute(Element operation, Document reply) throws StoreException {
        Map<String, Element> params = parameters(operation, Set.of("target", "source"));
        Datastore target = configurationDatastore(datastore(required(params, "target", "copy-config")));
        Element source = required(params, "source", "copy-config");
        List<Element> inner = childElements(source);
        boolean inline = inner.size() == 1 && inner.getFirst().getLocalName().equals("config");
        Datastore from = inline ? null : configurationDatastore(datastore(source));
        if (from == target) {
            throw new StoreException(StoreError.invalidValue(null, "copy-config from " + target.xmlName()
                    + " to itself"));
        }
        ContainerNode inlineContent = inline ? model.content(inner.getFirst()) : null;
        ContainerNode content = inline ? inlineContent : datastores.read(from);
        switch (target) {
            case CANDIDATE -> datastores.replaceCandidate(owner(), content);
            case RUNNING -> datastores.replaceRunning(owner(), content);
            default -> throw new StoreException(StoreError.notSupported(ErrorType.PROTOCOL,
                    "cannot copy to " + target.xmlName()));
        }
        return RpcReplies.ok(reply);
    }
}
