package io.stampd.dataplane.session;

import org.HdrHistogram.PackedHistogram;

/**
 * Running statistics of one delay series in nanoseconds: min, max, mean and standard deviation by
 * Welford's method (numerically stable, O(1) memory), and an HdrHistogram for percentiles: 3
 * significant digits above 512 ns units (so a sub-2 ms delay is resolved to 0.5 µs and a larger
 * one to 0.1 %), its range growing (by doubling) when a larger value arrives; min, max and mean
 * stay exact to the nanosecond. Negative values (one-way delays between unsynchronised clocks)
 * are exact in min/max/mean but enter the histogram as 0, since percentiles of a clock offset are
 * not meaningful; {@link #negativeCount()} says how often.
 *
 * <p>The histogram is a {@link PackedHistogram}: same buckets, hence the same percentiles, as the
 * flat IntCountsHistogram it replaced, but its memory follows the buckets in use instead of the
 * range: a 10 pps series with one 100 ms spike keeps ~1 KB instead of ~38 KB (issue 11: 10,000
 * sessions, six series each; {@code stampd bench-footprint}). A record costs 2-3x as long (tens
 * of ns), a percentile 6-20x (a walk over the buckets reads each through the packed array's
 * index tree: ~10 µs instead of 1-2 µs for a 3-digit series; one walk for several percentiles
 * through HdrHistogram's iterator was slower still). It allocates when a bucket is first used or a bucket's count first needs another byte
 * (256, 65,536, ...): bounded by the histogram's size, and none once the buckets a path uses are
 * populated.
 */
public final class DelayStatistic {
    private long count;
    private double mean;
    private double m2;
    private long min = Long.MAX_VALUE;
    private long max = Long.MIN_VALUE;
    private long negative;
    private static final long LOWEST_DISCERNIBLE_NANOS = 1_000;
    /** 1 ms: the range before the first resize (its buckets take memory only once used). */
    private static final long INITIAL_RANGE_NANOS = 1_000_000;

    private final PackedHistogram histogram;

    /** A delay series: percentiles to 3 significant digits. */
    public DelayStatistic() {
        this(3);
    }

    /**
     * @param significantDigits precision of the percentiles: 3 for delays, 2 (1 %, a sixth of the
     *                          buckets) is enough for delay variation
     */
    public DelayStatistic(int significantDigits) {
        histogram = new PackedHistogram(LOWEST_DISCERNIBLE_NANOS, INITIAL_RANGE_NANOS, significantDigits);
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

    /** The summary with the median and {@code percentiles}, all read in one walk over the histogram. */
    public Summary summary(double[] percentiles) {
        double[] wanted = java.util.Arrays.copyOf(percentiles, percentiles.length + 1);
        wanted[percentiles.length] = 50;
        long[] values = percentiles(wanted);
        return new Summary(count, min(), max(), Math.round(mean), Math.round(stddev()), values[percentiles.length],
                java.util.Arrays.copyOf(values, percentiles.length));
    }

    /**
     * {@link #percentile} of each of {@code ps}, in one walk over the histogram's buckets instead of
     * one per percentile: a packed histogram reads each bucket through its index tree (~10 µs a
     * walk), and a state read of ten thousand sessions wants four values of six series each. The
     * walk is HdrHistogram's getValueAtPercentile (AbstractHistogram, 2.2.2) for all of them at once:
     * the same count threshold per percentile, the same bucket, the same end of its range.
     */
    long[] percentiles(double[] ps) {
        long[] out = new long[ps.length];
        long total = histogram.getTotalCount();
        if (count == 0 || total == 0) {
            return out;
        }
        long[] threshold = new long[ps.length];
        for (int i = 0; i < ps.length; i++) {
            double requested = Math.min(Math.max(Math.nextAfter(ps[i], Double.NEGATIVE_INFINITY), 0.0), 100.0);
            threshold[i] = Math.max((long) Math.ceil(requested * total / 100.0), 1);
        }
        int open = ps.length;
        long running = 0;
        long last = histogram.getMaxValue();
        for (long v = histogram.lowestEquivalentValue(histogram.getMinValue()); open > 0 && v <= last;
             v = histogram.nextNonEquivalentValue(v)) {
            running += histogram.getCountAtValue(v);
            for (int i = 0; i < ps.length; i++) {
                if (threshold[i] > 0 && running >= threshold[i]) {
                    threshold[i] = 0; // found: its bucket is this one
                    open--;
                    long at = ps[i] == 0.0 ? histogram.lowestEquivalentValue(v) : histogram.highestEquivalentValue(v);
                    out[i] = Math.clamp(at, min, max);
                }
            }
        }
        return out;
    }

    /**
     * The summary without the walks over the histogram: median and percentiles 0. For readers
     * that show none of them (a walk costs ~10 µs; six series of ten thousand sessions add up).
     */
    public Summary summaryWithoutPercentiles(int percentiles) {
        return new Summary(count, min(), max(), Math.round(mean), Math.round(stddev()), 0, new long[percentiles]);
    }

    /** An immutable view, all values in nanoseconds. */
    public record Summary(long count, long min, long max, long mean, long stddev, long median, long[] percentiles) {
    }
}
