package io.stampd.netconf.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.stampd.dataplane.PlaneSettings;
import io.stampd.dataplane.session.Ipv6Addresses;
import io.stampd.dataplane.session.Liveness;
import io.stampd.dataplane.session.SenderSessionConfig;
import io.stampd.dataplane.session.SenderStatistics;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A sender session's liveness as the engine reports it, on a fake clock: a change event when its
 * statistics' verdict changes (and only then), the session's liveness leaf and the stampd_sender_up
 * gauge following it, pending again when the session stops or restarts, and new settings applied
 * to a running session by a commit.
 */
class LivenessCheckTest {
    private static final long MS = 1_000_000L;
    private static final long INTERVAL = 50 * MS;
    private static final long TIMEOUT = 100 * MS;

    private final List<SessionEvents.LivenessChange> changes = new ArrayList<>();
    private final SessionEvents recorder = new SessionEvents() {
        @Override
        public void stateChanged(Role role, long id, SessionState previous, SessionState next, String reason) {
        }

        @Override
        public void thresholdCrossed(ThresholdEvent e) {
        }

        @Override
        public void thresholdCleared(ThresholdEvent e) {
        }

        @Override
        public void livenessChanged(LivenessChange change) {
            changes.add(change);
        }
    };
    private final LivenessCheck check = new LivenessCheck(recorder);
    private long seq;

    private static DesiredSessions desired(Liveness.Settings settings, boolean enabled) {
        SenderSessionConfig c = SenderSessionConfig.builder().id(5).ssid(5)
                .reflectorAddress(Ipv6Addresses.parseUnicast("2001:db8::2", "r"))
                .intervalNanos(INTERVAL).lossTimeoutNanos(TIMEOUT).recordCapacity(64).build();
        return new DesiredSessions(Map.of(5L, new SenderIntent(c, enabled, Thresholds.NONE, settings)), Map.of(),
                true, true, PlaneSettings.SOCKET);
    }

    private static long mono(long seq) {
        return 1_000 * MS + seq * INTERVAL;
    }

    /** Sends the next packet, answered or not. */
    private void exchange(SenderStatistics st, boolean answered) {
        long t1 = 7_000_000 * MS + seq * INTERVAL;
        st.onSent(seq, t1, mono(seq));
        if (answered) {
            st.onReply(seq, t1, t1 + MS, t1 + MS, t1 + 2 * MS, 64, seq, mono(seq) + 2 * MS);
        }
        seq++;
    }

    private static double up(SessionManager manager) {
        var metrics = new StampMetrics(() -> manager, () -> 0, StateClock.SYSTEM).collect();
        for (var m : metrics) {
            if (m.getMetadata().getName().equals("stampd_sender_up")) {
                var points = ((GaugeSnapshot) m).getDataPoints();
                assertEquals(1, points.size());
                assertEquals("5", points.getFirst().getLabels().get("session_id"));
                return points.getFirst().getValue();
            }
        }
        throw new AssertionError("no stampd_sender_up in " + metrics);
    }

    /**
     * The time of a check that decides losses up to {@code mono}: the check leaves the I/O thread
     * a margin to read what arrived (the session sends at 50 ms, so the I/O thread is on time).
     */
    private static long decidedBy(long mono) {
        return mono + SenderStatistics.READ_MARGIN_NANOS;
    }

    private String last() {
        var c = changes.getLast();
        return c.previous().yangName + " -> " + c.now().state().yangName + " (" + c.reason() + ")";
    }

    @Test
    void downOnNLostUpOnMReceivedPendingWhenStoppedOrRestarted() throws Exception {
        var manager = new SessionManager(new FakeDataPlane(), recorder);
        manager.apply(desired(new Liveness.Settings(4, 2), true));
        SenderSession s = manager.senders().getFirst();
        SenderStatistics st = s.statistics();
        assertEquals(Liveness.State.PENDING, s.liveness());
        assertEquals(0, up(manager));

        exchange(st, true);
        check.check(manager.senders(), mono(seq));
        assertEquals(List.of(), changes, "one answer of the two that make up");
        exchange(st, true);
        check.check(manager.senders(), mono(seq));
        assertEquals("pending -> up (2 test packets in a row answered)", last());
        assertEquals(Liveness.State.UP, s.liveness());
        assertEquals(1, up(manager));

        for (int i = 0; i < 3; i++) {
            exchange(st, false);
        }
        check.check(manager.senders(), decidedBy(mono(seq - 1) + TIMEOUT));
        assertEquals(1, changes.size(), "three losses of the four that make down");
        exchange(st, false);
        check.check(manager.senders(), decidedBy(mono(seq - 1) + TIMEOUT - 1));
        assertEquals(1, changes.size(), "the fourth is in flight until its timeout");
        check.check(manager.senders(), decidedBy(mono(seq - 1) + TIMEOUT));
        assertEquals("up -> down (4 test packets in a row lost (loss timeout 100 ms))", last());
        assertEquals(4, changes.getLast().now().consecutiveLost());
        assertEquals(0, up(manager));
        check.check(manager.senders(), decidedBy(mono(seq - 1) + TIMEOUT) + 1);
        assertEquals(2, changes.size(), "no change, no event");

        exchange(st, true);
        exchange(st, true);
        check.check(manager.senders(), mono(seq));
        assertEquals("down -> up (2 test packets in a row answered)", last());

        // restarted: new statistics, no verdict yet
        manager.stopSender(5);
        check.check(manager.senders(), mono(seq));
        assertEquals("up -> pending (session not running)", last());
        assertEquals(0, up(manager));
        manager.startSender(5);
        assertTrue(s.statistics() != st, "a start begins new statistics");
        check.check(manager.senders(), mono(seq));
        assertEquals(4, changes.size(), "pending stays pending");
    }

    @Test
    void aCommitChangesTheSettingsOfTheRunningSession() throws Exception {
        var manager = new SessionManager(new FakeDataPlane(), recorder);
        manager.apply(desired(Liveness.Settings.DEFAULT, true));
        SenderSession s = manager.senders().getFirst();
        SenderStatistics st = s.statistics();
        exchange(st, true);
        manager.apply(desired(new Liveness.Settings(3, 1), true));
        assertTrue(manager.senders().getFirst() == s && s.statistics() == st, "the session kept running");
        exchange(st, true);
        check.check(manager.senders(), mono(seq));
        assertEquals("pending -> up (2 test packets in a row answered)", last());
    }
}
