package io.stampd.tools.plot;

import io.stampd.tools.watch.DelayPoint;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class IntervalAggregatesTest {
    private static final long MS = 1_000_000L;
    private static final long T0 = 1_796_656_285_000_000_000L;

    private static DelayPoint at(long offsetMs, long rttUs) {
        return new DelayPoint(offsetMs, T0 + offsetMs * MS, T0 + offsetMs * MS + rttUs * 1000, 0, 0, rttUs * 1000);
    }

    @Test
    void minMeanMaxPerIntervalFromTheFirstTransmitTimeAndEmptyIntervalsLeftOut() {
        List<DelayPoint> points = List.of(at(0, 100), at(400, 300), at(999, 200), at(1000, 1000), at(3500, 50));
        List<IntervalAggregates.Interval> intervals = IntervalAggregates.of(points, 1000 * MS,
                DelayPoint::roundTripNanos);
        assertEquals(List.of(
                new IntervalAggregates.Interval(0.0, 3, 0.1, 0.2, 0.3),
                new IntervalAggregates.Interval(1.0, 1, 1.0, 1.0, 1.0),
                new IntervalAggregates.Interval(3.0, 1, 0.05, 0.05, 0.05)), intervals);
        assertEquals(List.of(), IntervalAggregates.of(List.of(), MS, DelayPoint::roundTripNanos));
        assertThrows(IllegalArgumentException.class, () -> IntervalAggregates.of(points, 0, DelayPoint::roundTripNanos));
    }
}
