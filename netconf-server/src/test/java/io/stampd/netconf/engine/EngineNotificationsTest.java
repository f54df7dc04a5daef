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

    @Test
    void aClosedIntervalAndAPeriodicCrossingAreValidNotifications() throws Exception {
        var stream = new NotificationStream();
        var notifications = new EngineNotifications(stream);
        notifications.serialiseWith(new NotificationXml(YangModels.load().context()));
        List<String> received = new ArrayList<>();
        stream.registerNotificationListener(NotificationStream.NETCONF,
                (name, message) -> received.add(message.toString()));
        var rtt = new io.stampd.dataplane.session.DelayStatistic();
        rtt.record(5_000_000);
        rtt.record(6_000_000);
        double[] p = {95, 99, 99.9};
        var spread = new ClosedInterval.Spread(1, 1_000_000, 1_000_000, 1_000_000);
        var interval = new ClosedInterval(4, 7, 0, 30_000_000_000L, 3, 2, 0, 1, rtt.summary(p), rtt.summary(p),
                new io.stampd.dataplane.session.DelayStatistic().summary(p), spread, spread,
                new ClosedInterval.Spread(0, 0, 0, 0), p, new long[] {0, 5_000_000}, new long[][] {{0, 2}, {0, 2}, {0, 0}});
        notifications.intervalClosed(interval);
        notifications.thresholdCrossed(ThresholdEvent.delay(4, new Thresholds.DelayBound(
                Thresholds.Metric.TWO_WAY_DELAY, Thresholds.Statistic.AVG, 3_000_000, 3_000_000,
                Thresholds.Kind.PERIODIC, 0), 5_500_000, 3_000_000, 30).ofInterval(7));

        assertEquals(2, received.size());
        String closed = received.getFirst().replaceAll(">\\s+<", "><");
        assertTrue(closed.contains("<measurement-interval-closed") && closed.contains("<interval-number>7<")
                && closed.contains("<end-time>1970-01-01T00:00:30Z</end-time>")
                && closed.contains("<avg>5500000</avg>") && closed.contains("<loss-count>0</loss-count>"), closed);
        String bin = closed.substring(closed.indexOf("<lower-bound>5000</lower-bound>"));
        assertTrue(bin.substring(0, bin.indexOf("</bin>")).contains("<two-way-delay-count>2<"), closed);
        String crossed = received.getLast().replaceAll(">\\s+<", "><");
        assertTrue(crossed.contains("<kind>periodic</kind>") && crossed.contains("<interval-number>7<"), crossed);
    }
}
