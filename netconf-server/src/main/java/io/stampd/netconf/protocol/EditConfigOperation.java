package io.stampd.netconf.protocol;

import io.stampd.store.ConfigStore;
import io.stampd.store.ConfigTree;
import io.stampd.store.Datastore;
import io.stampd.store.StoreError;
import io.stampd.store.StoreException;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.opendaylight.yang.gen.v1.urn.ietf.params.xml.ns.netconf.base._1._0.rev110601.SessionIdType;
import org.opendaylight.yangtools.yang.common.ErrorType;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

/**
 * {@code <edit-config>} (RFC 6241, section 7.2) of the shared candidate or of running. An edit is
 * atomic whatever the error-option (as with rollback-on-error): the first error leaves the target
 * unchanged. Edits of the candidate leave the YANG constraints that span nodes (mandatory, unique,
 * leafref, counts) to validate and commit (RFC 7950, 8.3.3); edits of running, and test-only,
 * check them at once, and running's are applied through the commit hook.
 */
public final class EditConfigOperation extends ProtocolOperation {
    private static final Set<String> PARAMETERS =
            Set.of("target", "default-operation", "test-option", "error-option", "config", "url");

    private final ConfigModel model;
    private final ConfigStore datastores;

    public EditConfigOperation(SessionIdType sessionId, ConfigModel model, ConfigStore datastores) {
        super(sessionId);
        this.model = model;
        this.datastores = datastores;
    }

    @Override
    protected String getOperationName() {
        return "edit-config";
    }

    @Override
    protected Element execute(Element operation, Document reply) throws StoreException {
        Map<String, Element> params = parameters(operation, PARAMETERS);
        Datastore target = configurationDatastore(datastore(required(params, "target", "edit-config")));
        EditOperation defaultOperation = EditOperation.MERGE;
        if (params.containsKey("default-operation")) {
            String text = params.get("default-operation").getTextContent().strip();
            defaultOperation = EditOperation.ofDefault(text).orElseThrow(() -> new StoreException(
                    StoreError.badParameter("default-operation", "default-operation '" + text
                            + "' is not one of merge, replace, none")));
        }
        boolean testOnly = false;
        if (params.containsKey("test-option")) {
            String text = params.get("test-option").getTextContent().strip();
            if (!List.of("test-then-set", "set", "test-only").contains(text)) {
                throw new StoreException(StoreError.badParameter("test-option", "test-option '" + text
                        + "' is not one of test-then-set, set, test-only"));
            }
            testOnly = text.equals("test-only");
        }
        if (params.containsKey("error-option")) {
            String text = params.get("error-option").getTextContent().strip();
            if (!List.of("stop-on-error", "continue-on-error", "rollback-on-error").contains(text)) {
                throw new StoreException(StoreError.badParameter("error-option", "error-option '" + text
                        + "' is not one of stop-on-error, continue-on-error, rollback-on-error"));
            }
        }
        if (params.containsKey("url")) {
            throw new StoreException(StoreError.notSupported(ErrorType.PROTOCOL, "edit-config from a url is not"
                    + " supported; send the configuration in <config>"));
        }
        List<EditStep> steps = model.edit(required(params, "config", "edit-config"), defaultOperation);

        ConfigTree.Change change = m -> model.applier().apply(steps, m);
        if (target == Datastore.RUNNING) {
            datastores.editRunning(owner(), change, testOnly);
        } else if (!testOnly) {
            datastores.editCandidate(owner(), change);
        } else {
            datastores.testCandidateEdit(owner(), change);
        }
        return RpcReplies.ok(reply);
    }
}
