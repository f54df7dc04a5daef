package io.stampd.dataplane.session;

import java.util.ArrayList;
import java.util.List;

/**
 * The newest N records (no object per packet), plus a drain cursor for consumers that poll
 * "everything since last time" (the original controller's GetStampSessionResults). When the
 * consumer falls behind by more than N, the oldest undrained records are overwritten and counted
 * in {@link #overwritten()}.
 *
 * <p>Compact, for 10,000 sessions of 256 records each (issue 11): a record is kept as T1 and the
 * differences T2 - T1, T3 - T2, T4 - T3 (delays and the reflector's turnaround: microseconds to
 * milliseconds), the reflector's sequence number less ours (0 from a stateless reflector), the
 * TTL, our sequence number and whether the record was measured across a step of the wall clock,
 * each column in the narrowest width that holds its values so far ({@link NarrowLongArray}): ~27
 * bytes a record instead of 56, and every field comes back bit
 * for bit (differences wrap and unwrap in two's complement), whatever the clocks. The session's
 * SSID is the ring's, not stored per record.
 *
 * <p>The columns start at {@value #INITIAL_LENGTH} records and double up to N as records arrive
 * (a session that stopped early, or a large record-capacity, costs only what it holds). Growing
 * and widening allocate, a bounded number of times over the ring's life (log2(N / 16) growths,
 * two widenings per column); once the ring is full and its widths settled, adding allocates
 * nothing.
 */
final class RecordRing {
    private static final int INITIAL_LENGTH = 16;

    private final int capacity;
    private final int ssid;
    private int length;
    private final NarrowLongArray seq;
    private final NarrowLongArray t1;
    private final NarrowLongArray forward;
    private final NarrowLongArray turnaround;
    private final NarrowLongArray backward;
    private final NarrowLongArray ttl;
    private final NarrowLongArray reflectorSeqOffset;
    /** 1 for a record measured across a step of the wall clock (its T1 and T4 are on different clocks). */
    private final NarrowLongArray clockStep;
    private long written;
    private long drained;
    private long overwritten;

    RecordRing(int ssid, int capacity) {
        this.ssid = ssid;
        this.capacity = capacity;
        length = Math.min(capacity, INITIAL_LENGTH);
        seq = new NarrowLongArray(length);
        t1 = new NarrowLongArray(length);
        forward = new NarrowLongArray(length);
        turnaround = new NarrowLongArray(length);
        backward = new NarrowLongArray(length);
        ttl = new NarrowLongArray(length);
        reflectorSeqOffset = new NarrowLongArray(length);
        clockStep = new NarrowLongArray(length);
    }

    void add(long s, long a, long b, long c, long d, int senderTtl, long rSeq) {
        add(s, a, b, c, d, senderTtl, rSeq, false);
    }

    void add(long s, long a, long b, long c, long d, int senderTtl, long rSeq, boolean acrossClockStep) {
        if (written == length && length < capacity) {
            grow(); // before the first wrap: records 0..written-1 sit at their own index
        }
        int i = (int) (written % length);
        seq.set(i, s);
        t1.set(i, a);
        forward.set(i, b - a);
        turnaround.set(i, c - b);
        backward.set(i, d - c);
        ttl.set(i, senderTtl);
        reflectorSeqOffset.set(i, rSeq - s);
        clockStep.set(i, acrossClockStep ? 1 : 0);
        written++;
        if (written - drained > capacity) {
            overwritten++;
            drained = written - capacity;
        }
    }

    private void grow() {
        length = (int) Math.min(capacity, 2L * length);
        for (NarrowLongArray column : columns()) {
            column.resize(length);
        }
    }

    private NarrowLongArray[] columns() {
        return new NarrowLongArray[] {seq, t1, forward, turnaround, backward, ttl, reflectorSeqOffset, clockStep};
    }

    private StampRecord at(long n) {
        int i = (int) (n % length);
        long s = seq.get(i);
        long a = t1.get(i);
        long b = a + forward.get(i);
        long c = b + turnaround.get(i);
        long d = c + backward.get(i);
        return new StampRecord(ssid, s, a, b, c, d, (int) ttl.get(i), s + reflectorSeqOffset.get(i),
                clockStep.get(i) != 0);
    }

    /** Records added since the last clear. */
    long written() {
        return written;
    }

    /** The oldest record still held (the ones before it were overwritten). */
    long firstHeld() {
        return Math.max(0, written - length);
    }

    /** Record {@code n}'s sender sequence number; {@code n} must be held. No allocation. */
    long seqAt(long n) {
        return seq.get((int) (n % length));
    }

    /** Record {@code n}'s forward delay, T2 - T1. */
    long forwardAt(long n) {
        return forward.get((int) (n % length));
    }

    /** Record {@code n}'s backward delay, T4 - T3. */
    long backwardAt(long n) {
        return backward.get((int) (n % length));
    }

    /** Whether record {@code n} was measured across a step of the wall clock. */
    boolean clockStepAt(long n) {
        return clockStep.get((int) (n % length)) != 0;
    }

    /**
     * Marks the held records from {@code from} on as measured across a step of the wall clock;
     * returns how many were not marked yet.
     */
    long markClockStep(long from) {
        long marked = 0;
        for (long n = Math.max(from, firstHeld()); n < written; n++) {
            int i = (int) (n % length);
            if (clockStep.get(i) == 0) {
                clockStep.set(i, 1);
                marked++;
            }
        }
        return marked;
    }

    List<StampRecord> latest(int max) {
        long from = Math.max(Math.max(0, written - capacity), written - max);
        List<StampRecord> out = new ArrayList<>((int) (written - from));
        for (long n = from; n < written; n++) {
            out.add(at(n));
        }
        return out;
    }

    /** Removes and returns at most {@code max} undrained records, oldest first. */
    List<StampRecord> drain(long max) {
        long end = drained + Math.min(max, written - drained);
        List<StampRecord> out = new ArrayList<>((int) (end - drained));
        for (long n = drained; n < end; n++) {
            out.add(at(n));
        }
        drained = end;
        return out;
    }

    int pending() {
        return (int) (written - drained);
    }

    long overwritten() {
        return overwritten;
    }

    /** Bytes the columns hold now (for tests and the footprint figures). */
    long columnBytes() {
        long bytes = 0;
        for (NarrowLongArray column : columns()) {
            bytes += (long) column.length() * column.width();
        }
        return bytes;
    }

    void clear() {
        written = drained = 0;
    }
}
