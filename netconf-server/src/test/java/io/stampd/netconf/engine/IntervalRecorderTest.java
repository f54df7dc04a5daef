package io.stampd.netconf.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stampd.dataplane.session.SenderStatistics;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Measurement intervals driven by hand-set clocks: which packets an interval counts, its delays,
 * bins and loss, the bound on the history, and that a wall-clock step changes no interval.
 */
class IntervalRecorderTest {
    private static final long S = 1_000_000_000L;
    private static final long MS = 1_000_000L;
    private static final long MONO0 = 5_000 * S;
    private static final long UNIX0 = 1_800_000_000L * S;
    private static final double[] PERCENTILES = {50, 90, 99};

    /** A session at 100 ms, loss timeout 500 ms, intervals of 1 s closed 200 ms after their end. */
    private final SenderStatistics stats = new SenderStatistics(1, PERCENTILES, 64, 500 * MS);

    private IntervalRecorder recorder(int historySize) {
        IntervalRecorder r = new IntervalRecorder(7, stats, new IntervalSettings(1, historySize,
                List.of(0L, 5_000L, 10_000L)), PERCENTILES, 200 * MS);
        r.anchor(MONO0, UNIX0);
        return r;
    }

    /** Sends packet {@code seq} at {@code sentMono} (wall clock {@code unixOffset} off the monotonic one). */
    private void send(long seq, long sentMono, long unixOffset) {
        stats.onSent(seq, sentMono - MONO0 + UNIX0 + unixOffset, sentMono);
    }

    private void reply(long seq, long sentMono, long rtt, long unixOffset) {
        long t1 = sentMono - MONO0 + UNIX0 + unixOffset;
        stats.onReply(seq, t1, t1 + rtt / 2, t1 + rtt / 2, t1 + rtt, 64, seq, sentMono + rtt);
    }

    @Test
    void anIntervalCountsThePacketsSentInItWhoseFateIsKnownAtItsClose() {
        IntervalRecorder r = recorder(16);
        // Interval 0: ten packets at 2 ms; no reply to 3; 9's reply comes after the close.
        for (int seq = 0; seq < 10; seq++) {
            long at = MONO0 + seq * 100 * MS;
            send(seq, at, 0);
            if (seq != 3 && seq != 9) {
                reply(seq, at, 2 * MS, 0);
            }
        }
        // Interval 1 begins; its first packet's reply (7 ms) is folded before interval 0 closes.
        send(10, MONO0 + S, 0);
        reply(10, MONO0 + S, 7 * MS, 0);
        assertEquals(List.of(), r.closeDue(MONO0 + S + 199 * MS, UNIX0 + S + 199 * MS), "not due yet");

        List<ClosedInterval> closed = r.closeDue(MONO0 + S + 200 * MS, UNIX0 + S + 200 * MS);
        assertEquals(1, closed.size());
        ClosedInterval c = closed.getFirst();
        assertEquals(0, c.number());
        assertEquals(UNIX0, c.startUnixNanos());
        assertEquals(UNIX0 + S, c.endUnixNanos());
        assertEquals(10, c.sent());
        assertEquals(8, c.received());
        assertEquals(1, c.awaiting(), "9 is within its loss timeout");
        assertEquals(1, c.lost(), "3 timed out");
        assertEquals(100.0 / 9, c.lossPercent(), 1e-9);
        assertEquals(2 * MS, c.roundTrip().mean());
        assertEquals(2 * MS, c.roundTrip().max());
        assertEquals(MS, c.forward().mean());
        assertArrayEquals(new long[] {8, 0, 0}, c.bins()[DelayBins.TWO_WAY]);
        assertEquals(0, c.roundTripVariation().max(), "all the same delay");

        // 9's reply comes late: it is in neither interval. Interval 1 has 10 (7 ms) and 11 (12 ms).
        reply(9, MONO0 + 900 * MS, 2 * MS, 0);
        send(11, MONO0 + S + 100 * MS, 0);
        reply(11, MONO0 + S + 100 * MS, 12 * MS, 0);
        ClosedInterval next = r.closeDue(MONO0 + 2 * S + 200 * MS, UNIX0 + 2 * S + 200 * MS).getFirst();
        assertEquals(1, next.number());
        assertEquals(2, next.sent());
        assertEquals(2, next.received());
        assertEquals(0, next.lost());
        assertEquals(7 * MS, next.roundTrip().min());
        assertEquals(12 * MS, next.roundTrip().max());
        assertArrayEquals(new long[] {0, 1, 1}, next.bins()[DelayBins.TWO_WAY]);
        assertEquals(5 * MS, next.roundTripVariation().max(), "|12 - 7| ms between 10 and 11");
        assertEquals(List.of(c, next), r.history());
        assertEquals(next, r.last());
    }

