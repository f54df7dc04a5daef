package io.stampd.dataplane.core;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The I/O thread's scheduler under many sessions, on a virtual clock ({@link VirtualLoop}): every
 * number here is the model's, deterministic, never a wall-clock measurement.
 */
class TimerWheelTest {
    private static final long MS = 1_000_000L;
    private static final long US = 1_000L;
    /** Not aligned to a tick or to anything else. */
    private static final long T0 = 123_456_789_012L;

    /**
     * Sessions all started at the same instant are all due at once every period: sending them
     * takes a while (1 µs each here), so the last ones leave late. Over the periods each session
     * must be early, late and in between in the burst alike: its mean lateness near half the
     * burst, and none always first or always last. The sockets are read after every 64 sends.
     */
    @ParameterizedTest(name = "{0} sessions")
    @ValueSource(ints = {10_000, 50_000})
    void sessionsDueTogetherShareTheLatenessEvenly(int sessions) {
        VirtualLoop loop = new VirtualLoop(T0, 2 * US);
        List<VirtualLoop.Periodic> all = new ArrayList<>();
        for (int i = 0; i < sessions; i++) {
            all.add(loop.new Periodic(T0, 100 * MS, US).startNow());
        }
        int periods = 100;
        loop.runUntil(T0 + periods * 100 * MS);

        long burst = all.stream().mapToLong(p -> p.latenessMax).max().orElseThrow();
        assertTrue(burst >= sessions * US && burst < 100 * MS, "the burst takes " + burst + " ns");
        for (VirtualLoop.Periodic p : all) {
            assertEquals(periods, p.sent, "every packet of the schedule is sent");
            assertFalse(p.drifted, "packet k leaves at start + k × interval");
            assertTrue(p.latenessMin >= 0, "never early");
            double mean = p.meanLateness() / burst;
            assertTrue(mean > 0.3 && mean < 0.7, "a session's mean lateness is " + mean + " of the burst");
            assertTrue(p.latenessMin < burst / 4, "a session is never near the front: " + p.latenessMin);
            assertTrue(p.latenessMax > burst * 3 / 4, "a session is always at the front: " + p.latenessMax);
        }
        assertTrue(loop.longestWithoutReading <= VirtualLoop.TIMERS_PER_TURN * US,
                "replies waited " + loop.longestWithoutReading + " ns behind the sends");
        assertEquals(0, loop.wheel.size() - sessions, "every session is scheduled again");
    }

    /**
     * 10,000 sessions at 10 pps with phases 10 µs apart (100 kpps), three in each 32.8 µs tick of
     * the wheel: each leaves exactly at its deadline, never at its tick's start, never late.
     */
    @Test
    void sessionsSpreadOverTheIntervalLeaveExactlyOnTime() {
        VirtualLoop loop = new VirtualLoop(T0, 2 * US);
        List<VirtualLoop.Periodic> all = new ArrayList<>();
        for (int i = 0; i < 10_000; i++) {
            all.add(loop.new Periodic(T0 + i * 10 * US, 100 * MS, 3 * US).startNow());
        }
        loop.runUntil(T0 + 50 * 100 * MS);
        for (VirtualLoop.Periodic p : all) {
            assertEquals(50, p.sent);
            assertFalse(p.drifted);
            assertEquals(0, p.latenessMin, "never early");
            assertEquals(0, p.latenessMax, "never late");
        }
    }

    /**
     * 10,000 sessions at 10 pps with random phases, 3 µs per send (30 % of the thread): packets
     * that fall due while others are sent wait for them, and only for them.
     */
    @Test
    void randomPhasesAt100KppsWaitOnlyForTheSendsAhead() {
        VirtualLoop loop = new VirtualLoop(T0, 2 * US);
        SplittableRandom random = new SplittableRandom(11);
        for (int i = 0; i < 10_000; i++) {
            loop.new Periodic(T0 + random.nextLong(100 * MS), 100 * MS, 3 * US).startNow();
        }
        loop.runUntil(T0 + 30 * 100 * MS);
        assertEquals(10_000L * 30, loop.latenesses.size, "the whole schedule is sent");
        assertTrue(loop.latenesses.percentile(0) >= 0, "never early");
        long p99 = loop.latenesses.percentile(99);
        long max = loop.latenesses.percentile(100);
        assertTrue(p99 <= 10 * US, "p99 lateness " + p99);
        // The worst case: every session due within one 5 µs sending stretch queued behind it.
        assertTrue(max <= 40 * US, "max lateness " + max);
    }

    /**
     * Sessions of different intervals, odd ones and ones longer than the wheel spans, over 60
     * virtual seconds: packet k leaves at exactly start + k × interval, the last as the first.
     */
    @Test
    void differentIntervalsNeverDrift() {
        VirtualLoop loop = new VirtualLoop(T0, 0);
        long[] intervals = {MS, MS + 333, 7 * MS, 100 * MS, 999 * MS + 17, 1_500 * MS, 2_500 * MS, 10_000 * MS};
        List<VirtualLoop.Periodic> all = new ArrayList<>();
        for (int i = 0; i < intervals.length; i++) {
            // sends and reads cost no time here: packets of sessions due together all leave on time
            all.add(loop.new Periodic(T0 + i * 97 * US, intervals[i], 0).startNow());
        }
        long end = T0 + 60_000 * MS;
        loop.runUntil(end);
        for (VirtualLoop.Periodic p : all) {
            long expected = (end - 1 - p.start) / p.interval + 1;
            assertEquals(expected, p.sent, "interval " + p.interval);
            assertFalse(p.drifted, "interval " + p.interval);
            assertEquals(0, p.latenessMax, "interval " + p.interval + ": late");
            assertEquals(0, p.latenessMin, "interval " + p.interval + ": early");
        }
    }

