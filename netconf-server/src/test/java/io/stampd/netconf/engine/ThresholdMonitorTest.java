package io.stampd.netconf.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stampd.dataplane.session.SenderStatistics;
import io.stampd.dataplane.session.StampRecord;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Crossing above raise, clearing at clear or below, once each, over the sliding window. */
class ThresholdMonitorTest {
    private static final long S = 1_000_000_000L;
    private static final long MS = 1_000_000L;

    private final List<String> events = new ArrayList<>();
    private final SessionEvents recorder = new SessionEvents() {
        @Override
        public void stateChanged(Role role, long id, SessionState previous, SessionState next, String reason) {
        }

        @Override
        public void thresholdCrossed(ThresholdEvent e) {
            events.add("crossed " + e.metric() + " " + (e.isLoss() ? e.lossPercent() : e.delayNanos()) + " > "
                    + (e.isLoss() ? e.lossBoundPercent() : e.delayBoundNanos()));
        }

        @Override
        public void thresholdCleared(ThresholdEvent e) {
            events.add("cleared " + e.metric() + " " + (e.isLoss() ? e.lossPercent() : e.delayNanos()) + " <= "
                    + (e.isLoss() ? e.lossBoundPercent() : e.delayBoundNanos()));
        }
    };

    /** Ten records in the second before {@code endNanos}, each with the given forward delay. */
    private static List<StampRecord> second(long endNanos, long forwardNanos) {
        List<StampRecord> out = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            long t1 = endNanos - S + i * 100 * MS;
            out.add(new StampRecord(1, i, t1, t1 + forwardNanos, t1 + forwardNanos + 10_000,
                    t1 + forwardNanos + 60_000, 63, i));
        }
        return out;
    }

    @Test
    void forwardDelayCrossesOnceAndClearsWithHysteresis() {
        Thresholds t = new Thresholds(1, List.of(new Thresholds.DelayBound(Thresholds.Metric.ONE_WAY_DELAY_FAR_END,
                Thresholds.Statistic.AVG, 8 * MS, 6 * MS)), null);
        ThresholdMonitor m = new ThresholdMonitor(1);
        SenderStatistics.LossCounts snap = new SenderStatistics(1, new double[] {95, 99, 99.9}, 16, S).lossCounts(0);
        long now = 100 * S;
        m.evaluate(t, snap, second(now, 5 * MS), 99.9, now, now, recorder);
        assertEquals(List.of(), events);
        now += S;
        m.evaluate(t, snap, second(now, 12 * MS), 99.9, now, now, recorder);
        now += S;
        m.evaluate(t, snap, second(now, 12 * MS), 99.9, now, now, recorder);
        now += S;
        m.evaluate(t, snap, second(now, 7 * MS), 99.9, now, now, recorder);   // between clear and raise: still crossed
        now += S;
        m.evaluate(t, snap, second(now, 5 * MS), 99.9, now, now, recorder);
        assertEquals(List.of("crossed one-way-delay-far-end 12000000 > 8000000",
                "cleared one-way-delay-far-end 5000000 <= 6000000"), events);
    }

    @Test
    void recordsOlderThanTheWindowDoNotCount() {
        Thresholds t = new Thresholds(1, List.of(new Thresholds.DelayBound(Thresholds.Metric.TWO_WAY_DELAY,
                Thresholds.Statistic.MAX, 8 * MS, 8 * MS)), null);
        ThresholdMonitor m = new ThresholdMonitor(1);
        SenderStatistics.LossCounts snap = new SenderStatistics(1, new double[] {95, 99, 99.9}, 16, S).lossCounts(0);
        long now = 100 * S;
        List<StampRecord> old = second(now - 5 * S, 20 * MS);
        m.evaluate(t, snap, old, 99.9, now, now, recorder);
        assertEquals(List.of(), events);
    }

    @Test
    void highPercentileIsTheNearestRank() {
        long[] sample = new long[1000];
        for (int i = 0; i < sample.length; i++) {
            sample[i] = i + 1;
        }
        assertEquals(999, ThresholdMonitor.statistic(sample, Thresholds.Statistic.HIGH_PERCENTILE, 99.9));
        assertEquals(950, ThresholdMonitor.statistic(sample, Thresholds.Statistic.HIGH_PERCENTILE, 95));
        assertEquals(1000, ThresholdMonitor.statistic(sample, Thresholds.Statistic.MAX, 0));
        assertEquals(501, ThresholdMonitor.statistic(sample, Thresholds.Statistic.AVG, 0));
    }

    @Test
    void lossOverTheWindowCrossesAndClears() {
        Thresholds t = new Thresholds(2, List.of(), new Thresholds.LossBound(new BigDecimal("5"), new BigDecimal("1")));
        ThresholdMonitor m = new ThresholdMonitor(1);
        SenderStatistics stats = new SenderStatistics(1, new double[] {95, 99, 99.9}, 16, 100 * MS);
        long seq = 0;
        long mono = 0;
        // 3 s without loss, then 2 s losing every other packet, then 3 s without loss; 10 packets per second.
        int[] lossEvery = {0, 0, 0, 2, 2, 0, 0, 0};
        for (int second = 0; second < lossEvery.length; second++) {
            for (int i = 0; i < 10; i++, seq++) {
                mono += 100 * MS;
                stats.onSent(seq, mono, mono);
                if (lossEvery[second] == 0 || seq % lossEvery[second] != 0) {
                    stats.onReply(seq, mono, mono + MS, mono + MS, mono + 2 * MS, 64, seq, mono + 2 * MS);
                }
            }
            m.evaluate(t, stats.lossCounts(mono + 200 * MS), List.of(), 99.9, mono, mono + 200 * MS, recorder);
        }
        assertEquals(2, events.size(), events.toString());
        assertTrue(events.get(0).startsWith("crossed two-way-loss"), events.toString());
        assertTrue(events.get(1).startsWith("cleared two-way-loss"), events.toString());
    }

    @Test
    void anAcceleratedBoundWithAMinimumChangeReportsAgainOnlyWhenTheValueMovedThatMuch() {
        Thresholds t = new Thresholds(1, List.of(new Thresholds.DelayBound(Thresholds.Metric.ONE_WAY_DELAY_FAR_END,
                Thresholds.Statistic.AVG, 8 * MS, 6 * MS, Thresholds.Kind.ACCELERATED, 2 * MS)), null);
        ThresholdMonitor m = new ThresholdMonitor(1);
        SenderStatistics.LossCounts snap = new SenderStatistics(1, new double[] {95, 99, 99.9}, 16, S).lossCounts(0);
        long now = 100 * S;
        for (long forward : new long[] {12 * MS, 13 * MS, 14 * MS, 15 * MS, 13_500_000, 5 * MS}) {
            m.evaluate(t, snap, second(now, forward), 99.9, now, now, recorder);
            now += S;
        }
        assertEquals(List.of("crossed one-way-delay-far-end 12000000 > 8000000",
                "crossed one-way-delay-far-end 14000000 > 8000000",
                "cleared one-way-delay-far-end 5000000 <= 6000000"), events,
                "13 and 15 are less than 2 ms from the last report (12, then 14); 13.5 too");
    }

    /** A closed interval whose round trips are {@code rtts}. */
    private static ClosedInterval interval(long number, long... rtts) {
        var rtt = new io.stampd.dataplane.session.DelayStatistic();
        for (long v : rtts) {
            rtt.record(v);
        }
        double[] p = {95, 99, 99.9};
        var empty = new io.stampd.dataplane.session.DelayStatistic().summary(p);
        var none = new ClosedInterval.Spread(0, 0, 0, 0);
        return new ClosedInterval(1, number, 0, S, rtts.length, rtts.length, 0, 0, rtt.summary(p), empty, empty,
                none, none, none, p, new long[] {0}, new long[][] {{rtts.length}, {0}, {0}});
    }

    @Test
    void aPeriodicBoundIsJudgedOnClosedIntervalsOnlyAndNamesTheInterval() {
        Thresholds t = new Thresholds(1, List.of(new Thresholds.DelayBound(Thresholds.Metric.TWO_WAY_DELAY,
                Thresholds.Statistic.MAX, 3 * MS, 3 * MS, Thresholds.Kind.PERIODIC, 0)), null);
        ThresholdMonitor m = new ThresholdMonitor(1);
        List<ThresholdEvent> raw = new ArrayList<>();
        SessionEvents capture = new SessionEvents() {
            @Override
            public void stateChanged(Role role, long id, SessionState previous, SessionState next, String reason) {
            }

            @Override
            public void thresholdCrossed(ThresholdEvent e) {
                raw.add(e);
            }

            @Override
            public void thresholdCleared(ThresholdEvent e) {
                raw.add(e);
            }
        };
        SenderStatistics.LossCounts snap = new SenderStatistics(1, new double[] {95, 99, 99.9}, 16, S).lossCounts(0);
        long now = 100 * S;
        m.evaluate(t, snap, second(now, 20 * MS), 99.9, now, now, capture);
        assertEquals(List.of(), raw, "not judged on the sliding window");

        m.judgeInterval(t, interval(0, MS, MS), 2, capture);
        m.judgeInterval(t, interval(1, MS, 5 * MS), 2, capture);
        m.judgeInterval(t, interval(2, 5 * MS, 5 * MS), 2, capture);
        m.judgeInterval(t, interval(3), 2, capture); // no reply: no verdict
        m.judgeInterval(t, interval(4, MS, 2 * MS), 2, capture);
        assertEquals(2, raw.size(), raw.toString());
        ThresholdEvent crossed = raw.get(0);
        assertEquals(Thresholds.Kind.PERIODIC, crossed.kind());
        assertEquals(1, crossed.intervalNumber());
        assertEquals(5 * MS, crossed.delayNanos());
        assertEquals(2, crossed.evaluationIntervalSeconds());
        assertEquals(4, raw.get(1).intervalNumber());
        assertEquals(2 * MS, raw.get(1).delayNanos());
    }

    @Test
    void aPeriodicLossBoundIsJudgedOnThePacketsOfKnownFateOfEachInterval() {
        Thresholds t = new Thresholds(10, List.of(), new Thresholds.LossBound(new BigDecimal("5"),
                new BigDecimal("1"), Thresholds.Kind.PERIODIC));
        ThresholdMonitor m = new ThresholdMonitor(1);
        var empty = new io.stampd.dataplane.session.DelayStatistic().summary(new double[] {95, 99, 99.9});
        var none = ClosedInterval.Spread.EMPTY;
        // sent, lost, awaiting: 100/0/0, then 100 sent of which 20 awaiting and 8 lost (10 %), then 100/1/0
        long[][] intervals = {{100, 0, 0}, {100, 8, 20}, {100, 1, 0}};
        for (int n = 0; n < intervals.length; n++) {
            long[] i = intervals[n];
            m.judgeInterval(t, new ClosedInterval(1, n, 0, S, i[0], i[0] - i[1] - i[2], i[1], i[2], empty, empty,
                    empty, none, none, none, new double[] {95, 99, 99.9}, new long[] {0},
                    new long[][] {{0}, {0}, {0}}), 30, recorder);
        }
        assertEquals(List.of("crossed two-way-loss 10.00000 > 5", "cleared two-way-loss 1.00000 <= 1"), events);
    }
}
