package io.stampd.dataplane.core;

import io.stampd.dataplane.session.RateLimit;
import io.stampd.sys.Libc;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;

/**
 * The node-wide limit per source address: one token bucket (see {@link TokenBucket}) per sender
 * address, whatever session its packets match, so that one sender cannot take every session's
 * answers. Tracks at most {@link #CAPACITY} sources in an open-addressing table without
 * allocation per packet. When the {@link #PROBES} slots a new source may take are all in use, it
 * replaces the one of them seen least recently, whose bucket starts full again if it comes back:
 * the same least-recently-used forgetting as the XDP program's LRU map, so that a flood of
 * spoofed sources cannot fill the table for good. I/O thread only.
 */
public final class SourceRateLimiter {
    static final int CAPACITY = 4096; // power of two
    static final int PROBES = 16;

    private final long[] addrHigh = new long[CAPACITY];
    private final long[] addrLow = new long[CAPACITY];
    private final long[] credit = new long[CAPACITY];
    /** Last refill, monotonic ns; 0 marks a free slot (a live slot's is moved off 0). */
    private final long[] lastNanos = new long[CAPACITY];
    private RateLimit limit;
    private long rate;
    private long capacity;
    private long evictions;
    /** Set while a plane's warm-up runs its throw-away packets through the core: they are not a source's. */
    private boolean suspended;

    /** The limit from now on; null: none (the table is emptied). */
    public void limit(RateLimit next) {
        if (next == null || limit == null) {
            Arrays.fill(lastNanos, 0);
        } else {
            for (int i = 0; i < CAPACITY; i++) {
                credit[i] = Math.min(credit[i], next.burst() * TokenBucket.PACKET);
            }
        }
        limit = next;
        rate = next == null ? 0 : next.packetsPerSecond();
        capacity = next == null ? 0 : next.burst() * TokenBucket.PACKET;
    }

    public RateLimit limit() {
        return limit;
    }

    /** True while a limit is set (and not suspended for a warm-up). */
    public boolean limited() {
        return limit != null && !suspended;
    }

    /**
     * Suspends the limit ({@code true}) while a plane's warm-up sends its own packets through the
     * core, so that they neither count as dropped nor warm the drop path instead of the reply path;
     * the sources' buckets stay as they were.
     */
    public void suspend(boolean value) {
        suspended = value;
    }

    /** Takes a packet's credit from {@code source}'s bucket (16 octets at 0); false: over the limit. */
    public boolean tryTake(MemorySegment source, long nowNanos) {
        long now = nowNanos == 0 ? 1 : nowNanos;
        long hi = source.get(Libc.LONG_U, 0);
        long lo = source.get(Libc.LONG_U, 8);
        int h = mix(hi, lo);
        int oldest = h & (CAPACITY - 1);
        int slot = -1;
        for (int k = 0; k < PROBES; k++) {
            int i = (h + k) & (CAPACITY - 1);
            if (lastNanos[i] == 0) {
                slot = claim(i, hi, lo, now);
                break;
            }
            if (addrHigh[i] == hi && addrLow[i] == lo) {
                slot = i;
                break;
            }
            if (lastNanos[i] < lastNanos[oldest]) {
                oldest = i;
            }
        }
        if (slot < 0) {
            evictions++;
            slot = claim(oldest, hi, lo, now);
        }
        if (now > lastNanos[slot]) {
            credit[slot] = TokenBucket.refilled(credit[slot], now - lastNanos[slot], rate, capacity);
            lastNanos[slot] = now;
        }
        if (credit[slot] >= TokenBucket.PACKET) {
            credit[slot] -= TokenBucket.PACKET;
            return true;
        }
        return false;
    }

    private int claim(int i, long hi, long lo, long now) {
        addrHigh[i] = hi;
        addrLow[i] = lo;
        credit[i] = capacity;
        lastNanos[i] = now;
        return i;
    }

    /** Sources forgotten to make room for others. */
    long evictions() {
        return evictions;
    }

    private static int mix(long hi, long lo) {
        long x = hi * 0x9E3779B97F4A7C15L ^ lo * 0xC2B2AE3D27D4EB4FL;
        return (int) (x ^ (x >>> 29) ^ (x >>> 47));
    }
}