    @Test
    void repliesFoldedBeforeTheAnchorBelongToIntervalZero() {
        IntervalRecorder r = new IntervalRecorder(7, stats, new IntervalSettings(1, 16, List.of(0L)), PERCENTILES,
                200 * MS);
        send(0, MONO0 - 50 * MS, 0);
        reply(0, MONO0 - 50 * MS, 2 * MS, 0);
        stats.foldRecords(); // the engine has not looked at the session yet
        r.anchor(MONO0, UNIX0);
        send(1, MONO0 + 50 * MS, 0);
        reply(1, MONO0 + 50 * MS, 2 * MS, 0);
        ClosedInterval c = r.closeDue(MONO0 + S + 200 * MS, UNIX0 + S + 200 * MS).getFirst();
        assertEquals(0, c.number());
        assertEquals(2, c.sent());
        assertEquals(2, c.received());
        assertEquals(0, c.lost());
    }

    @Test
    void theHistoryKeepsTheLastHistorySizeIntervalsOldestFirst() {
        IntervalRecorder r = recorder(3);
        for (int n = 0; n < 5; n++) {
            long at = MONO0 + n * S;
            send(n, at, 0);
            reply(n, at, MS, 0);
            r.closeDue(at + S + 200 * MS, UNIX0 + n * S + S + 200 * MS);
        }
        assertEquals(List.of(2L, 3L, 4L), r.history().stream().map(ClosedInterval::number).toList());
        assertTrue(r.history().stream().allMatch(c -> c.sent() == 1 && c.received() == 1));
    }

    @Test
    void aStepOfTheWallClockChangesNoInterval() {
        IntervalRecorder r = recorder(16);
        send(0, MONO0 + 100 * MS, 0);
        reply(0, MONO0 + 100 * MS, MS, 0);
        // The wall clock jumps back an hour in the middle of interval 0.
        long step = -3600 * S;
        send(1, MONO0 + 900 * MS, step);
        reply(1, MONO0 + 900 * MS, MS, step);
        send(2, MONO0 + S + 100 * MS, step);
        reply(2, MONO0 + S + 100 * MS, MS, step);
        ClosedInterval c = r.closeDue(MONO0 + S + 200 * MS, UNIX0 + S + 200 * MS + step).getFirst();
        assertEquals(2, c.sent(), "0 and 1, sent in the interval's monotonic second");
        assertEquals(2, c.received());
        assertEquals(UNIX0 + S + step, c.endUnixNanos(), "its end on the wall clock as it reads now");
    }

    @Test
    void anIntervalWithoutTrafficClosesEmptyAndAStalledCloserSkipsWhatNobodyKeeps() {
        IntervalRecorder r = recorder(2);
        ClosedInterval empty = r.closeDue(MONO0 + S + 200 * MS, UNIX0 + S + 200 * MS).getFirst();
        assertEquals(0, empty.sent());
        assertEquals(0, empty.roundTrip().count());
        assertEquals(-1, empty.lossPercent());
        // Ten intervals later: only the last ones that history-size keeps are closed.
        List<ClosedInterval> late = r.closeDue(MONO0 + 11 * S + 200 * MS, UNIX0 + 11 * S + 200 * MS);
        assertEquals(List.of(9L, 10L), late.stream().map(ClosedInterval::number).toList());
    }

    @Test
    void binsHoldTheirLowerEdgeAndTheLastIsOpen() {
        DelayBins bins = new DelayBins(new long[] {0, 5_000_000, 10_000_000});
        assertEquals(0, bins.binOf(-3));
        assertEquals(0, bins.binOf(4_999_999));
        assertEquals(1, bins.binOf(5_000_000));
        assertEquals(2, bins.binOf(10_000_000));
        assertEquals(2, bins.binOf(Long.MAX_VALUE));
    }

    @Test
    void settingsRefuseEdgesThatDoNotIncrease() {
        var e = assertThrows(IllegalArgumentException.class, () -> new IntervalSettings(30, 16,
                List.of(0L, 5_000L, 5_000L)));
        assertTrue(e.getMessage().contains("strictly increasing"), e.getMessage());
    }

    @Test
    void theCloseDelayIsShorterThanHalfTheIntervalAndTheLossTimeout() {
        for (long id = 0; id < 1000; id++) {
            long d = IntervalRecorder.closeDelayNanos(id, new IntervalSettings(1, 16, List.of(0L)), 2 * S);
            assertTrue(d >= 50 * MS && d < 500 * MS, d + " ns");
            long t = IntervalRecorder.closeDelayNanos(id, IntervalSettings.DEFAULT, 300 * MS);
            assertTrue(t >= 30 * MS && t < 300 * MS, t + " ns");
        }
    }
}
