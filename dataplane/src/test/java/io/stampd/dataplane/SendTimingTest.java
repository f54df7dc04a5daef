package io.stampd.dataplane;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The send-time error histogram: what a recorder collects, percentiles, clamping and intervals. */
class SendTimingTest {
    /** Within the 2 significant digits the histogram keeps. */
    private static void assertAbout(long expected, long actual) {
        assertTrue(Math.abs(actual - expected) <= expected / 100 + 1, "expected ~" + expected + ", got " + actual);
    }

    @Test
    void percentilesAndMaximumOfTheLatenessRecorded() {
        var r = new SendTimingRecorder();
        long due = 1_000_000_000L;
        for (int i = 1; i <= 100; i++) {
            r.record(due, due + i * 1000L); // 1 µs .. 100 µs late
        }
        SendTiming t = r.snapshot();
        assertEquals(100, t.count());
        assertAbout(50_000, t.percentileNanos(50));
        assertAbout(99_000, t.percentileNanos(99));
        assertAbout(100_000, t.maxNanos());
    }

    @Test
    void earlyCountsAsZeroAndBeyondTheRangeAsTheRange() {
        var r = new SendTimingRecorder();
        r.record(5_000, 4_000);
        r.record(0, SendTiming.MAX_TRACKED_NANOS * 10);
        SendTiming t = r.snapshot();
        assertEquals(2, t.count());
        assertEquals(0, t.percentileNanos(50));
        assertAbout(SendTiming.MAX_TRACKED_NANOS, t.maxNanos());
    }

    @Test
    void snapshotsAccumulateAndSinceGivesTheInterval() {
        var r = new SendTimingRecorder();
        for (int i = 0; i < 10; i++) {
            r.record(0, 1_000_000); // 1 ms late, before the interval
        }
        SendTiming before = r.snapshot();
        for (int i = 0; i < 30; i++) {
            r.record(0, 2_000);
        }
        SendTiming after = r.snapshot();
        assertEquals(10, before.count());
        assertEquals(40, after.count(), "a snapshot holds everything recorded so far");
        SendTiming interval = after.since(before);
        assertEquals(30, interval.count());
        assertAbout(2_000, interval.maxNanos());
        assertAbout(1_000_000, after.maxNanos());
        assertEquals(10, before.count(), "snapshots do not change afterwards");
        assertSame(after, after.since(SendTiming.EMPTY));
    }

    @Test
    void emptyReadsZero() {
        SendTiming t = new SendTimingRecorder().snapshot();
        assertEquals(0, t.count());
        assertEquals(0, t.percentileNanos(99));
        assertEquals(0, t.maxNanos());
    }
}
