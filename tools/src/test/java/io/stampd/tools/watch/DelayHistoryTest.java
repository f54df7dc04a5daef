package io.stampd.tools.watch;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class DelayHistoryTest {
    private static final long S = 1_000_000_000L;
    private static final long MS = 1_000_000L;
    /** A sender clock 1000 s ahead of this machine's, to show the window follows the sender's. */
    private static final long SENDER = 5_000_000 * S;
    private static final long LOCAL = SENDER - 1000 * S;

    private static DelayPoint point(long seq, long t1, long rttMs) {
        return new DelayPoint(seq, t1, t1 + rttMs * MS, 0, 0, rttMs * MS);
    }

    private static SessionSample session(long id, DelayPoint... points) {
        return new SessionSample(id, "p", "active", null, null, null, null, null, List.of(points));
    }

    @Test
    void averagesPerColumnByTransmitTimeAndCountsARecordOnce() {
        DelayHistory h = new DelayHistory(S, 4, SparkMetric.ROUND_TRIP);
        // columns: SENDER-3s, -2s, -1s, now; two records in the -2 s column
        h.add(List.of(session(1, point(1, SENDER - 2 * S, 2), point(2, SENDER - 2 * S + 500 * MS, 4),
                point(3, SENDER + 100 * MS, 9))), LOCAL + 200 * MS);
        assertEquals(Arrays.asList(null, 3.0, null, 9.0), h.millis(1, LOCAL + 200 * MS));
        // the next poll sees the same records again plus a new one: only the new one is added
        h.add(List.of(session(1, point(1, SENDER - 2 * S, 2), point(2, SENDER - 2 * S + 500 * MS, 4),
                point(3, SENDER + 100 * MS, 9), point(4, SENDER + 900 * MS, 1))), LOCAL + 1000 * MS);
        assertEquals(Arrays.asList(null, 3.0, null, 5.0), h.millis(1, LOCAL + 200 * MS));
    }

    @Test
    void followsTheChosenDirection() {
        DelayHistory h = new DelayHistory(S, 1, SparkMetric.FORWARD);
        h.add(List.of(session(1, new DelayPoint(1, SENDER, SENDER + 9 * MS, 6 * MS, 3 * MS, 9 * MS))), LOCAL);
        assertEquals(List.of(6.0), h.millis(1, LOCAL));
        assertEquals(SparkMetric.BACKWARD, SparkMetric.parse(" Backward"));
        assertThrows(IllegalArgumentException.class, () -> SparkMetric.parse("rtt"));
    }

    @Test
    void theWindowMovesOnWithTheClockAndForgetsRemovedSessions() {
        DelayHistory h = new DelayHistory(S, 3, SparkMetric.ROUND_TRIP);
        h.add(List.of(session(1, point(1, SENDER, 7)), session(2, point(1, SENDER, 8))), LOCAL);
        assertEquals(Arrays.asList(null, null, 7.0), h.millis(1, LOCAL));
        // two seconds later on this machine, nothing new: the value has moved left
        assertEquals(Arrays.asList(7.0, null, null), h.millis(1, LOCAL + 2 * S));
        h.add(List.of(session(1)), LOCAL + 2 * S);
        assertEquals(Arrays.asList(null, null, null), h.millis(2, LOCAL + 2 * S));
        assertThrows(IllegalArgumentException.class, () -> new DelayHistory(0, 3, SparkMetric.ROUND_TRIP));
    }
}
