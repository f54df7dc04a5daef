package io.stampd.dataplane.session;

/**
 * One measurement: the four timestamps in Unix-epoch nanoseconds and what the reply carried.
 * Delays follow RFC 8762 §4 / stamp-wire.md: forward = T2 - T1, backward = T4 - T3, round trip =
 * (T4 - T1) - (T3 - T2).
 *
 * <p>{@code clockStep}: the sender's wall clock stepped (against its monotonic clock) while this
 * packet was out, so T1 and T4 are read on two different clocks and its delays are not
 * measurements; such a record is kept (the packet was answered) but left out of the delay
 * statistics, thresholds and intervals.
 */
public record StampRecord(int ssid, long seq, long t1, long t2, long t3, long t4, int senderTtl, long reflectorSeq,
                          boolean clockStep) {
    /** A record measured on one clock. */
    public StampRecord(int ssid, long seq, long t1, long t2, long t3, long t4, int senderTtl, long reflectorSeq) {
        this(ssid, seq, t1, t2, t3, t4, senderTtl, reflectorSeq, false);
    }

    public long forwardNanos() {
        return t2 - t1;
    }

    public long backwardNanos() {
        return t4 - t3;
    }

    public long roundTripNanos() {
        return (t4 - t1) - (t3 - t2);
    }
}
