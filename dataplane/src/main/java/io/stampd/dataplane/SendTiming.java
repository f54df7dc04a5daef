package io.stampd.dataplane;

import org.HdrHistogram.Histogram;

/**
 * How late test packets left: for every packet sent, T1 minus the time it was scheduled for
 * (nanoseconds, never negative), as a histogram of 2 significant digits. Immutable; {@link #since}
 * gives the packets of an interval, the way {@link DataPlaneCounters} are differenced.
 */
public final class SendTiming {
    /** Lateness past this is counted at this value (the histogram's range). */
    public static final long MAX_TRACKED_NANOS = 60_000_000_000L;
    static final int SIGNIFICANT_DIGITS = 2;
    /** No packet sent yet. */
    public static final SendTiming EMPTY = new SendTiming(newHistogram());

    private final Histogram histogram;

    /** Takes ownership of {@code histogram}: the caller must not change it afterwards. */
    SendTiming(Histogram histogram) {
        this.histogram = histogram;
    }

    static Histogram newHistogram() {
        return new Histogram(1, MAX_TRACKED_NANOS, SIGNIFICANT_DIGITS);
    }

    /** Packets measured. */
    public long count() {
        return histogram.getTotalCount();
    }

    /** The lateness that {@code percentile} percent of the packets did not exceed; 0 when empty. */
    public long percentileNanos(double percentile) {
        return count() == 0 ? 0 : histogram.getValueAtPercentile(percentile);
    }

    /** The largest lateness (to the histogram's resolution); 0 when empty. */
    public long maxNanos() {
        return count() == 0 ? 0 : histogram.getMaxValue();
    }

    /**
     * The packets measured after {@code earlier}, an earlier reading of the same data plane.
     * A reading from elsewhere (more packets in some bucket than this one) gives this one unchanged.
     */
    public SendTiming since(SendTiming earlier) {
        if (earlier.count() == 0) {
            return this;
        }
        Histogram d = histogram.copy();
        try {
            d.subtract(earlier.histogram);
        } catch (IllegalArgumentException e) {
            return this;
        }
        return new SendTiming(d);
    }

    @Override
    public String toString() {
        return "SendTiming[count=" + count() + ", p50=" + percentileNanos(50) + " ns, p99=" + percentileNanos(99)
                + " ns, max=" + maxNanos() + " ns]";
    }
}
