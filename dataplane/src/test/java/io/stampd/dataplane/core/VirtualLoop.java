package io.stampd.dataplane.core;

import java.util.ArrayList;
import java.util.List;

/**
 * The I/O thread's turn on a virtual clock: fire at most 64 due timers (each costing what its
 * fire adds to the clock), read the sockets (a fixed cost), and sleep to the next deadline when
 * nothing was due. Deterministic: no wall-clock time is involved anywhere.
 */
final class VirtualLoop {
    static final int TIMERS_PER_TURN = 64;

    long now;
    final TimerWheel wheel;
    final List<Throwable> failures = new ArrayList<>();
    private final long readCost;
    /** The longest stretch of sending between two looks at the sockets. */
    long longestWithoutReading;
    long reads;
    /** How often the held-back sends were flushed, and the packets held back since the last time. */
    long flushes;
    int held;

    VirtualLoop(long start, long readCost) {
        this.now = start;
        this.readCost = readCost;
        this.wheel = new TimerWheel(start, failures::add);
    }

    void advance(long nanos) {
        now += nanos;
    }

    /** Runs turns until the clock passes {@code until} or no timer is left. */
    void runUntil(long until) {
        while (now < until) {
            long turn = now;
            int fired = wheel.fireDue(TIMERS_PER_TURN, () -> now, () -> {
                flushes++;
                held = 0;
            });
            longestWithoutReading = Math.max(longestWithoutReading, now - turn);
            now += readCost;
            reads++;
            if (fired == 0) {
                long next = wheel.nextDeadline();
                if (next == Long.MAX_VALUE) {
                    return;
                }
                now = Math.max(now, Math.min(next, until));
            }
        }
    }

    /**
     * A periodic session as the core runs one: packet k due at start + k × interval, each send
     * costing {@code sendCost} of virtual time; records how late each packet was.
     */
    final class Periodic extends EventLoop.Timer {
        final long start;
        final long interval;
        final long sendCost;
        long sent;
        long latenessSum;
        long latenessMin = Long.MAX_VALUE;
        long latenessMax = Long.MIN_VALUE;
        /** Set if a packet was not fired at the deadline its schedule gives it. */
        boolean drifted;

        @Override
        protected boolean batchesSends() {
            return true;
        }

        Periodic(long start, long interval, long sendCost) {
            this.start = start;
            this.interval = interval;
            this.sendCost = sendCost;
        }

        Periodic startNow() {
            wheel.schedule(this, start);
            return this;
        }

        @Override
        protected long fire(long at) {
            long scheduled = start + sent * interval;
            drifted |= deadline != scheduled;
            long late = at - scheduled;
            latenessSum += late;
            latenessMin = Math.min(latenessMin, late);
            latenessMax = Math.max(latenessMax, late);
            latenesses.add(late);
            sent++;
            held++;
            now += sendCost;
            return start + sent * interval;
        }

        double meanLateness() {
            return (double) latenessSum / sent;
        }
    }

    /** Every lateness recorded, in firing order (for percentiles). */
    final LongList latenesses = new LongList();

    /** A growable long array (the tests record millions of values). */
    static final class LongList {
        private long[] values = new long[1024];
        int size;

        void add(long v) {
            if (size == values.length) {
                values = java.util.Arrays.copyOf(values, size * 2);
            }
            values[size++] = v;
        }

        long percentile(double p) {
            long[] sorted = java.util.Arrays.copyOf(values, size);
            java.util.Arrays.sort(sorted);
            return sorted[(int) Math.max(0, Math.min(size - 1, Math.ceil(p / 100 * size) - 1))];
        }
    }
}
