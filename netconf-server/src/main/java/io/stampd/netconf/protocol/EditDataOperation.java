package io.stampd.netconf.protocol;

import io.stampd.store.ConfigStore;
import io.stampd.store.ConfigTree;
import io.stampd.store.Datastore;
import io.stampd.store.StoreError;
import io.stampd.store.StoreException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.opendaylight.yang.gen.v1.urn.ietf.params.xml.ns.netconf.base._1._0.rev110601.SessionIdType;
import org.opendaylight.yangtools.yang.common.ErrorType;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

/**
 * {@code <edit-data>} of ietf-netconf-nmda (RFC 8526, 3.1.2) on ds:running or ds:candidate: the
 * {@code <config>} (with the operation attributes of edit-config, in the NETCONF base namespace)
 * and default-operation become the same store call as edit-config's, so locks, validation, the
 * commit hook and confirmed commits apply unchanged; an edit is all or nothing, as edit-data
 * prescribes. Any other datastore is refused with invalid-value (not writable, or not there);
 * {@code url} with operation-not-supported (ietf-netconf's url feature is off).
 */
public final class EditDataOperation extends ProtocolOperation {
    private static final Set<String> PARAMETERS = Set.of("datastore", "default-operation", "config", "url");

    private final ConfigModel model;
    private final ConfigStore datastores;

    EditDataOperation(SessionIdType sessionId, ConfigModel model, ConfigStore datastores) {
        super(sessionId);
        this.model = model;
        this.datastores = datastores;
    }

    @Override
    protected String getOperationName() {
        return "edit-data";
    }

    @Override
    protected String getOperationNamespace() {
        return NmdaDatastore.NMDA_NAMESPACE;
    }

    @Override
    protected Element execute(Element operation, Document reply) throws StoreException {
        Map<String, Element> params = new LinkedHashMap<>();
        for (Element e : childElements(operation)) {
            String name = e.getLocalName();
            String ns = e.getNamespaceURI();
            boolean ours = ns == null || ns.isEmpty() || NmdaDatastore.NMDA_NAMESPACE.equals(ns);
            if (!ours || !PARAMETERS.contains(name)) {
                throw new StoreException(StoreError.unknownParameter(name, "edit-data has no parameter " + name));
            }
            if (params.putIfAbsent(name, e) != null) {
                throw new StoreException(StoreError.badParameter(name, "parameter " + name + " given twice"));
            }
        }
        Element ds = required(params, "datastore", "edit-data");
        NmdaDatastore datastore = NmdaDatastore.of(ds);
        Datastore target = datastore.configuration().orElseThrow(() -> new StoreException(NmdaDatastore.invalid(
                "ds:" + datastore.identity() + " is not writable: edit-data takes ds:running or ds:candidate")));
        EditOperation defaultOperation = EditOperation.MERGE;
        if (params.containsKey("default-operation")) {
            String text = params.get("default-operation").getTextContent().strip();
            defaultOperation = EditOperation.ofDefault(text).orElseThrow(() -> new StoreException(
                    StoreError.badParameter("default-operation", "default-operation '" + text
                            + "' is not one of merge, replace, none")));
        }
        if (params.containsKey("url")) {
            throw new StoreException(StoreError.notSupported(ErrorType.PROTOCOL, "edit-data from a url is not"
                    + " supported (ietf-netconf's url feature is off); send the configuration in <config>"));
        }
        List<EditStep> steps = model.edit(required(params, "config", "edit-data"), defaultOperation);
        ConfigTree.Change change = m -> model.applier().apply(steps, m);
        if (target == Datastore.RUNNING) {
            datastores.editRunning(owner(), change, false);
        } else {
            datastores.editCandidate(owner(), change);
        }
        return RpcReplies.ok(reply);
    }
}
