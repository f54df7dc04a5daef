package io.stampd.dataplane.session;

/**
 * One measurement: the four timestamps in Unix-epoch nanoseconds and what the reply carried.
 * Delays follow RFC 8762 §4 / stamp-wire.md: forward = T2 - T1, backward = T4 - T3, round trip =
 * (T4 - T1) - (T3 - T2).
 */
public record StampRecord(int ssid, long seq, long t1, long t2, long t3, long t4, int senderTtl, long reflectorSeq) {
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
