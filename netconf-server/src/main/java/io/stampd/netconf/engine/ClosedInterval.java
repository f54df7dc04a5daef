package io.stampd.netconf.engine;

import io.stampd.dataplane.session.DelayStatistic;

/**
 * The figures of one closed measurement interval of a sender test session (history-stats,
 * measurement-interval-closed). Delays in nanoseconds. {@code sent}: packets sent in the
 * interval; {@code awaiting}: those of them still within their loss timeout without a reply when
 * it closed (counted neither received nor lost); {@code lost}: the others not answered.
 *
 * @param roundTripVariation |IPDV| min, max and mean of the pairs measured in the interval (no percentiles)
 * @param bins               [delay: DelayBins.TWO_WAY, FAR_END, NEAR_END][bin] counts
 * @param percentiles        the session's, shared by its intervals: not to be changed
 * @param binEdgesNanos      the session's, shared by its intervals: not to be changed
 */
record ClosedInterval(long sessionId, long number, long startUnixNanos, long endUnixNanos, long sent,
                      long received, long lost, long awaiting, DelayStatistic.Summary roundTrip,
                      DelayStatistic.Summary forward, DelayStatistic.Summary backward, Spread roundTripVariation,
                      Spread forwardVariation, Spread backwardVariation, double[] percentiles,
                      long[] binEdgesNanos, long[][] bins) {

    /** Min, max and mean of a series; count 0 when it is empty. */
    record Spread(long count, long min, long max, long mean) {
        static final Spread EMPTY = new Spread(0, 0, 0, 0);
    }

    /** Packets whose fate was known at the close. */
    long known() {
        return sent - awaiting;
    }

    /** Round-trip loss in percent of the packets whose fate was known; -1 if none was. */
    double lossPercent() {
        long known = known();
        return known <= 0 ? -1 : 100.0 * lost / known;
    }
}
