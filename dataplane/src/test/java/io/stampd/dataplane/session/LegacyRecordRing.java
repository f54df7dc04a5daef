package io.stampd.dataplane.session;

import java.util.ArrayList;
import java.util.List;

/**
 * RecordRing as it was before issue 11 (eight full-width columns allocated up front), kept as the
 * reference that the compact ring must answer exactly like.
 *
 * <p>The newest N records in parallel primitive arrays (no object per packet), plus a drain cursor
 * for consumers that poll "everything since last time" (the original controller's
 * GetStampSessionResults). When the consumer falls behind by more than N, the oldest undrained
 * records are overwritten and counted in {@link #overwritten()}.
 */
final class LegacyRecordRing {
    private final int capacity;
    private final int[] ssid;
    private final long[] seq;
    private final long[] t1;
    private final long[] t2;
    private final long[] t3;
    private final long[] t4;
    private final int[] ttl;
    private final long[] reflectorSeq;
    private long written;
    private long drained;
    private long overwritten;

    LegacyRecordRing(int capacity) {
        this.capacity = capacity;
        ssid = new int[capacity];
        seq = new long[capacity];
        t1 = new long[capacity];
        t2 = new long[capacity];
        t3 = new long[capacity];
        t4 = new long[capacity];
        ttl = new int[capacity];
        reflectorSeq = new long[capacity];
    }

    void add(int ssidValue, long s, long a, long b, long c, long d, int senderTtl, long rSeq) {
        int i = (int) (written % capacity);
        ssid[i] = ssidValue;
        seq[i] = s;
        t1[i] = a;
        t2[i] = b;
        t3[i] = c;
        t4[i] = d;
        ttl[i] = senderTtl;
        reflectorSeq[i] = rSeq;
        written++;
        if (written - drained > capacity) {
            overwritten++;
            drained = written - capacity;
        }
    }

    private StampRecord at(long n) {
        int i = (int) (n % capacity);
        return new StampRecord(ssid[i], seq[i], t1[i], t2[i], t3[i], t4[i], ttl[i], reflectorSeq[i]);
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

    void clear() {
        written = drained = 0;
    }
}
