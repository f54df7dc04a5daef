package io.stampd.netconf.engine;

import io.stampd.dataplane.session.DelayStatistic;
import io.stampd.dataplane.session.SenderStatistics;

/**
 * What one open measurement interval has gathered: its replies' delays (series with percentiles),
 * their variation (min, max, mean) and bin counts. Reused from interval to interval; fed under
 * the session statistics' lock, possibly on the I/O thread, so adding allocates nothing (beyond
 * a delay series' first use of a histogram bucket, as DelayStatistic says).
 */
final class IntervalAccumulator {
    /** The interval gathered, or -1 when free. */
    long number = -1;
    private long received;
    private final DelayStatistic roundTrip = new DelayStatistic();
    private final DelayStatistic forward = new DelayStatistic();
    private final DelayStatistic backward = new DelayStatistic();
    /** Per delay (DelayBins index): count, min, max of the variation, and its sum. */
    private final long[] variationCount = new long[3];
    private final long[] variationMin = new long[3];
    private final long[] variationMax = new long[3];
    private final double[] variationSum = new double[3];
    private final DelayBins bins;

    IntervalAccumulator(long[] binEdgesNanos) {
        bins = new DelayBins(binEdgesNanos);
    }

    void reset(long newNumber) {
        number = newNumber;
        received = 0;
        roundTrip.reset();
        forward.reset();
        backward.reset();
        java.util.Arrays.fill(variationCount, 0);
        java.util.Arrays.fill(variationSum, 0);
        bins.reset();
    }

    /** A reply whose delays are not known (measured across a step of the wall clock): received all the same. */
    void answered() {
        received++;
    }

    void delays(long fwd, long bwd, long rtt) {
        received++;
        roundTrip.record(rtt);
        forward.record(fwd);
        backward.record(bwd);
        bins.add(DelayBins.TWO_WAY, rtt);
        bins.add(DelayBins.FAR_END, fwd);
        bins.add(DelayBins.NEAR_END, bwd);
    }

    void variation(long fwd, long bwd, long rtt) {
        addVariation(DelayBins.TWO_WAY, rtt);
        addVariation(DelayBins.FAR_END, fwd);
        addVariation(DelayBins.NEAR_END, bwd);
    }

    private void addVariation(int delay, long v) {
        if (variationCount[delay]++ == 0) {
            variationMin[delay] = v;
            variationMax[delay] = v;
        } else {
            variationMin[delay] = Math.min(variationMin[delay], v);
            variationMax[delay] = Math.max(variationMax[delay], v);
        }
        variationSum[delay] += v;
    }

    /**
     * The interval's figures; the accumulator becomes free. {@code percentiles} and {@code
     * binEdgesNanos} are the recorder's, shared by all its intervals (never changed), not copied:
     * ten thousand sessions keep sixteen intervals each.
     */
    ClosedInterval close(long sessionId, long startUnixNanos, long endUnixNanos, SenderStatistics.IntervalSent sent,
                         double[] percentiles, long[] binEdgesNanos) {
        long lost = Math.max(0, sent.sent() - sent.awaiting() - received);
        ClosedInterval c = new ClosedInterval(sessionId, number, startUnixNanos, endUnixNanos, sent.sent(), received,
                lost, sent.awaiting(), roundTrip.summary(percentiles), forward.summary(percentiles),
                backward.summary(percentiles), spread(DelayBins.TWO_WAY), spread(DelayBins.FAR_END),
                spread(DelayBins.NEAR_END), percentiles, binEdgesNanos, bins.counts());
        number = -1;
        return c;
    }

    private ClosedInterval.Spread spread(int delay) {
        long n = variationCount[delay];
        return n == 0 ? ClosedInterval.Spread.EMPTY : new ClosedInterval.Spread(n, variationMin[delay],
                variationMax[delay], Math.round(variationSum[delay] / n));
    }
}
