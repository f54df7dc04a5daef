package io.stampd.tools.bench.footprint;

import java.lang.management.ManagementFactory;
import java.lang.ref.Reference;
import java.util.function.IntFunction;

/**
 * Retained heap of many instances of something, per instance: heap used after a full collection
 * with the instances alive, less heap used after one without them. Meaningful with a collector
 * whose System.gc() is a full, compacting collection (the launcher runs with -XX:+UseSerialGC).
 */
final class RetainedHeap {
    private RetainedHeap() {
    }

    static long usedAfterGc() {
        var memory = ManagementFactory.getMemoryMXBean();
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return memory.getHeapMemoryUsage().getUsed();
    }

    /** Bytes per instance retained by {@code count} instances that {@code make} builds. */
    static double perInstance(int count, IntFunction<Object> make) {
        Object[] keep = new Object[count];
        long before = usedAfterGc();
        for (int i = 0; i < count; i++) {
            keep[i] = make.apply(i);
        }
        long after = usedAfterGc();
        Reference.reachabilityFence(keep);
        return (double) (after - before) / count;
    }
}
