package io.stampd.netconf.engine;

import io.stampd.dataplane.session.SenderStatistics;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * Cuts one sender session's measurements into measurement intervals and keeps the last
 * history-size closed ones (history-stats).
 *
 * <p>Interval n covers the monotonic times [anchor + n L, anchor + (n + 1) L), the anchor being
 * the moment the engine first watched the session after its start (or its last clear-statistics):
 * a step of the wall clock changes no interval. A packet belongs to the interval in which it was
 * sent; its reply's delays reach the interval when the session's records are folded (the
 * statistics tell each folded record's send time, see {@link SenderStatistics.FoldListener}).
 * Interval n is closed {@code closeDelayNanos} after its end, when most replies to its last
 * packets have come: its packets still awaiting a reply within their loss timeout then count
 * neither as received nor as lost, and a reply that comes after the close is left out of it.
 * Two accumulators suffice: the interval being closed and the one after it (the close delay is
 * shorter than an interval).
 *
 * <p>Everything here is guarded by the statistics' lock: the fold listener is called under it, and
 * the close folds and counts the sent packets under it, so that no reply falls between the two.
 */
final class IntervalRecorder implements SenderStatistics.FoldListener {
    private final long sessionId;
    private final SenderStatistics stats;
    private final IntervalSettings settings;
    private final long lengthNanos;
    private final long closeDelayNanos;
    private final long[] binEdgesNanos;
    private final double[] percentiles;
    private final IntervalAccumulator[] open;
    private final ArrayDeque<ClosedInterval> kept = new ArrayDeque<>();
    /** The kept intervals, oldest first, for readers that do not take the lock. */
    private volatile List<ClosedInterval> history = List.of();
    private volatile ClosedInterval last;

    private boolean anchored;
    private long anchorMono;
    /** The next interval to close, its first sequence number and its start time on the wall clock. */
    private long nextToClose;
    private long firstSeq;
    private long startUnix;

    /**
     * Listens to {@code stats} from now on; intervals start at {@link #anchor}.
     *
     * @param closeDelayNanos how long after its end an interval is closed; less than the interval
     */
    IntervalRecorder(long sessionId, SenderStatistics stats, IntervalSettings settings, double[] percentiles,
                     long closeDelayNanos) {
        if (closeDelayNanos < 0 || closeDelayNanos >= settings.lengthNanos()) {
            throw new IllegalArgumentException("close delay " + closeDelayNanos + " ns must be shorter than the "
                    + settings.lengthSeconds() + " s interval");
        }
        this.sessionId = sessionId;
        this.stats = stats;
        this.settings = settings;
        this.lengthNanos = settings.lengthNanos();
        this.closeDelayNanos = closeDelayNanos;
        this.binEdgesNanos = settings.binEdgesNanos();
        this.percentiles = percentiles.clone();
        this.open = new IntervalAccumulator[] {new IntervalAccumulator(binEdgesNanos),
            new IntervalAccumulator(binEdgesNanos)};
        synchronized (stats) {
            firstSeq = stats.nextSeq();
            stats.foldListener(this);
        }
    }

    /**
     * The close delay of a session: at most a second, half its interval or its loss timeout, and
     * at least a tenth of that, at a phase of its own (Fibonacci hashing of the id), so that ten
     * thousand sessions started together do not all close in the same instant.
     */
    static long closeDelayNanos(long sessionId, IntervalSettings settings, long lossTimeoutNanos) {
        long most = Math.max(1, Math.min(1_000_000_000L, Math.min(settings.lengthNanos() / 2, lossTimeoutNanos)));
        long base = most / 10;
        return base + Long.remainderUnsigned(sessionId * 0x9E3779B97F4A7C15L, most - base);
    }

    IntervalSettings settings() {
        return settings;
    }

    SenderStatistics statistics() {
        return stats;
    }

    long lengthNanos() {
        return lengthNanos;
    }

    /** Interval 0 starts now. Replies to packets sent before belong to it. */
    void anchor(long monoNanos, long unixNanos) {
        synchronized (stats) {
            anchored = true;
            anchorMono = monoNanos;
            startUnix = unixNanos;
            nextToClose = 0;
        }
    }

    boolean anchored() {
        synchronized (stats) {
            return anchored;
        }
    }

    /** The monotonic time at which the next interval is due to close; Long.MAX_VALUE before the anchor. */
    long nextCloseMono() {
        synchronized (stats) {
            return anchored ? anchorMono + (nextToClose + 1) * lengthNanos + closeDelayNanos : Long.MAX_VALUE;
        }
    }

    /** Stops listening to the statistics (the recorder was replaced). */
    void detach() {
        synchronized (stats) {
            stats.foldListener(null);
        }
    }

    @Override
    public void delays(long sentMonoNanos, long forward, long backward, long roundTrip) {
        IntervalAccumulator a = accumulatorFor(sentMonoNanos);
        if (a != null) {
            a.delays(forward, backward, roundTrip);
        }
    }

    @Override
    public void answeredAcrossClockStep(long sentMonoNanos) {
        IntervalAccumulator a = accumulatorFor(sentMonoNanos);
        if (a != null) {
            a.answered();
        }
    }

    @Override
    public void variation(long sentMonoNanos, long forward, long backward, long roundTrip) {
        IntervalAccumulator a = accumulatorFor(sentMonoNanos);
        if (a != null) {
            a.variation(forward, backward, roundTrip);
        }
    }

    /**
     * The open interval a packet sent at {@code sentMono} belongs to, or null if it is closed (a
     * late reply) or the closer has fallen two intervals behind. A send time the loss window no
     * longer knew goes to the oldest open interval, and so does every reply folded before the
     * anchor (interval 0: the session started a moment before the engine looked at it).
     */
    private IntervalAccumulator accumulatorFor(long sentMono) {
        long n = !anchored || sentMono == Long.MIN_VALUE ? nextToClose
                : Math.max(0, Math.floorDiv(sentMono - anchorMono, lengthNanos));
        if (n < nextToClose) {
            return null;
        }
        IntervalAccumulator a = open[(int) (n & 1)];
        if (a.number != n) {
            if (a.number >= nextToClose) {
                return null;
            }
            a.reset(n);
        }
        return a;
    }

    /**
     * Closes every interval due by {@code nowMono} (end plus close delay), oldest first, and
     * returns them. After a long stall (the watch thread did not run for more than history-size
     * intervals) the intervals nobody could keep are skipped.
     */
    List<ClosedInterval> closeDue(long nowMono, long nowUnix) {
        List<ClosedInterval> closed = new ArrayList<>(1);
        synchronized (stats) {
            if (!anchored) {
                return closed;
            }
            long due = Math.floorDiv(nowMono - closeDelayNanos - anchorMono, lengthNanos); // intervals ended
            if (due - nextToClose > settings.historySize() + 1) {
                long skipTo = due - settings.historySize();
                long skipStartMono = anchorMono + skipTo * lengthNanos;
                firstSeq = stats.intervalSent(firstSeq, skipStartMono, nowMono).nextFirstSeq();
                startUnix = nowUnix - (nowMono - skipStartMono);
                open[0].number = -1;
                open[1].number = -1;
                nextToClose = skipTo;
            }
            while (nextToClose < due) {
                long endMono = anchorMono + (nextToClose + 1) * lengthNanos;
                SenderStatistics.IntervalSent sent = stats.intervalSent(firstSeq, endMono, nowMono);
                IntervalAccumulator a = open[(int) (nextToClose & 1)];
                if (a.number != nextToClose) {
                    a.reset(nextToClose); // no reply came for it
                }
                long endUnix = nowUnix - (nowMono - endMono);
                ClosedInterval c = a.close(sessionId, startUnix, endUnix, sent, percentiles, binEdgesNanos);
                startUnix = endUnix;
                firstSeq = sent.nextFirstSeq();
                nextToClose++;
                kept.addLast(c);
                while (kept.size() > settings.historySize()) {
                    kept.removeFirst();
                }
                closed.add(c);
            }
            if (!closed.isEmpty()) {
                history = List.copyOf(kept);
                last = closed.getLast();
            }
        }
        return closed;
    }

    /** The kept closed intervals, oldest first. */
    List<ClosedInterval> history() {
        return history;
    }

    /** The last closed interval, or null. */
    ClosedInterval last() {
        return last;
    }
}
