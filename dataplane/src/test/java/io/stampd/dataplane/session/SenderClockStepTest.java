package io.stampd.dataplane.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A step of the sender's wall clock while packets are out: the replies measured across it are
 * recorded with the clock-step flag, counted, and left out of the delay series; they are neither
 * lost nor late; the packets before and after it measure as usual. Packets every 10 ms, each
 * answered 5 ms later (2 ms forward, 1 ms turnaround, 2 ms backward).
 */
class SenderClockStepTest {
    private static final long MS = 1_000_000L;
    private static final long S = 1_000_000_000L;
    private static final long FLIGHT = 5 * MS;

    /** The wall clock: 1000 s ahead of the monotonic one, plus whatever steps were made. */
    private long wallOffset = 1000 * S;
    private final SenderStatistics st = new SenderStatistics(7, new double[] {50}, 64, 200 * MS);

    private long wall(long mono) {
        return mono + wallOffset;
    }

    private void send(long seq) {
        st.onSent(seq, wall(seq * 10 * MS), seq * 10 * MS);
    }

    /** The reply to {@code seq}, with T1 as sent and T2..T4 read on the wall clock as it is now. */
    private void reply(long seq, long t1) {
        long mono = seq * 10 * MS + FLIGHT;
        long t4 = wall(mono);
        st.onReply(seq, t1, t4 - 3 * MS, t4 - 2 * MS, t4, 64, seq, mono);
    }

    private void sendAndAnswer(long seq) {
        send(seq);
        reply(seq, wall(seq * 10 * MS));
    }

    private List<StampRecord> records() {
        return st.drainRecords(100);
    }

    @Test
    void aStepForwardUnderAPacketFlagsItsReplyAndNothingElse() {
        st.livenessSettings(new Liveness.Settings(1, 1)); // one late reply would be enough for down
        for (long seq = 0; seq < 5; seq++) {
            sendAndAnswer(seq);
        }
        send(5);
        long t1 = wall(50 * MS);
        wallOffset += 10 * S; // date -s '+10 seconds' while packet 5 is out
        reply(5, t1);
        assertEquals(Liveness.State.UP, st.liveness(55 * MS, true).state(),
                "T4 - T1 is 10 s, but the reply came 5 ms after its packet on the monotonic clock");
        for (long seq = 6; seq < 10; seq++) {
            sendAndAnswer(seq);
        }

        SenderStatistics.Snapshot s = st.snapshot(200 * MS);
        assertEquals(10, s.received());
        assertEquals(0, s.lost(), "a reply across a step is no loss");
        assertEquals(9, s.forward().count(), "the reply across the step is left out of the delays");
        assertEquals(2 * MS, s.forward().max());
        assertEquals(4 * MS, s.roundTrip().max());
        assertEquals(1, st.clockStepRecords());
        assertEquals(1, st.clockSteps());
        assertEquals(10 * S, st.lastClockStepNanos());
        List<StampRecord> records = records();
        assertEquals(10, records.size());
        for (StampRecord r : records) {
            assertEquals(r.seq() == 5, r.clockStep(), "record " + r.seq());
        }
        assertEquals(10 * S + 2 * MS, records.get(5).forwardNanos(), "the record keeps the timestamps it got");
        Liveness.Verdict verdict = st.liveness(200 * MS, false);
        assertEquals(Liveness.State.UP, verdict.state(), "the reply was on time on the monotonic clock");
        assertEquals(0, verdict.consecutiveLost());
    }

    @Test
    void aStepBackwardIsSeenAtTheNextSendAndFlagsTheRepliesReadSince() {
        for (long seq = 0; seq < 5; seq++) {
            sendAndAnswer(seq);
        }
        send(5);
        long t1 = wall(50 * MS);
        wallOffset -= 10 * S; // date -s '-10 seconds'
        reply(5, t1); // T4 before T1 on the wall clock: only the next send shows that the clock stepped
        for (long seq = 6; seq < 10; seq++) {
            sendAndAnswer(seq);
        }

        SenderStatistics.Snapshot s = st.snapshot(200 * MS);
        assertEquals(0, s.lost());
        assertEquals(9, s.forward().count());
        assertEquals(2 * MS, s.forward().min(), "no delay of -10 s in the series");
        assertEquals(0, s.negativeOneWayDelays());
        assertEquals(1, st.clockStepRecords());
        assertEquals(-10 * S, st.lastClockStepNanos());
        List<StampRecord> records = records();
        for (StampRecord r : records) {
            assertEquals(r.seq() == 5, r.clockStep(), "record " + r.seq());
        }
    }

    @Test
    void slewingIsNoStep() {
        for (long seq = 0; seq < 200; seq++) {
            wallOffset += 5_000; // 500 ppm at 10 ms a packet, NTP's fastest slew
            sendAndAnswer(seq);
        }
        assertEquals(0, st.clockSteps());
        assertEquals(0, st.clockStepRecords());
        assertFalse(records().stream().anyMatch(StampRecord::clockStep));
    }
}
