package io.stampd.netconf.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stampd.dataplane.session.Liveness;
import io.stampd.netconf.YangModels;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * session-liveness-change as the YANG model has it: the deciding run of packets for down and up,
 * none for pending; one per session also when a check finds many (logged compactly).
 */
class LivenessNotificationTest {
    @Test
    void eachChangeCarriesItsRunAndReason() throws Exception {
        var stream = new NotificationStream();
        var notifications = new EngineNotifications(stream);
        notifications.serialiseWith(new NotificationXml(YangModels.load().context()));
        List<String> received = new ArrayList<>();
        stream.registerNotificationListener(NotificationStream.NETCONF,
                (name, message) -> received.add(message.toString()));

        notifications.livenessChanged(new SessionEvents.LivenessChange(4, Liveness.State.UP,
                new Liveness.Verdict(Liveness.State.DOWN, 5, 0), "5 test packets in a row lost (loss timeout 200 ms)"));
        notifications.livenessChanged(new SessionEvents.LivenessChange(4, Liveness.State.DOWN,
                new Liveness.Verdict(Liveness.State.UP, 0, 3), "3 test packets in a row answered"));
        notifications.livenessChanged(new SessionEvents.LivenessChange(4, Liveness.State.UP,
                Liveness.Verdict.PENDING, "session not running"));

        assertEquals(3, received.size());
        String down = received.get(0);
        assertTrue(down.contains("<session-liveness-change") && down.contains("<session-id>4</session-id>")
                && down.contains("<liveness>down</liveness>") && down.contains("<previous-liveness>up</previous-liveness>")
                && down.contains("<consecutive-lost>5</consecutive-lost>")
                && down.contains("<reason>5 test packets in a row lost (loss timeout 200 ms)</reason>"), down);
        assertFalse(down.contains("consecutive-received"), down);
        String up = received.get(1);
        assertTrue(up.contains("<liveness>up</liveness>") && up.contains("<consecutive-received>3</consecutive-received>"),
                up);
        assertFalse(up.contains("consecutive-lost"), up);
        String pending = received.get(2);
        assertTrue(pending.contains("<liveness>pending</liveness>") && pending.contains("<reason>session not running"),
                pending);
        assertFalse(pending.contains("consecutive-"), pending);
    }

    @Test
    void aLargeBatchStillSendsOneNotificationPerSession() throws Exception {
        var stream = new NotificationStream();
        var notifications = new EngineNotifications(stream);
        notifications.serialiseWith(new NotificationXml(YangModels.load().context()));
        List<String> received = new ArrayList<>();
        stream.registerNotificationListener(NotificationStream.NETCONF,
                (name, message) -> received.add(message.toString()));
        List<SessionEvents.LivenessChange> changes = new ArrayList<>();
        for (long id = 1; id <= 2 * EngineNotifications.LOGGED_ONE_BY_ONE + 5; id++) {
            changes.add(new SessionEvents.LivenessChange(id, Liveness.State.UP,
                    new Liveness.Verdict(Liveness.State.DOWN, 3, 0), "3 test packets in a row lost"));
        }
        notifications.livenessChanged(changes);
        assertEquals(changes.size(), received.size());
        assertTrue(received.getLast().contains("<session-id>" + changes.size() + "</session-id>"), received.getLast());
    }
}