    /** A one-shot timer that records when it fired. */
    private static final class Once extends EventLoop.Timer {
        final VirtualLoop loop;
        final List<Long> firedAt = new ArrayList<>();
        Runnable onFire = () -> {
        };

        Once(VirtualLoop loop) {
            this.loop = loop;
        }

        @Override
        protected long fire(long now) {
            firedAt.add(now);
            onFire.run();
            return -1;
        }
    }

    /**
     * Timers cancelled or moved, in the current tick, further on and beyond the wheel's span,
     * fire once at their last deadline or not at all.
     */
    @Test
    void cancelledTimersNeverFireAndMovedOnesFireOnceAtTheirNewDeadline() {
        VirtualLoop loop = new VirtualLoop(T0, 0);
        SplittableRandom random = new SplittableRandom(5);
        List<Once> timers = new ArrayList<>();
        long[] expected = new long[3000];
        for (int i = 0; i < expected.length; i++) {
            Once t = new Once(loop);
            timers.add(t);
            // 0-40 µs (this tick and the next), up to 2 s, and up to 10 s (beyond the span)
            long deadline = T0 + switch (i % 3) {
                case 0 -> random.nextLong(40 * US);
                case 1 -> random.nextLong(2_000 * MS);
                default -> random.nextLong(10_000 * MS);
            };
            loop.wheel.schedule(t, deadline);
            expected[i] = deadline;
        }
        for (int i = 0; i < expected.length; i++) {
            if (i % 4 == 0) {
                loop.wheel.cancel(timers.get(i));
                expected[i] = -1;
            } else if (i % 4 == 1) { // somewhere else: near to far, far to near, or into the past
                long deadline = T0 + random.nextLong(-5 * MS, 8_000 * MS);
                loop.wheel.schedule(timers.get(i), deadline);
                expected[i] = Math.max(deadline, T0);
            }
        }
        loop.runUntil(T0 + 20_000 * MS);
        for (int i = 0; i < expected.length; i++) {
            List<Long> fired = timers.get(i).firedAt;
            assertEquals(expected[i] < 0 ? List.of() : List.of(expected[i]), fired, "timer " + i);
        }
        assertEquals(0, loop.wheel.size());
    }

    /** A session stopped by another's fire in the same tick (both due) does not fire. */
    @Test
    void aTimerCancelledWhileItsBucketIsServedDoesNotFire() {
        VirtualLoop loop = new VirtualLoop(T0, 0);
        Once a = new Once(loop);
        Once b = new Once(loop);
        a.onFire = () -> loop.wheel.cancel(b);
        b.onFire = () -> loop.wheel.cancel(a);
        loop.wheel.schedule(a, T0 + 10 * US);
        loop.wheel.schedule(b, T0 + 10 * US);
        loop.runUntil(T0 + MS);
        assertEquals(1, a.firedAt.size() + b.firedAt.size(), "the first to fire stops the other");
        assertEquals(0, loop.wheel.size());
    }

    /**
     * Packets held back by sending timers leave before another kind of timer fires in the same
     * turn (it may take long, and their T1 has been read), and at the end of the turn.
     */
    @Test
    void heldSendsLeaveBeforeAnyOtherTimerFires() {
        VirtualLoop loop = new VirtualLoop(T0, 0);
        for (int i = 0; i < 10; i++) {
            loop.new Periodic(T0, 100 * MS, US).startNow();
        }
        Once other = new Once(loop);
        long[] heldWhenOtherFired = {-1};
        other.onFire = () -> heldWhenOtherFired[0] = loop.held;
        // due once five of the sessions have sent, in the same turn
        loop.wheel.schedule(other, T0 + 5 * US);
        loop.runUntil(T0 + 50 * MS);
        assertEquals(1, other.firedAt.size());
        assertTrue(loop.flushes >= 1);
        assertEquals(0, heldWhenOtherFired[0], "packets still held when the other timer fired");
        assertEquals(0, loop.held, "packets still held at the end of the turn");
    }

    /** A timer whose fire throws is reported and stops; the others go on. */
    @Test
    void aFailingTimerStopsAlone() {
        VirtualLoop loop = new VirtualLoop(T0, 0);
        EventLoop.Timer failing = new EventLoop.Timer() {
            @Override
            protected long fire(long now) {
                throw new IllegalStateException("boom");
            }
        };
        loop.wheel.schedule(failing, T0);
        VirtualLoop.Periodic p = loop.new Periodic(T0, MS, 0).startNow();
        loop.runUntil(T0 + 10 * MS);
        assertEquals(1, loop.failures.size());
        assertEquals(10, p.sent);
        assertEquals(1, loop.wheel.size());
    }

    /** The loop sleeps until the earliest deadline, in the wheel or beyond it, and no longer. */
    @Test
    void theNextDeadlineIsTheEarliest() {
        TimerWheel wheel = new TimerWheel(T0, e -> {
            throw new AssertionError(e);
        });
        assertEquals(Long.MAX_VALUE, wheel.nextDeadline());
        Once far = new Once(null);
        wheel.schedule(far, T0 + 5_000 * MS);
        assertEquals(T0 + 5_000 * MS, wheel.nextDeadline());
        Once near = new Once(null);
        wheel.schedule(near, T0 + 1_234 * MS + 567);
        assertEquals(T0 + 1_234 * MS + 567, wheel.nextDeadline());
        wheel.cancel(near);
        assertEquals(T0 + 5_000 * MS, wheel.nextDeadline());
        wheel.schedule(near, T0 - MS);
        assertEquals(near, wheel.pollDue(T0));
        assertEquals(null, wheel.pollDue(T0 + 4_999 * MS));
        assertEquals(far, wheel.pollDue(T0 + 5_000 * MS));
    }
}
