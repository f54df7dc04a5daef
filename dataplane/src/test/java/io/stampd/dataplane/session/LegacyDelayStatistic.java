package io.stampd.dataplane.session;

import org.HdrHistogram.IntCountsHistogram;

/**
 * DelayStatistic as it was before issue 11 (an IntCountsHistogram, memory for every bucket of its
 * range), kept as the reference that the packed one must report exactly like.
 *
 * <p>Running statistics of one delay series in nanoseconds: min, max, mean and standard deviation by
 * Welford's method (numerically stable, O(1) memory), and an HdrHistogram for percentiles: 3
 * significant digits above 512 ns units (so a sub-2 ms delay is resolved to 0.5 µs and a larger
 * one to 0.1 %), sized for 1 ms up front and growing (rarely, by doubling) only when a larger
 * value arrives; min, max and mean stay exact to the nanosecond. Negative values (one-way
 * delays between unsynchronised clocks) are exact in min/max/mean but enter the histogram as 0,
 * since percentiles of a clock offset are not meaningful; {@link #negativeCount()} says how often.
 */
final class LegacyDelayStatistic {
    private long count;
    private double mean;
    private double m2;
    private long min = Long.MAX_VALUE;
    private long max = Long.MIN_VALUE;
    private long negative;
    private static final long LOWEST_DISCERNIBLE_NANOS = 1_000;
    /** 1 ms: a LAN path fits without growing; a 1,000-session agent keeps ~8 KB per series. */
    private static final long INITIAL_RANGE_NANOS = 1_000_000;

    private final IntCountsHistogram histogram;

    /** A delay series: percentiles to 3 significant digits. */
    LegacyDelayStatistic() {
        this(3);
    }

    /**
     * @param significantDigits precision of the percentiles: 3 for delays, 2 (1 %, a sixth of the
     *                          memory) is enough for delay variation
     */
    LegacyDelayStatistic(int significantDigits) {
        histogram = new IntCountsHistogram(LOWEST_DISCERNIBLE_NANOS, INITIAL_RANGE_NANOS, significantDigits);
        histogram.setAutoResize(true);
    }

    public void record(long valueNanos) {
        count++;
        double delta = valueNanos - mean;
        mean += delta / count;
        m2 += delta * (valueNanos - mean);
        if (valueNanos < min) {
            min = valueNanos;
        }
        if (valueNanos > max) {
            max = valueNanos;
        }
        if (valueNanos < 0) {
            negative++;
        }
        histogram.recordValue(Math.max(0, valueNanos));
    }

    public long count() {
        return count;
    }

    public long min() {
        return count == 0 ? 0 : min;
    }

    public long max() {
        return count == 0 ? 0 : max;
    }

    public double mean() {
        return mean;
    }

    /** Population standard deviation. */
    public double stddev() {
        return count < 2 ? 0 : Math.sqrt(m2 / count);
    }

    public long negativeCount() {
        return negative;
    }

    /**
     * The value at a percentile (0..100], 0 when empty. The histogram answers with the top of a
     * bucket, which can lie above every recorded value; it is kept within the exact min and max so
     * that no percentile is reported above the maximum (or below the minimum).
     */
    public long percentile(double p) {
        return count == 0 ? 0 : Math.clamp(histogram.getValueAtPercentile(p), min, max);
    }

    public void reset() {
        count = 0;
        mean = 0;
        m2 = 0;
        min = Long.MAX_VALUE;
        max = Long.MIN_VALUE;
        negative = 0;
        histogram.reset();
    }

    DelayStatistic.Summary summary(double[] percentiles) {
        long[] pv = new long[percentiles.length];
        for (int i = 0; i < pv.length; i++) {
            pv[i] = percentile(percentiles[i]);
        }
        return new DelayStatistic.Summary(count, min(), max(), Math.round(mean), Math.round(stddev()), percentile(50), pv);
    }
}
