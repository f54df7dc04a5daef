package io.stampd.tools.watch;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One delay (round trip unless told otherwise) of the last minute per session, averaged per column of the sparkline
 * (one column per refresh interval), placed by the time each test packet left (T1) on the
 * sender's clock. Each poll returns the records the agent still holds, so a record is counted once
 * (by its T1). The window ends at "now" on the sender's clock, estimated from the newest reply
 * (T4) seen against this machine's clock, so a remote agent's clock offset does not shift the plot.
 */
public final class DelayHistory {
    private static final int OFFSET_SAMPLES = 10;

    private final long bucketNanos;
    private final int columns;
    private final SparkMetric metric;
    private final Map<Long, TreeMap<Long, double[]>> buckets = new HashMap<>();
    private final Map<Long, Long> lastT1 = new HashMap<>();
    private final ArrayDeque<Long> offsets = new ArrayDeque<>();

    /** {@code bucketNanos} per column, {@code columns} columns (the window is their product). */
    public DelayHistory(long bucketNanos, int columns, SparkMetric metric) {
        if (bucketNanos <= 0 || columns <= 0) {
            throw new IllegalArgumentException("bucket and columns must be positive");
        }
        this.bucketNanos = bucketNanos;
        this.columns = columns;
        this.metric = metric;
    }

    public SparkMetric metric() {
        return metric;
    }

    public int columns() {
        return columns;
    }

    /** Adds one poll's sessions, read at {@code localNanos} (epoch nanoseconds of this machine). */
    public void add(List<SessionSample> sessions, long localNanos) {
        long newestT4 = Long.MIN_VALUE;
        for (SessionSample s : sessions) {
            TreeMap<Long, double[]> own = buckets.computeIfAbsent(s.id(), k -> new TreeMap<>());
            long last = lastT1.getOrDefault(s.id(), Long.MIN_VALUE);
            for (DelayPoint p : s.points()) {
                newestT4 = Math.max(newestT4, p.t4Nanos());
                if (p.t1Nanos() <= last) {
                    continue;
                }
                last = p.t1Nanos();
                double[] b = own.computeIfAbsent(Math.floorDiv(p.t1Nanos(), bucketNanos), k -> new double[2]);
                b[0] += metric.delay.applyAsLong(p) / 1e6;
                b[1]++;
            }
            lastT1.put(s.id(), last);
        }
        if (newestT4 != Long.MIN_VALUE) {
            offsets.addLast(newestT4 - localNanos);
            if (offsets.size() > OFFSET_SAMPLES) {
                offsets.removeFirst();
            }
        }
        buckets.keySet().retainAll(sessions.stream().map(SessionSample::id).toList());
        lastT1.keySet().retainAll(buckets.keySet());
        long oldest = Math.floorDiv(senderNow(localNanos), bucketNanos) - columns;
        buckets.values().forEach(m -> m.headMap(oldest, true).clear());
    }

    /**
     * The sender's clock now: this machine's plus the largest recent (T4 - local time at the poll);
     * the largest because each T4 is older than its poll by up to a packet interval.
     */
    long senderNow(long localNanos) {
        return localNanos + offsets.stream().mapToLong(Long::longValue).max().orElse(0);
    }

    /** Mean delay in milliseconds per column, oldest first, ending now; null where nothing arrived. */
    public List<Double> millis(long sessionId, long localNanos) {
        TreeMap<Long, double[]> own = buckets.getOrDefault(sessionId, new TreeMap<>());
        long end = Math.floorDiv(senderNow(localNanos), bucketNanos);
        List<Double> out = new ArrayList<>(columns);
        for (long b = end - columns + 1; b <= end; b++) {
            double[] v = own.get(b);
            out.add(v == null ? null : v[0] / v[1]);
        }
        return out;
    }
}
