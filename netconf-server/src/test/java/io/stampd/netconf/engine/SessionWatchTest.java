package io.stampd.netconf.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stampd.dataplane.PlaneSettings;
import io.stampd.dataplane.session.Ipv6Addresses;
import io.stampd.dataplane.session.SenderSessionConfig;
import io.stampd.dataplane.session.SenderStatistics;
import java.util.List;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Thresholds are evaluated per session on its own schedule, with nobody reading the state: a
 * crossing is notified within one evaluation interval, and a session whose thresholds go stops
 * being evaluated.
 */
class SessionWatchTest {
    private static final long MS = 1_000_000L;

    private final LinkedBlockingQueue<String> events = new LinkedBlockingQueue<>();
    private final SessionEvents recorder = new SessionEvents() {
        @Override
        public void stateChanged(Role role, long id, SessionState previous, SessionState next, String reason) {
            events.add("state " + id + " " + next);
        }

        @Override
        public void thresholdCrossed(ThresholdEvent e) {
            events.add("crossed " + e.sessionId() + " " + e.metric());
        }

        @Override
        public void thresholdCleared(ThresholdEvent e) {
            events.add("cleared " + e.sessionId() + " " + e.metric());
        }
    };

    private static SenderIntent sender(long id, Thresholds thresholds) {
        SenderSessionConfig c = SenderSessionConfig.builder().id(id).ssid((int) id)
                .reflectorAddress(Ipv6Addresses.parseUnicast("2001:db8::2", "r"))
                .intervalNanos(100 * MS).recordCapacity(64).build();
        return new SenderIntent(c, true, thresholds);
    }

    /** Replies over the last second, each with a round trip of {@code rttNanos}. */
    private static void replies(SenderStatistics stats, long rttNanos) {
        long nowUnix = StateClock.SYSTEM.unixNanos();
        long nowMono = System.nanoTime();
        for (int seq = 0; seq < 10; seq++) {
            long t1 = nowUnix - (10 - seq) * 100 * MS;
            long mono = nowMono - (10 - seq) * 100 * MS;
            stats.onSent(seq, t1, mono);
            stats.onReply(seq, t1, t1 + rttNanos / 2, t1 + rttNanos / 2, t1 + rttNanos, 63, seq, mono + rttNanos);
        }
    }

    @Test
    void aCrossingIsNotifiedWithinOneEvaluationIntervalWithoutAnyGet() throws Exception {
        int evaluationSeconds = 3;
        Thresholds bound = new Thresholds(evaluationSeconds, List.of(new Thresholds.DelayBound(
                Thresholds.Metric.TWO_WAY_DELAY, Thresholds.Statistic.MAX, 8 * MS, 6 * MS)), null);
        var manager = new SessionManager(new FakeDataPlane(), recorder);
        manager.apply(new DesiredSessions(Map.of(1L, sender(1, bound), 2L, sender(2, Thresholds.NONE)), Map.of(),
                true, true, PlaneSettings.SOCKET));
        events.clear(); // the sessions' start
        try (var watch = new SessionWatch(manager, recorder, StateClock.SYSTEM, 1000)) {
            watch.start();
            for (SenderSession s : manager.senders()) {
                replies(s.statistics(), 20 * MS); // both above the bound; only session 1 has one
            }
            long t0 = System.nanoTime();
            String first = events.poll(evaluationSeconds, TimeUnit.SECONDS);
            assertEquals("crossed 1 two-way-delay", first, "within " + evaluationSeconds + " s, "
                    + (System.nanoTime() - t0) / MS + " ms after the replies");
            assertEquals(null, events.poll(1500, TimeUnit.MILLISECONDS), "once, and not for session 2");

            // Its thresholds removed: no more evaluation, even with delays back under the clear bound.
            manager.apply(new DesiredSessions(Map.of(1L, sender(1, Thresholds.NONE), 2L, sender(2, Thresholds.NONE)),
                    Map.of(), true, true, PlaneSettings.SOCKET));
            watch.sessionsChanged();
            events.clear();
            replies(manager.senders().getFirst().statistics(), MS);
            assertEquals(null, events.poll(1500, TimeUnit.MILLISECONDS));
        }
    }

    @Test
    void aFinishedSessionBecomesCompletedWithoutAnyGet() throws Exception {
        var plane = new FakeDataPlane();
        var manager = new SessionManager(plane, recorder);
        manager.apply(new DesiredSessions(Map.of(4L, sender(4, Thresholds.NONE)), Map.of(), true, true,
                PlaneSettings.SOCKET));
        events.clear();
        try (var watch = new SessionWatch(manager, recorder, StateClock.SYSTEM, 100)) {
            watch.start();
            plane.senders.getFirst().finished = true;
            String e = events.poll(5, TimeUnit.SECONDS);
            assertEquals("state 4 COMPLETED", e);
            assertTrue(manager.senders().getFirst().state() == SessionState.COMPLETED);
        }
    }
}
