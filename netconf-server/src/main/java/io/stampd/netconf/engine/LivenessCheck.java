package io.stampd.netconf.engine;

import io.stampd.dataplane.session.Liveness;
import java.util.ArrayList;
import java.util.List;

/**
 * Reports each sender session's liveness changes: compares its verdict now (decided in its
 * statistics as the packets' fates become known) with what was last reported, and publishes the
 * difference as the session's liveness (state leaf, metric) and a session-liveness-change event.
 * A session that flaps and comes back between two checks reports nothing: the state it is in did
 * not change.
 */
final class LivenessCheck {
    private final SessionEvents events;

    LivenessCheck(SessionEvents events) {
        this.events = events;
    }

    /** One pass over the sessions, as of {@code monoNow}. */
    void check(List<SenderSession> senders, long monoNow) {
        List<SessionEvents.LivenessChange> changes = null;
        for (SenderSession s : senders) {
            Liveness.Verdict now = s.currentLiveness(monoNow);
            Liveness.State previous = s.liveness();
            if (now.state() != previous) {
                s.liveness(now.state());
                if (changes == null) {
                    changes = new ArrayList<>();
                }
                changes.add(new SessionEvents.LivenessChange(s.id(), previous, now, reason(s, now)));
            }
        }
        if (changes != null) {
            events.livenessChanged(changes);
        }
    }

    private static String reason(SenderSession s, Liveness.Verdict v) {
        return switch (v.state()) {
            case DOWN -> v.consecutiveLost() + " test packets in a row lost (loss timeout "
                    + s.config.lossTimeoutNanos() / 1_000_000 + " ms)";
            case UP -> v.consecutiveReceived() + " test packets in a row answered";
            case PENDING -> s.running() ? "session restarted: no verdict yet" : "session not running";
        };
    }
}
