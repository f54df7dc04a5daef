package io.stampd.dataplane.core;

import java.util.Arrays;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * The I/O thread's timers: a hashed timing wheel whose cost per operation does not grow with the
 * number of timers. Time is cut into ticks of 2^15 ns (32.8 µs); the wheel has a bucket per tick
 * for the next 2^16 ticks (2.1 s), each a doubly linked list of the timers due in it, so that
 * scheduling and cancelling are O(1). Each timer keeps its exact deadline: the bucket of the
 * current tick is walked and a timer fires only once its deadline has come, never at the tick's
 * start. A two-level bitmap of the non-empty buckets finds the next one in a few word reads.
 * Timers due further ahead than the wheel spans (intervals of seconds) wait in a {@link TimerHeap}
 * and move into the wheel as it turns; they are few and slow.
 *
 * <p>Fairness: timers due in the same tick fire in their bucket's order, and a timer that fires
 * goes to the end of its next bucket, so timers with the same phase would keep their order period
 * after period, the same one always last when they are late together. When the wheel reaches a
 * bucket it therefore rotates it by a pseudo-random number of places: among timers due together,
 * each one's place, and so its lateness, is spread evenly over the periods. I/O thread only.
 */
final class TimerWheel {
    /** log2 of the tick in ns: buckets short enough that walking the current one costs little. */
    static final int TICK_SHIFT = 15;
    /** Buckets: the wheel spans 2^31 ns (2.1 s), more than the interval of any periodic session. */
    static final int SLOTS = 1 << 16;
    private static final int MASK = SLOTS - 1;
    static final int UNSCHEDULED = -1;
    static final int FAR = -2;

    private final EventLoop.Timer[] heads = new EventLoop.Timer[SLOTS];
    private final EventLoop.Timer[] tails = new EventLoop.Timer[SLOTS];
    private final int[] counts = new int[SLOTS];
    /**
     * Per bucket, no later than its earliest deadline, and inside its tick: exact when its timers
     * were added, a lower bound after one left (waking at it costs one walk of the bucket).
     */
    private final long[] earliest = new long[SLOTS];
    /** A bit per non-empty bucket, and a bit per non-zero word of those. */
    private final long[] occupied = new long[SLOTS >>> 6];
    private final long[] occupiedWords = new long[SLOTS >>> 12];
    private final TimerHeap far = new TimerHeap();
    private final Consumer<Throwable> failures;
    /** The tick being served: every timer in the wheel is due in [cursor, cursor + SLOTS) or overdue in cursor's bucket. */
    private long cursor;
    private int inWheel;
    private long rotation = 0x2545F4914F6CDD1DL;

    /**
     * @param now      the clock's present reading (timers use its time base)
     * @param failures told about a timer whose {@code fire} threw; that timer stops
     */
    TimerWheel(long now, Consumer<Throwable> failures) {
        this.failures = failures;
        cursor = now >> TICK_SHIFT;
        Arrays.fill(earliest, Long.MAX_VALUE);
    }

    /** Timers scheduled. */
    int size() {
        return inWheel + far.size();
    }

    /** Schedules {@code t} at {@code deadline} (moving it if it was scheduled); a past deadline is due at once. */
    void schedule(EventLoop.Timer t, long deadline) {
        cancel(t);
        t.deadline = deadline;
        long tick = deadline >> TICK_SHIFT;
        if (tick - cursor >= SLOTS) {
            t.slot = FAR;
            far.add(t);
        } else {
            append(t, tick);
        }
    }

    void cancel(EventLoop.Timer t) {
        if (t.slot == FAR) {
            far.remove(t);
            t.slot = UNSCHEDULED;
        } else if (t.slot != UNSCHEDULED) {
            unlink(t);
        }
    }

    /**
     * Fires the due timers in order, at most {@code budget}, reading {@code clock} after each, and
     * schedules each at the deadline its {@code fire} returns. What the sending timers held back
     * for a batch is flushed ({@code flushSends}) at the end, and before any other timer fires:
     * that one may take a while (reading the interface addresses), and the held packets' T1 has
     * been read already. Returns how many fired.
     */
    int fireDue(int budget, LongSupplier clock, Runnable flushSends) {
        int fired = 0;
        boolean held = false;
        long now = clock.getAsLong();
        EventLoop.Timer t;
        while (fired < budget && (t = pollDue(now)) != null) {
            fired++;
            if (held && !t.batchesSends()) {
                flushSends.run();
                held = false;
            }
            held |= t.batchesSends();
            long next;
            try {
                next = t.fire(now);
            } catch (Throwable e) {
                failures.accept(e);
                next = -1;
            }
            if (next >= 0 && t.slot == UNSCHEDULED) {
                schedule(t, next);
            }
            now = clock.getAsLong();
        }
        if (held) {
            flushSends.run();
        }
        return fired;
    }

    /**
     * The earliest deadline of any timer, or a moment before it within the same tick;
     * {@link Long#MAX_VALUE} if none is scheduled.
     */
    long nextDeadline() {
        EventLoop.Timer f = far.peek();
        long next = f == null ? Long.MAX_VALUE : f.deadline;
        int slot = firstOccupiedFrom((int) (cursor & MASK));
        return slot < 0 ? next : Math.min(next, earliest[slot]);
    }

