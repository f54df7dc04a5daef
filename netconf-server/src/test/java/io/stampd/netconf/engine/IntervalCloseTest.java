package io.stampd.netconf.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stampd.dataplane.PlaneSettings;
import io.stampd.dataplane.session.Ipv6Addresses;
import io.stampd.dataplane.session.SenderSessionConfig;
import io.stampd.dataplane.session.SenderStatistics;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The engine's side of the measurement intervals, on a hand-set clock: a closed interval is
 * published, judged by the session's periodic threshold within the interval that shows the step,
 * and clear-statistics starts the history anew.
 */
class IntervalCloseTest {
    private static final long S = 1_000_000_000L;
    private static final long MS = 1_000_000L;

    /** A clock the test sets. */
    private static final class HandClock implements StateClock {
        long mono = 1_000 * S;
        long unix = 1_800_000_000L * S;

        void advance(long nanos) {
            mono += nanos;
            unix += nanos;
        }

        @Override
        public long monotonicNanos() {
            return mono;
        }

        @Override
        public long unixNanos() {
            return unix;
        }
    }

    private final List<String> events = new ArrayList<>();
    private final SessionEvents recorder = new SessionEvents() {
        @Override
        public void stateChanged(Role role, long id, SessionState previous, SessionState next, String reason) {
        }

        @Override
        public void thresholdCrossed(ThresholdEvent e) {
            events.add("crossed " + e.kind().yangName + " interval " + e.intervalNumber() + " " + e.delayNanos());
        }

        @Override
        public void thresholdCleared(ThresholdEvent e) {
            events.add("cleared " + e.kind().yangName + " interval " + e.intervalNumber() + " " + e.delayNanos());
        }

        @Override
        public void intervalClosed(ClosedInterval c) {
            events.add("closed " + c.number() + " sent " + c.sent() + " avg " + c.roundTrip().mean());
        }
    };

    @Test
    void aStepOfTheDelayShowsInTheIntervalsAndCrossesThePeriodicThresholdWithinOneInterval() throws Exception {
        HandClock clock = new HandClock();
        SenderSessionConfig c = SenderSessionConfig.builder().id(3).ssid(3)
                .reflectorAddress(Ipv6Addresses.parseUnicast("2001:db8::2", "r"))
                .intervalNanos(100 * MS).lossTimeoutNanos(S).recordCapacity(64).build();
        Thresholds periodic = new Thresholds(10, List.of(new Thresholds.DelayBound(Thresholds.Metric.TWO_WAY_DELAY,
                Thresholds.Statistic.AVG, 3 * MS, 3 * MS, Thresholds.Kind.PERIODIC, 0)), null);
        IntervalSettings settings = new IntervalSettings(2, 16, List.of(0L, 3_000L, 10_000L));
        var manager = new SessionManager(new FakeDataPlane(), SessionEvents.IGNORE);
        manager.apply(new DesiredSessions(Map.of(3L, new SenderIntent(c, true, periodic, settings)), Map.of(), true,
                true, PlaneSettings.SOCKET));
        SenderSession s = manager.senders().getFirst();
        IntervalRecorder r = s.intervals();
        assertNotNull(r);
        r.anchor(clock.monotonicNanos(), clock.unixNanos());
        SenderStatistics stats = s.statistics();
        try (var watch = new SessionWatch(manager, recorder, clock, 1000)) {
            // 1 ms for two intervals, then 5 ms from 4.5 s on; a packet every 100 ms, answered at once.
            long seq = 0;
            for (int tenth = 0; tenth < 90; tenth++) {
                long rtt = tenth < 45 ? MS : 5 * MS;
                stats.onSent(seq, clock.unix, clock.mono);
                stats.onReply(seq, clock.unix, clock.unix + rtt / 2, clock.unix + rtt / 2, clock.unix + rtt, 64, seq,
                        clock.mono + rtt);
                seq++;
                clock.advance(100 * MS);
                watch.closeIntervals(s, r);
            }
        }
        assertEquals(List.of("closed 0 sent 20 avg 1000000", "closed 1 sent 20 avg 1000000",
                "crossed periodic interval 2 4000000", "closed 2 sent 20 avg 4000000",
                "closed 3 sent 20 avg 5000000"), events);
        ClosedInterval after = r.history().get(3);
        assertEquals(20, after.bins()[DelayBins.TWO_WAY][1], "every 5 ms round trip in [3 ms, 10 ms)");
        assertEquals(0, after.bins()[DelayBins.TWO_WAY][0]);
        assertEquals(20, r.history().get(0).bins()[DelayBins.TWO_WAY][0]);

        // clear-statistics: the history starts anew, to be anchored when the engine next looks.
        manager.clearSender(3);
        assertNotNull(s.intervals());
        assertTrue(s.intervals() != r, "a new recorder");
        assertEquals(List.of(), s.intervals().history());
        assertNull(s.intervals().last());
        manager.close();
    }
}
