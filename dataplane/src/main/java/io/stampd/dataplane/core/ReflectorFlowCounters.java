package io.stampd.dataplane.core;

import io.stampd.sys.Libc;

import java.lang.foreign.MemorySegment;

/**
 * The stateful reflector's own sequence counters, one per test session it serves. A provisioned
 * session with wildcards (any sender, any port, any SSID) covers many test sessions, each
 * identified by SSID and 4-tuple (RFC 8972 §3), and each numbered from 0 (RFC 8762 §4.3.1). An
 * open-addressing table with linear probing, fixed capacity and no allocation per packet; when it
 * is full, the flow in the slot probed first is replaced (its numbering restarts) and counted.
 */
public final class ReflectorFlowCounters implements FlowNumbers {
    private static final int CAPACITY = 4096; // power of two
    private static final int MAX_PROBES = 16;

    private final long[] addrHigh = new long[CAPACITY];
    private final long[] addrLow = new long[CAPACITY];
    /** Source port in bits 0-15, SSID in bits 16-31, bit 32 set when the slot is in use. */
    private final long[] portAndSsid = new long[CAPACITY];
    private final long[] next = new long[CAPACITY];
    private long evictions;

    /** Returns the sequence number for this flow's next reply and advances the flow's counter. */
    @Override
    public long take(MemorySegment sourceAddress, int sourcePort, int ssid) {
        int i = slot(sourceAddress, sourcePort, ssid, true);
        return next[i]++;
    }

    /** Gives back the number {@link #take} handed out last for this flow (no reply was sent). */
    @Override
    public void untake(MemorySegment sourceAddress, int sourcePort, int ssid, long number) {
        int i = slot(sourceAddress, sourcePort, ssid, false);
        if (i >= 0 && next[i] == number + 1) {
            next[i]--;
        }
    }

    /**
     * The slot of a flow, or -1 if it has none and {@code create} is false. With {@code create},
     * a new flow takes the first free slot on its probe sequence, or (table full there) replaces
     * the flow in the first probed slot, numbering from 0 again.
     */
    private int slot(MemorySegment sourceAddress, int sourcePort, int ssid, boolean create) {
        long hi = sourceAddress.get(Libc.LONG_U, 0);
        long lo = sourceAddress.get(Libc.LONG_U, 8);
        long tag = (1L << 32) | ((long) ssid << 16) | sourcePort;
        int h = mix(hi, lo, tag);
        for (int k = 0; k < MAX_PROBES; k++) {
            int i = (h + k) & (CAPACITY - 1);
            if (portAndSsid[i] == tag && addrHigh[i] == hi && addrLow[i] == lo) {
                return i;
            }
            if (portAndSsid[i] == 0) {
                return create ? claim(i, hi, lo, tag) : -1;
            }
        }
        if (!create) {
            return -1;
        }
        evictions++;
        return claim(h & (CAPACITY - 1), hi, lo, tag);
    }

    private int claim(int i, long hi, long lo, long tag) {
        addrHigh[i] = hi;
        addrLow[i] = lo;
        portAndSsid[i] = tag;
        next[i] = 0;
        return i;
    }

    /** One flow's state, as {@link #forEach} reports it and {@link #put} restores it. */
    public interface FlowVisitor {
        void flow(byte[] sourceAddress, int sourcePort, int ssid, long next);
    }

    /** Every flow and its next number (control path: allocates), to carry them to another plane. */
    public void forEach(FlowVisitor visitor) {
        MemorySegment a = MemorySegment.ofArray(new byte[16]);
        for (int i = 0; i < CAPACITY; i++) {
            if (portAndSsid[i] != 0) {
                a.set(Libc.LONG_U, 0, addrHigh[i]);
                a.set(Libc.LONG_U, 8, addrLow[i]);
                visitor.flow(a.toArray(java.lang.foreign.ValueLayout.JAVA_BYTE), (int) (portAndSsid[i] & 0xFFFF),
                        (int) ((portAndSsid[i] >>> 16) & 0xFFFF), next[i]);
            }
        }
    }

    /** Sets a flow's next number (a flow carried over from another plane). */
    public void put(byte[] sourceAddress, int sourcePort, int ssid, long nextNumber) {
        int i = slot(MemorySegment.ofArray(sourceAddress), sourcePort, ssid, true);
        next[i] = nextNumber;
    }

    long evictions() {
        return evictions;
    }

    private static int mix(long hi, long lo, long tag) {
        long x = hi * 0x9E3779B97F4A7C15L ^ lo * 0xC2B2AE3D27D4EB4FL ^ tag * 0x165667B19E3779F9L;
        return (int) (x ^ (x >>> 29) ^ (x >>> 47));
    }
}
