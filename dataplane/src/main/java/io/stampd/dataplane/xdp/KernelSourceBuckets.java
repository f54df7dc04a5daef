package io.stampd.dataplane.xdp;

import io.stampd.dataplane.session.RateLimit;
import io.stampd.sys.bpf.BpfMap;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Objects;
import java.util.function.LongSupplier;

/**
 * The XDP reflector's per-source buckets (refl_sources, one arrival time per source and limit; see
 * stamp_reflector.h) and their limit (refl_source_limit), kept in step with the node's limit the
 * way {@link io.stampd.dataplane.core.TokenBucket#limit} treats a bucket: a changed limit carries
 * each source's credit earned so far over to the new one, cut to the new depth, so that a commit
 * neither hands out a fresh burst nor takes away what was earned; a limit set or lifted starts
 * afresh (an empty table, as the core's). Sources are carried over before the program switches to
 * the new limit, and the old entries deleted after: a packet the program takes meanwhile from an old
 * entry is not carried (at most the packets of those few milliseconds). I/O thread.
 */
final class KernelSourceBuckets {
    private static final long PACKET = XdpStructs.STAMP_PACKET_CREDIT;

    private final BpfMap limitMap;
    private final BpfMap sources;
    private final LongSupplier monotonicNanos;
    private RateLimit limit;

    /** {@code monotonicNanos}: CLOCK_MONOTONIC, the program's bpf_ktime_get_ns. */
    KernelSourceBuckets(BpfMap limitMap, BpfMap sources, LongSupplier monotonicNanos) {
        this.limitMap = limitMap;
        this.sources = sources;
        this.monotonicNanos = monotonicNanos;
    }

    /** The limit from now on; null: none (as the maps start). */
    void limit(RateLimit next) {
        if (Objects.equals(next, limit)) {
            return;
        }
        if (limit != null && next != null && !next.equals(limit)) {
            carryOver(limit, next);
        }
        try (Arena a = Arena.ofConfined()) {
            MemorySegment v = a.allocate(XdpStructs.STAMP_SOURCE_LIMIT);
            XdpStructs.sourceLimit(v, next == null ? 0 : next.packetsPerSecond(), next == null ? 0 : next.burst());
            limitMap.update(BpfMap.indexKey(0), v.toArray(ValueLayout.JAVA_BYTE));
        }
        // Only the new limit's entries stay (none without a limit): a later limit starts from them or afresh.
        for (byte[] key : sources.keys()) {
            if (next == null || !isUnder(key, next)) {
                sources.delete(key);
            }
        }
        limit = next;
    }

    /** Every source under {@code from} gets its entry under {@code to}, with the credit it has now. */
    private void carryOver(RateLimit from, RateLimit to) {
        long now = monotonicNanos.getAsLong();
        for (byte[] key : sources.keys()) {
            if (!isUnder(key, from)) {
                continue;
            }
            byte[] tat = sources.lookup(key).orElse(null);
            if (tat == null) {
                continue; // forgotten meanwhile (LRU)
            }
            MemorySegment k = MemorySegment.ofArray(key.clone());
            k.set(ValueLayout.JAVA_INT_UNALIGNED, XdpStructs.SOURCE_KEY_RATE, (int) to.packetsPerSecond());
            k.set(ValueLayout.JAVA_INT_UNALIGNED, XdpStructs.SOURCE_KEY_BURST, (int) to.burst());
            long carried = carried(MemorySegment.ofArray(tat).get(ValueLayout.JAVA_LONG_UNALIGNED, 0), now, from, to);
            MemorySegment v = MemorySegment.ofArray(new byte[8]);
            v.set(ValueLayout.JAVA_LONG_UNALIGNED, 0, carried);
            sources.update(k.toArray(ValueLayout.JAVA_BYTE), v.toArray(ValueLayout.JAVA_BYTE));
        }
    }

    private static boolean isUnder(byte[] key, RateLimit l) {
        MemorySegment k = MemorySegment.ofArray(key);
        return Integer.toUnsignedLong(k.get(ValueLayout.JAVA_INT_UNALIGNED, XdpStructs.SOURCE_KEY_RATE))
                == l.packetsPerSecond()
                && Integer.toUnsignedLong(k.get(ValueLayout.JAVA_INT_UNALIGNED, XdpStructs.SOURCE_KEY_BURST)) == l.burst();
    }

    /**
     * The arrival time under {@code to} of a source whose arrival time under {@code from} is
     * {@code tat}, at monotonic {@code now}: its credit now (the program's reading of it, wrap of
     * the credits included; Java's long arithmetic wraps as the program's __u64), cut to the new
     * depth.
     */
    static long carried(long tat, long now, RateLimit from, RateLimit to) {
        long fromCapacity = from.burst() * PACKET;
        long toCapacity = to.burst() * PACKET;
        long ahead = tat - now * from.packetsPerSecond();
        if (ahead < 0 || ahead > fromCapacity) {
            ahead = 0; // behind now: a full bucket
        }
        long credit = Math.min(fromCapacity - ahead, toCapacity);
        return now * to.packetsPerSecond() + (toCapacity - credit);
    }
}
