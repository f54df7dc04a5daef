package io.stampd.tools.plot;

import io.stampd.tools.watch.DelayPoint;

import java.util.ArrayList;
import java.util.List;
import java.util.function.ToLongFunction;

/**
 * Measurements grouped into consecutive intervals of the test packets' transmit time (T1), each
 * with min, mean and max of one delay: what the plot draws as per-interval whiskers and means.
 */
public final class IntervalAggregates {
    /** One interval: its start (seconds from the first T1), its record count and min/mean/max in ms. */
    public record Interval(double startSeconds, int count, double minMs, double meanMs, double maxMs) {
    }

    private IntervalAggregates() {
    }

    /** {@code points} sorted by T1; empty intervals are left out. */
    public static List<Interval> of(List<DelayPoint> points, long intervalNanos, ToLongFunction<DelayPoint> delay) {
        if (intervalNanos <= 0) {
            throw new IllegalArgumentException("interval must be positive");
        }
        List<Interval> out = new ArrayList<>();
        if (points.isEmpty()) {
            return out;
        }
        long origin = points.getFirst().t1Nanos();
        int i = 0;
        while (i < points.size()) {
            long index = (points.get(i).t1Nanos() - origin) / intervalNanos;
            long min = Long.MAX_VALUE;
            long max = Long.MIN_VALUE;
            double sum = 0;
            int n = 0;
            for (; i < points.size() && (points.get(i).t1Nanos() - origin) / intervalNanos == index; i++) {
                long d = delay.applyAsLong(points.get(i));
                min = Math.min(min, d);
                max = Math.max(max, d);
                sum += d;
                n++;
            }
            out.add(new Interval(index * intervalNanos / 1e9, n, min / 1e6, sum / n / 1e6, max / 1e6));
        }
        return out;
    }
}
