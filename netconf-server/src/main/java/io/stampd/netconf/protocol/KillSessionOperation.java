package io.stampd.netconf.protocol;

import io.stampd.store.ConfigStore;
import io.stampd.store.LockOwner;
import io.stampd.store.StoreError;
import io.stampd.store.StoreException;
import java.util.Set;
import org.opendaylight.yang.gen.v1.urn.ietf.params.xml.ns.netconf.base._1._0.rev110601.SessionIdType;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

/**
 * {@code <kill-session>} (RFC 6241, section 7.9): ends another session, releasing its locks (and
 * discarding the candidate changes it made under a candidate lock).
 */
public final class KillSessionOperation extends ProtocolOperation {
    private final ConfigStore datastores;
    private final OpenSessions sessions;

    public KillSessionOperation(SessionIdType sessionId, ConfigStore datastores, OpenSessions sessions) {
        super(sessionId);
        this.datastores = datastores;
        this.sessions = sessions;
    }

    @Override
    protected String getOperationName() {
        return "kill-session";
    }

    @Override
    protected Element execute(Element operation, Document reply) throws StoreException {
        var params = parameters(operation, Set.of("session-id"));
        String text = required(params, "session-id", "kill-session").getTextContent().strip();
        long victim;
        try {
            victim = Long.parseLong(text);
        } catch (NumberFormatException e) {
            throw new StoreException(StoreError.badParameter("session-id", "session-id '" + text
                    + "' is not a number"));
        }
        if (victim == session()) {
            throw new StoreException(StoreError.invalidValue(null, "a session cannot kill itself; use"
                    + " close-session").withInfo("bad-element", "session-id"));
        }
        var target = sessions.find(victim).orElseThrow(() -> new StoreException(StoreError.invalidValue(null,
                "no session " + victim + " known to hold locks or to have edited").withInfo("bad-element",
                "session-id")));
        target.close();
        datastores.ownerEnded(LockOwner.netconf(victim));
        sessions.ended(victim);
        return RpcReplies.ok(reply);
    }
}
