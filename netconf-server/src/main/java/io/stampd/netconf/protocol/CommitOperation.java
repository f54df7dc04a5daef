package io.stampd.netconf.protocol;

import io.stampd.store.ConfigStore;
import io.stampd.store.ConfirmedCommit;
import io.stampd.store.StoreError;
import io.stampd.store.StoreException;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.opendaylight.yang.gen.v1.urn.ietf.params.xml.ns.netconf.base._1._0.rev110601.SessionIdType;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

/**
 * {@code <commit>} (RFC 6241, section 8.3.4.1): the shared candidate, validated against the YANG
 * constraints, becomes running through the commit hook, which validates and applies it to the
 * engine and may refuse it. With {@code <confirmed/>} (:confirmed-commit:1.1, section 8.4) it is
 * rolled back unless confirmed within confirm-timeout seconds. Refused while another session
 * locks running or the candidate.
 */
public final class CommitOperation extends ProtocolOperation {
    private static final Set<String> PARAMETERS = Set.of("confirmed", "confirm-timeout", "persist", "persist-id");

    private final ConfigStore datastores;

    public CommitOperation(SessionIdType sessionId, ConfigStore datastores) {
        super(sessionId);
        this.datastores = datastores;
    }

    @Override
    protected String getOperationName() {
        return "commit";
    }

    @Override
    protected Element execute(Element operation, Document reply) throws StoreException {
        datastores.commit(owner(), parameters(parameters(operation, PARAMETERS)));
        return RpcReplies.ok(reply);
    }

    static ConfirmedCommit parameters(Map<String, Element> params) throws StoreException {
        boolean confirmed = params.containsKey("confirmed");
        Optional<String> persist = text(params, "persist");
        Optional<String> persistId = text(params, "persist-id");
        if (!confirmed && (params.containsKey("confirm-timeout") || persist.isPresent())) {
            String which = params.containsKey("confirm-timeout") ? "confirm-timeout" : "persist";
            throw new StoreException(StoreError.badParameter(which, which + " is a parameter of a confirmed commit;"
                    + " add <confirmed/>"));
        }
        if (!confirmed) {
            return ConfirmedCommit.confirming(persistId);
        }
        Duration timeout = ConfirmedCommit.DEFAULT_TIMEOUT;
        Optional<String> seconds = text(params, "confirm-timeout");
        if (seconds.isPresent()) {
            long value;
            try {
                value = Long.parseLong(seconds.get());
            } catch (NumberFormatException e) {
                value = 0;
            }
            // confirm-timeout is a uint32 with range 1..max (RFC 6241, appendix C)
            if (value < 1 || value > 0xFFFF_FFFFL) {
                throw new StoreException(StoreError.badParameter("confirm-timeout", "confirm-timeout '"
                        + seconds.get() + "' is not a number of seconds from 1 to 4294967295"));
            }
            timeout = Duration.ofSeconds(value);
        }
        return ConfirmedCommit.confirmed(timeout, persist, persistId);
    }

    private static Optional<String> text(Map<String, Element> params, String name) {
        Element e = params.get(name);
        return e == null ? Optional.empty() : Optional.of(e.getTextContent().strip());
    }
}
