package io.stampd.netconf.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stampd.netconf.YangModels;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A commit that starts ten thousand sessions is logged in a few lines, but every subscriber still
 * gets one session-state-change per session, in order.
 */
class EngineNotificationsTest {
    @Test
    void aLargeBatchStillSendsOneNotificationPerTransition() throws Exception {
        var stream = new NotificationStream();
        var notifications = new EngineNotifications(stream);
        notifications.serialiseWith(new NotificationXml(YangModels.load().context()));
        List<String> received = new ArrayList<>();
        stream.registerNotificationListener(NotificationStream.NETCONF,
                (name, message) -> received.add(message.toString()));

        List<SessionEvents.StateChange> changes = new ArrayList<>();
        for (long id = 1; id <= 2 * EngineNotifications.LOGGED_ONE_BY_ONE + 5; id++) {
            changes.add(new SessionEvents.StateChange(SessionEvents.Role.SENDER, id, null, SessionState.ACTIVE,
                    "configured"));
        }
        changes.add(new SessionEvents.StateChange(SessionEvents.Role.REFLECTOR, 7, SessionState.ACTIVE,
                SessionState.FAILED, "port in use"));
        notifications.stateChanged(changes);

        assertEquals(changes.size(), received.size());
        assertTrue(received.getFirst().contains("<session-id>1</session-id>"), received.getFirst());
        assertTrue(received.get(EngineNotifications.LOGGED_ONE_BY_ONE).contains("<session-id>"
                + (EngineNotifications.LOGGED_ONE_BY_ONE + 1) + "</session-id>"));
        assertTrue(received.getLast().contains("<new-state>failed</new-state>")
                && received.getLast().contains("<reason>port in use</reason>"), received.getLast());
    }
}