    /** Takes the next timer due at {@code now} out of the wheel, or returns null. */
    EventLoop.Timer pollDue(long now) {
        long nowTick = now >> TICK_SHIFT;
        advance(nowTick);
        int slot = (int) (cursor & MASK);
        if (counts[slot] == 0) {
            return null;
        }
        if (cursor < nowTick) { // the whole bucket is due: its order is the (rotated) fair one
            EventLoop.Timer t = heads[slot];
            unlink(t);
            return t;
        }
        long min = Long.MAX_VALUE;
        for (EventLoop.Timer t = heads[slot]; t != null; t = t.next) {
            if (t.deadline <= now) {
                unlink(t);
                return t;
            }
            min = Math.min(min, t.deadline);
        }
        earliest[slot] = min; // walked it all: exact again
        return null;
    }

    /** Moves the cursor towards {@code nowTick}, never past a bucket that still has timers. */
    private void advance(long nowTick) {
        pullFar();
        while (cursor < nowTick && counts[(int) (cursor & MASK)] == 0) {
            int next = firstOccupiedFrom((int) (cursor & MASK));
            long nextTick = next < 0 ? Long.MAX_VALUE : cursor + ((next - cursor) & MASK);
            cursor = Math.min(nowTick, nextTick);
            pullFar();
            int slot = (int) (cursor & MASK);
            if (counts[slot] > 1) {
                rotate(slot);
            }
        }
    }

    /** Moves the timers the wheel now spans from the heap into their buckets. */
    private void pullFar() {
        EventLoop.Timer t;
        while ((t = far.peek()) != null && (t.deadline >> TICK_SHIFT) - cursor < SLOTS) {
            far.remove(t);
            t.slot = UNSCHEDULED;
            append(t, t.deadline >> TICK_SHIFT);
        }
    }

    private void append(EventLoop.Timer t, long tick) {
        int slot = (int) (Math.max(tick, cursor) & MASK);
        EventLoop.Timer tail = tails[slot];
        t.prev = tail;
        t.next = null;
        if (tail == null) {
            heads[slot] = t;
            occupied[slot >>> 6] |= 1L << slot;
            occupiedWords[slot >>> 12] |= 1L << (slot >>> 6);
        } else {
            tail.next = t;
        }
        tails[slot] = t;
        t.slot = slot;
        counts[slot]++;
        inWheel++;
        earliest[slot] = Math.min(earliest[slot], t.deadline);
    }

    private void unlink(EventLoop.Timer t) {
        int slot = t.slot;
        if (t.prev == null) {
            heads[slot] = t.next;
        } else {
            t.prev.next = t.next;
        }
        if (t.next == null) {
            tails[slot] = t.prev;
        } else {
            t.next.prev = t.prev;
        }
        t.prev = null;
        t.next = null;
        t.slot = UNSCHEDULED;
        inWheel--;
        if (--counts[slot] == 0) {
            earliest[slot] = Long.MAX_VALUE;
            long word = occupied[slot >>> 6] &= ~(1L << slot);
            if (word == 0) {
                occupiedWords[slot >>> 12] &= ~(1L << (slot >>> 6));
            }
        }
    }

    /** Starts bucket {@code slot} at a pseudo-random one of its timers, keeping their cyclic order. */
    private void rotate(int slot) {
        rotation = rotation * 6364136223846793005L + 1442695040888963407L;
        int k = counts[slot];
        int r = (int) (((rotation >>> 32) * k) >>> 32);
        if (r == 0) {
            return;
        }
        EventLoop.Timer head = heads[slot];
        EventLoop.Timer tail = tails[slot];
        EventLoop.Timer newHead = head;
        for (int i = 0; i < r; i++) {
            newHead = newHead.next;
        }
        EventLoop.Timer newTail = newHead.prev;
        tail.next = head;
        head.prev = tail;
        newTail.next = null;
        newHead.prev = null;
        heads[slot] = newHead;
        tails[slot] = newTail;
    }

    /** The first non-empty bucket at or after {@code from}, wrapping around; -1 if all are empty. */
    private int firstOccupiedFrom(int from) {
        int s = firstOccupied(from);
        return s >= 0 || from == 0 ? s : firstOccupied(0);
    }

    /** The first non-empty bucket in [from, SLOTS), or -1. */
    private int firstOccupied(int from) {
        int w = from >>> 6;
        long bits = occupied[w] & (-1L << from);
        if (bits != 0) {
            return (w << 6) + Long.numberOfTrailingZeros(bits);
        }
        int nextWord = w + 1;
        if (nextWord == occupied.length) {
            return -1;
        }
        int sw = nextWord >>> 6;
        long words = occupiedWords[sw] & (-1L << nextWord);
        while (words == 0) {
            if (++sw == occupiedWords.length) {
                return -1;
            }
            words = occupiedWords[sw];
        }
        int word = (sw << 6) + Long.numberOfTrailingZeros(words);
        return (word << 6) + Long.numberOfTrailingZeros(occupied[word]);
    }
}
