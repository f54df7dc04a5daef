package io.stampd.dataplane.session;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SenderStatisticsTest {
    private static final long MS = 1_000_000L;
    private static final long S = 1_000_000_000L;

    private static SenderStatistics stats() {
        return new SenderStatistics(7, new double[] {50, 90, 99}, 16, 2 * S);
    }

    /** Sends seq at mono time seq*10ms, T1 = 1000 s + seq*10ms. */
    private static void send(SenderStatistics st, long seq) {
        st.onSent(seq, 1000 * S + seq * 10 * MS, seq * 10 * MS);
    }

    private static void reply(SenderStatistics st, long seq, long fwd, long turn, long bwd, long reflectorSeq) {
        long t1 = 1000 * S + seq * 10 * MS;
        long t2 = t1 + fwd;
        long t3 = t2 + turn;
        long t4 = t3 + bwd;
        st.onReply(seq, t1, t2, t3, t4, 63, reflectorSeq, seq * 10 * MS + fwd + turn + bwd);
    }

    @Test
    void delaysFollowTheRfcFormulas() {
        SenderStatistics st = stats();
        send(st, 0);
        reply(st, 0, 5 * MS, 30_000, 100_000, 0);
        SenderStatistics.Snapshot s = st.snapshot(20 * MS);
        assertEquals(5 * MS, s.forward().median(), 5 * MS / 1000);
        assertEquals(100_000, s.backward().min());
        // round trip excludes the reflector's turnaround time T3 - T2
        assertEquals(5 * MS + 100_000, s.roundTrip().min());
        assertEquals(1, s.received());
        assertEquals(0, s.lost());
    }

    @Test
    void welfordMeanAndStddevMatchTheDirectComputation() {
        SenderStatistics st = stats();
        long[] fwd = {1 * MS, 2 * MS, 4 * MS, 8 * MS, 3 * MS};
        for (int i = 0; i < fwd.length; i++) {
            send(st, i);
            reply(st, i, fwd[i], 1000, 1000, i);
        }
        double mean = 0;
        for (long f : fwd) {
            mean += f;
        }
        mean /= fwd.length;
        double var = 0;
        for (long f : fwd) {
            var += (f - mean) * (f - mean);
        }
        double sd = Math.sqrt(var / fwd.length);
        SenderStatistics.Snapshot s = st.snapshot(100 * MS);
        assertEquals(Math.round(mean), s.forward().mean());
        assertEquals(Math.round(sd), s.forward().stddev());
        assertEquals(1 * MS, s.forward().min());
        assertEquals(8 * MS, s.forward().max());
        // IPDV between consecutive packets: |2-1|,|4-2|,|8-4|,|3-8| ms
        assertEquals(1 * MS, s.forwardVariation().min());
        assertEquals(5 * MS, s.forwardVariation().max());
        assertEquals(4, s.forwardVariation().count());
    }

    /**
     * RFC 5481 §4.1 IPDV in every direction: the backward series is the difference of consecutive
     * T4 - T3, the round-trip series that of consecutive (T4 - T1) - (T3 - T2), so a changing
     * reflector turnaround time does not enter it.
     */
    @Test
    void backwardAndRoundTripDelayVariationFollowTheirOwnDelays() {
        SenderStatistics st = stats();
        long[] fwd = {2 * MS, 2 * MS, 5 * MS, 5 * MS};
        long[] turn = {10_000, 500_000, 20_000, 1 * MS};
        long[] bwd = {1 * MS, 3 * MS, 2 * MS, 6 * MS};
        for (int i = 0; i < fwd.length; i++) {
            send(st, i);
            reply(st, i, fwd[i], turn[i], bwd[i], i);
        }
        SenderStatistics.Snapshot s = st.snapshot(100 * MS);
        // forward 2, 2, 5, 5 ms: |0|, |3|, |0| ms
        assertEquals(3, s.forwardVariation().count());
        assertEquals(0, s.forwardVariation().min());
        assertEquals(3 * MS, s.forwardVariation().max());
        // backward 1, 3, 2, 6 ms: |2|, |-1|, |4| ms; mean 7/3 ms; stddev sqrt(((-4/3)^2 + (-1/3)^2 + (5/3)^2) / 3)
        // = sqrt(14)/3 ms
        assertEquals(3, s.backwardVariation().count());
        assertEquals(1 * MS, s.backwardVariation().min());
        assertEquals(4 * MS, s.backwardVariation().max());
        assertEquals(2_333_333, s.backwardVariation().mean());
        assertEquals(1_247_219, s.backwardVariation().stddev());
        // round trip = forward + backward = 3, 5, 7, 11 ms (the turnaround 10 us..1 ms is left out):
        // |2|, |2|, |4| ms; mean 8/3 ms
        assertEquals(3, s.roundTripVariation().count());
        assertEquals(2 * MS, s.roundTripVariation().min());
        assertEquals(4 * MS, s.roundTripVariation().max());
        assertEquals(2_666_667, s.roundTripVariation().mean());
    }

    /**
     * RFC 3393 §2 / RFC 5481 §4.1: IPDV is taken between packets i and i+1 in sending order. A pair
     * with a lost packet is undefined and skipped; a reordered pair still counts, whichever of its
     * two replies came first.
     */
    @Test
    void aDelayVariationPairNeedsConsecutiveSequenceNumbersInSendingOrder() {
        SenderStatistics st = stats();
        for (int i = 0; i < 7; i++) {
            send(st, i);
        }
        // 2 is lost; 4 arrives after 5. Forward delays by sequence number, in arrival order:
        long[][] arrivals = {{0, 1 * MS}, {1, 2 * MS}, {3, 10 * MS}, {5, 40 * MS}, {4, 20 * MS}, {6, 43 * MS}};
        for (long[] a : arrivals) {
            reply(st, a[0], a[1], 0, MS, a[0]);
        }
        SenderStatistics.Snapshot s = st.snapshot(10 * S);
        assertEquals(1, s.lost());
        assertEquals(1, s.reordered());
        // Pairs: (0,1) |2-1| = 1 ms, (3,4) |20-10| = 10 ms, (4,5) |40-20| = 20 ms, (5,6) |43-40| = 3 ms;
        // (1,2) and (2,3) are undefined (2 lost). Mean (1 + 10 + 20 + 3) / 4 = 8.5 ms.
        assertEquals(4, s.forwardVariation().count());
        assertEquals(1 * MS, s.forwardVariation().min());
        assertEquals(20 * MS, s.forwardVariation().max());
        assertEquals(8_500_000, s.forwardVariation().mean());
        assertEquals(4, s.backwardVariation().count(), "the same pairs in every direction");
        assertEquals(0, s.backwardVariation().max(), "the backward delay is 1 ms for every packet");
        assertEquals(4, s.roundTripVariation().count());
        assertEquals(20 * MS, s.roundTripVariation().max());
    }

    /** A pair is counted once, even when its second reply comes again (a duplicate). */
    @Test
    void aDuplicateReplyAddsNoDelayVariationPair() {
        SenderStatistics st = stats();
        for (int i = 0; i < 3; i++) {
            send(st, i);
        }
        reply(st, 1, 5 * MS, 0, MS, 1);
        reply(st, 0, 2 * MS, 0, MS, 0);
        reply(st, 1, 5 * MS, 0, MS, 1);
        reply(st, 2, 9 * MS, 0, MS, 2);
        SenderStatistics.Snapshot s = st.snapshot(10 * S);
        assertEquals(1, s.duplicates());
        // (0,1) |2-5| = 3 ms and (1,2) |9-5| = 4 ms
        assertEquals(2, s.forwardVariation().count());
        assertEquals(3 * MS, s.forwardVariation().min());
        assertEquals(4 * MS, s.forwardVariation().max());
    }

    /**
     * RFC 8762 §4 one-way delays need synchronised clocks: with the reflector's clock behind,
     * T2 < T1 and the forward delay is negative. Such delays are counted in
     * {@code negativeOneWayDelays} (forward and backward together) and stay exact in min, max and
     * mean; the histogram takes them as 0. The round trip needs no synchronisation and stays positive.
     */
    @Test
    void negativeOneWayDelaysAreCountedAndStayExact() {
        SenderStatistics st = stats();
        // Reflector clock about 3 ms behind (two negative forward delays), then stepped ahead
        // (one negative backward delay).
        long[] fwd = {-2 * MS, -1_500_000, 500_000, 6 * MS};
        long[] bwd = {4 * MS, 3_500_000, 1_500_000, -500_000};
        for (int i = 0; i < fwd.length; i++) {
            send(st, i);
            reply(st, i, fwd[i], 20_000, bwd[i], i);
        }
        SenderStatistics.Snapshot s = st.snapshot(100 * MS);
        assertEquals(3, s.negativeOneWayDelays());
        // forward: (-2 - 1.5 + 0.5 + 6) / 4 = 0.75 ms
        assertEquals(-2 * MS, s.forward().min());
        assertEquals(6 * MS, s.forward().max());
        assertEquals(750_000, s.forward().mean());
        // backward: (4 + 3.5 + 1.5 - 0.5) / 4 = 2.125 ms
        assertEquals(-500_000, s.backward().min());
        assertEquals(4 * MS, s.backward().max());
        assertEquals(2_125_000, s.backward().mean());
        // The histogram holds 0, 0, 0.5 and 6 ms for forward: the median is the 0 bucket (below 1 us),
        // where dropping the negatives instead would give 0.5 ms.
        assertTrue(s.forward().median() >= 0 && s.forward().median() < 1_000, "median " + s.forward().median());
        // round trip = forward + backward: 2, 2, 2, 5.5 ms
        assertEquals(2 * MS, s.roundTrip().min());
        assertEquals(5_500_000, s.roundTrip().max());
        assertEquals(2_875_000, s.roundTrip().mean());
    }

    @Test
    void lossCountsOnlyAfterTheTimeoutAndDuplicatesAndReorderingAreSeparate() {
        SenderStatistics st = stats();
        for (int i = 0; i < 10; i++) {
            send(st, i);
        }
        reply(st, 0, MS, 0, MS, 0);
        reply(st, 2, MS, 0, MS, 2);
        reply(st, 1, MS, 0, MS, 1); // reordered
        reply(st, 2, MS, 0, MS, 2); // duplicate
        // At 95 ms the newest packets are still within the 2 s timeout: nothing is lost yet.
        SenderStatistics.Snapshot early = st.snapshot(95 * MS);
        assertEquals(0, early.lost());
        assertEquals(7, early.inFlight());
        SenderStatistics.Snapshot late = st.snapshot(10 * S);
        assertEquals(10, late.sent());
        assertEquals(3, late.received());
        assertEquals(7, late.lost());
        assertEquals(70.0, late.lossPercent(), 1e-9);
        assertEquals(1, late.duplicates());
        assertEquals(1, late.reordered());
    }

    @Test
    void repliesToUnsentSequenceNumbersAreRejected() {
        SenderStatistics st = stats();
        send(st, 0);
        reply(st, 5, MS, 0, MS, 5);
        SenderStatistics.Snapshot s = st.snapshot(MS);
        assertEquals(0, s.received());
        assertEquals(1, s.rejected());
    }

    @Test
    void statefulReflectorSplitsLossIntoForwardAndBackward() {
        SenderStatistics st = stats();
        for (int i = 0; i < 10; i++) {
            send(st, i);
        }
        // Reflector (stateful, started at 100) got 0,1,2,4,5,7,8,9 (lost forward: 3 and 6) -> seqs 100..107;
        // of its replies, those for 5 and 8 were lost backward.
        long[][] got = {{0, 100}, {1, 101}, {2, 102}, {4, 103}, {7, 105}, {9, 107}};
        for (long[] g : got) {
            reply(st, g[0], MS, 0, MS, g[1]);
        }
        SenderStatistics.Snapshot s = st.snapshot(10 * S);
        assertEquals(2, s.forwardLost());
        assertEquals(2, s.backwardLost());
        assertEquals(4, s.lost());
    }

    /**
     * A stateful reflector numbers in the order packets reach it: two packets swapped on the way
     * (or answered across a switch of its data plane) put its number ahead of ours for one reply,
     * which keeps the split; a reflector whose numbers run far ahead counts other packets than ours.
     */
    @Test
    void reorderingAtTheReflectorKeepsTheSplitButNumbersFarAheadDoNot() {
        SenderStatistics st = stats();
        for (int i = 0; i < 6; i++) {
            send(st, i);
        }
        long[][] got = {{0, 500}, {1, 501}, {3, 502}, {2, 503}, {4, 504}, {5, 505}};
        for (long[] g : got) {
            reply(st, g[0], MS, 0, MS, g[1]);
        }
        SenderStatistics.Snapshot s = st.snapshot(10 * S);
        assertEquals(0, s.forwardLost());
        assertEquals(0, s.backwardLost());
        assertEquals(1, s.reordered());

        SenderStatistics shared = stats();
        for (int i = 0; i < 3; i++) {
            send(shared, i);
        }
        reply(shared, 0, MS, 0, MS, 500);
        reply(shared, 1, MS, 0, MS, 501 + SenderStatistics.REORDERING_TOLERANCE + 1);
        assertEquals(-1, shared.snapshot(10 * S).forwardLost(), "another sender's packets in the numbers");
    }

    @Test
    void statelessReflectorGivesNoForwardBackwardSplit() {
        SenderStatistics st = stats();
        for (int i = 0; i < 4; i++) {
            send(st, i);
        }
        reply(st, 0, MS, 0, MS, 0);
        reply(st, 3, MS, 0, MS, 3);
        assertEquals(-1, st.snapshot(10 * S).forwardLost());
    }

    @Test
    void aReflectorDeclaredStatefulGetsTheSplitEvenBeforeNumbersDiverge() {
        SenderStatistics st = new SenderStatistics(7, new double[] {50, 90, 99}, 16, 2 * S,
                SenderStatistics.ReflectorMode.STATEFUL, 64);
        for (int i = 0; i < 4; i++) {
            send(st, i);
        }
        reply(st, 0, MS, 0, MS, 0);
        reply(st, 1, MS, 0, MS, 1);
        SenderStatistics.Snapshot s = st.snapshot(10 * S);
        assertEquals(0, s.forwardLost());
        assertEquals(0, s.backwardLost());
    }

    @Test
    void recordsAreDrainedOnceAndTheRingKeepsTheNewest() {
        SenderStatistics st = stats();
        for (int i = 0; i < 20; i++) {
            send(st, i);
            reply(st, i, MS, 0, MS, i);
        }
        assertEquals(16, st.pendingRecords());
        var drained = st.drainRecords();
        assertEquals(16, drained.size());
        assertEquals(4, drained.getFirst().seq());
        assertEquals(19, drained.getLast().seq());
        assertTrue(st.drainRecords().isEmpty());
        assertEquals(5, st.latestRecords(5).size());
    }

    @Test
    void aBoundedDrainLeavesTheRestForTheNextCall() {
        SenderStatistics st = stats();
        for (int i = 0; i < 10; i++) {
            send(st, i);
            reply(st, i, MS, 0, MS, i);
        }
        var first = st.drainRecords(4);
        assertEquals(List.of(0L, 1L, 2L, 3L), first.stream().map(StampRecord::seq).toList());
        assertEquals(6, st.pendingRecords());
        assertEquals(4, st.drainRecords(100).getFirst().seq());
        assertEquals(0, st.pendingRecords());
    }

    /**
     * The round-trip variation pairs each round trip with its neighbour's forward + backward delay
     * (not kept on its own): between clocks 300 years apart the one-way delays overflow, and the
     * variation is still that of the round trips.
     */
    @Test
    void roundTripVariationHoldsBetweenClocksFarApart() {
        SenderStatistics st = stats();
        long offset = Long.MAX_VALUE - 5 * S; // the reflector's clock, ahead of ours
        long[] rtt = {300_000, 420_000};
        for (int i = 0; i < 2; i++) {
            long t1 = 1000 * S + i * 10 * MS;
            long t2 = t1 + offset + rtt[i] / 2; // wraps past Long.MAX_VALUE
            long t3 = t2 + 10_000;
            long t4 = t3 - offset + rtt[i] / 2;
            st.onSent(i, t1, i * 10 * MS);
            st.onReply(i, t1, t2, t3, t4, 63, i, i * 10 * MS + MS);
        }
        SenderStatistics.Snapshot s = st.snapshot(30 * MS);
        assertEquals(rtt[0], s.roundTrip().min());
        assertEquals(rtt[1], s.roundTrip().max());
        assertEquals(1, s.roundTripVariation().count());
        assertEquals(rtt[1] - rtt[0], s.roundTripVariation().max());
    }

    /**
     * Round 0 also populates the histograms' buckets and fills the record ring (both allocate as
     * they grow); round 1 records the same delays again: nothing may be allocated.
     */
    @Test
    void recordingAllocatesNothingOnceTheBucketsInUseArePopulated() {
        var mx = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        SenderStatistics st = new SenderStatistics(7, new double[] {50, 90, 99}, 1024, 2 * S);
        for (int round = 0; round < 2; round++) { // round 0 warms up the JIT
            long before = mx.getCurrentThreadAllocatedBytes();
            for (long i = round * 100_000L; i < (round + 1) * 100_000L; i++) {
                send(st, i);
                reply(st, i, (i % 5000) * 1000 + 20_000, 10_000, (i % 3000) * 1000 + 15_000, i);
            }
            long perPacket = (mx.getCurrentThreadAllocatedBytes() - before) / 100_000;
            if (round == 1) {
                assertTrue(perPacket < 1, "statistics allocated " + perPacket + " bytes per record");
            }
        }
    }

    @Test
    void theLossWindowCoversWhatIsInFlightDuringOneTimeout() {
        assertEquals(64, SenderStatistics.windowFor(S, 2 * S));
        assertEquals(4096, SenderStatistics.windowFor(MS, 2 * S));
        assertEquals(1 << 16, SenderStatistics.windowFor(MS, 600 * S), "capped");
        // A window of 64 at 10 ms with a 2 s timeout would overwrite in-flight packets: 256 is needed.
        assertEquals(512, SenderStatistics.windowFor(10 * MS, 2 * S));
    }

    /**
     * Delays reach the series when the records are folded, not at each reply: however the folds
     * fall (a reader after every reply, a background fold now and then, or none until the ring is
     * half full, 16 records here), the statistics are the same, and none is lost to the ring.
     */
    @Test
    void foldingTheRecordsLaterGivesTheSameStatistics() {
        SenderStatistics eager = stats();
        SenderStatistics background = stats();
        SenderStatistics lazy = stats();
        for (int i = 0; i < 1000; i++) {
            long fwd = 100_000L + (i * 7919L % 1000) * 10_000L; // 0.1 .. 10 ms, scrambled
            long bwd = 50_000L + (i * 104_729L % 977) * 3_000L;
            for (SenderStatistics st : List.of(eager, background, lazy)) {
                send(st, i);
                if (i % 13 != 5) {
                    reply(st, i, fwd, 10_000, bwd, i);
                }
            }
            eager.snapshot(i * 10 * MS);
            if (i % 37 == 0) {
                background.foldRecords();
            }
        }
        SenderStatistics.Snapshot e = eager.snapshot(20 * S);
        for (SenderStatistics st : List.of(background, lazy)) {
            SenderStatistics.Snapshot s = st.snapshot(20 * S);
            assertEquals(e.received(), s.received());
            for (var pair : List.of(List.of(e.forward(), s.forward()), List.of(e.backward(), s.backward()),
                    List.of(e.roundTrip(), s.roundTrip()), List.of(e.forwardVariation(), s.forwardVariation()),
                    List.of(e.backwardVariation(), s.backwardVariation()),
                    List.of(e.roundTripVariation(), s.roundTripVariation()))) {
                DelayStatistic.Summary a = pair.get(0);
                DelayStatistic.Summary b = pair.get(1);
                assertEquals(a.count(), b.count());
                assertEquals(a.min(), b.min());
                assertEquals(a.max(), b.max());
                assertEquals(a.mean(), b.mean());
                assertEquals(a.stddev(), b.stddev());
                assertArrayEquals(a.percentiles(), b.percentiles());
            }
        }
        assertEquals(e.received(), e.roundTrip().count(), "every reply in the series, none lost to the 16-record ring");
    }

    @Test
    void percentilesComeFromTheHistogram() {
        SenderStatistics st = stats();
        for (int i = 0; i < 100; i++) {
            send(st, i);
            reply(st, i, (i + 1) * 100_000L, 0, 0, i); // 0.1 .. 10 ms
        }
        SenderStatistics.Snapshot s = st.snapshot(10 * S);
        assertEquals(5_000_000, s.forward().percentiles()[0], 5_000_000 / 500);
        assertEquals(9_000_000, s.forward().percentiles()[1], 9_000_000 / 500);
        assertEquals(9_900_000, s.forward().percentiles()[2], 9_900_000 / 500);
    }

    private static SenderStatistics followUpStats() {
        return SenderStatistics.forSession(SenderSessionConfig.builder()
                .reflectorAddress(io.stampd.dataplane.session.Ipv6Addresses.parse("fd00::1", "test"))
                .ssid(7).intervalNanos(10 * MS).lossTimeoutNanos(2 * S).followUpTelemetry(true).recordCapacity(16)
                .build());
    }

    @Test
    void followUpTelemetryReplacesT3OfTheHeldReplyAndRecordsItThen() {
        SenderStatistics st = followUpStats();
        send(st, 0);
        send(st, 1);
        reply(st, 0, 5 * MS, 30_000, 100_000, 40); // carried T3 = T2 + 30 us, backward 100 us
        assertEquals(1, st.snapshot(1 * MS).received(), "the reply counts at once");
        assertEquals(0, st.drainRecords().size(), "its delays wait for the follow-up");
        long t3Carried = 1000 * S + 5 * MS + 30_000;
        st.onFollowUp(40, t3Carried + 60_000); // it really left 60 us later
        reply(st, 1, 5 * MS, 30_000, 100_000, 41);
        List<StampRecord> records = st.drainRecords();
        assertEquals(1, records.size());
        assertEquals(t3Carried + 60_000, records.get(0).t3());
        assertEquals(40_000, records.get(0).backwardNanos());
        assertEquals(5 * MS + 40_000, records.get(0).roundTripNanos());
        assertEquals(1, st.followUps());
        st.flushPending(); // the last reply keeps the T3 it carried
        records = st.drainRecords();
        assertEquals(1, records.size());
        assertEquals(100_000, records.get(0).backwardNanos());
        assertEquals(2, st.snapshot(100 * MS).backward().count());
    }

    @Test
    void aFollowUpForAnotherReplyOrTooEarlyIsIgnoredAndAHeldReplyIsRecordedAfterTheHoldTime() {
        SenderStatistics st = followUpStats();
        send(st, 0);
        reply(st, 0, 5 * MS, 30_000, 100_000, 40);
        long t3Carried = 1000 * S + 5 * MS + 30_000;
        st.onFollowUp(39, t3Carried + 10_000); // not the held reply's number
        st.onFollowUp(40, t3Carried - 1); // before the T3 it carried: not its transmit time
        assertEquals(0, st.followUps());
        long arrived = 5 * MS + 130_000;
        assertEquals(0, st.snapshot(arrived + 19 * MS).backward().count(), "held for two intervals");
        assertEquals(1, st.snapshot(arrived + 20 * MS).backward().count(), "then recorded as it came");
        assertEquals(100_000, st.snapshot(arrived + 20 * MS).backward().min());
        st.onFollowUp(40, t3Carried + 10_000); // too late: already recorded
        assertEquals(0, st.followUps());
    }

    /** At 1 ms, two intervals would be 2 ms: a reply waits at least 20 ms for its follow-up. */
    @Test
    void aFastSessionWaitsAtLeastTwentyMillisecondsForAFollowUp() {
        SenderStatistics st = SenderStatistics.forSession(SenderSessionConfig.builder()
                .reflectorAddress(io.stampd.dataplane.session.Ipv6Addresses.parse("fd00::1", "test"))
                .ssid(7).intervalNanos(1 * MS).lossTimeoutNanos(2 * S).followUpTelemetry(true).recordCapacity(16)
                .build());
        send(st, 0);
        reply(st, 0, 5 * MS, 30_000, 100_000, 40);
        long arrived = 5 * MS + 130_000;
        assertEquals(0, st.snapshot(arrived + 19 * MS).backward().count(), "still held after 19 ms");
        long t3Carried = 1000 * S + 5 * MS + 30_000;
        st.onFollowUp(40, t3Carried + 10_000);
        assertEquals(1, st.followUps(), "a follow-up 19 ms late still counts");
    }

    @Test
    void theFoldListenerIsToldEachReplysSendTimeAndIntervalSentCountsByTheSendClock() {
        SenderStatistics st = new SenderStatistics(1, new double[] {95, 99, 99.9}, 64, 500 * MS);
        List<long[]> told = new java.util.ArrayList<>();
        st.foldListener(new SenderStatistics.FoldListener() {
            @Override
            public void delays(long sentMonoNanos, long forward, long backward, long roundTrip) {
                told.add(new long[] {sentMonoNanos, roundTrip});
            }

            @Override
            public void variation(long sentMonoNanos, long forward, long backward, long roundTrip) {
                told.add(new long[] {sentMonoNanos, -roundTrip});
            }
        });
        long mono = 1000 * S;
        for (int seq = 0; seq < 6; seq++) {
            st.onSent(seq, seq * 100 * MS, mono + seq * 100 * MS);
        }
        st.onReply(0, 0, MS, MS, 2 * MS, 64, 0, mono + 2 * MS);
        st.onReply(1, 100 * MS, 101 * MS, 101 * MS, 103 * MS, 64, 1, mono + 103 * MS);
        assertEquals(0, told.size(), "told when folded, not on the I/O thread's reply");
        // Packets 0..3 were sent before mono + 350 ms; at mono + 700 ms, 3 is within its 500 ms timeout.
        SenderStatistics.IntervalSent sent = st.intervalSent(0, mono + 350 * MS, mono + 700 * MS);
        assertEquals(4, sent.sent());
        assertEquals(4, sent.nextFirstSeq());
        assertEquals(1, sent.awaiting(), "3 still awaits its reply; 2 timed out");
        assertEquals(3, told.size(), "intervalSent folds first: two delays and one variation pair");
        assertArrayEquals(new long[] {mono, 2 * MS}, told.get(0));
        assertArrayEquals(new long[] {mono + 100 * MS, 3 * MS}, told.get(1));
        assertArrayEquals(new long[] {mono + 100 * MS, -MS}, told.get(2));
        assertEquals(6, st.nextSeq());
    }
}
