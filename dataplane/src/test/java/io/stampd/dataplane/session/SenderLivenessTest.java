package io.stampd.dataplane.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stampd.dataplane.session.Liveness.State;
import org.junit.jupiter.api.Test;

/**
 * Liveness verdicts of SenderStatistics on a fake monotonic clock: packets every 10 ms, a loss
 * timeout of 100 ms, N = 3 lost make down, M = 2 received make up.
 */
class SenderLivenessTest {
    private static final long MS = 1_000_000L;
    private static final long INTERVAL = 10 * MS;
    private static final long TIMEOUT = 100 * MS;

    private static SenderStatistics stats() {
        SenderStatistics st = new SenderStatistics(7, new double[] {50, 90, 99}, 64, TIMEOUT,
                SenderStatistics.ReflectorMode.AUTO, SenderStatistics.windowFor(INTERVAL, TIMEOUT));
        st.livenessSettings(new Liveness.Settings(3, 2));
        return st;
    }

    private static long sentAt(long seq) {
        return 1_000 * MS + seq * INTERVAL;
    }

    private static void send(SenderStatistics st, long seq) {
        st.onSent(seq, 5_000_000 * MS + seq * INTERVAL, sentAt(seq));
    }

    private static void answer(SenderStatistics st, long seq) {
        long t1 = 5_000_000 * MS + seq * INTERVAL;
        st.onReply(seq, t1, t1 + MS, t1 + MS, t1 + 2 * MS, 64, seq, sentAt(seq) + 2 * MS);
    }

    /** Sends seq and answers it unless it is to be lost. */
    private static void exchange(SenderStatistics st, long seq, boolean lost) {
        send(st, seq);
        if (!lost) {
            answer(st, seq);
        }
    }

    /**
     * The verdict of a reader whose losses are decided up to {@code mono}: it reads at {@code mono}
     * plus the margin it leaves the I/O thread to read what arrived, for a session done sending.
     */
    private static Liveness.Verdict decidedBy(SenderStatistics st, long mono) {
        return st.liveness(mono + SenderStatistics.READ_MARGIN_NANOS, false);
    }

    /** The time by which every packet up to {@code seq} has a known fate. */
    private static long afterTimeoutOf(long seq) {
        return sentAt(seq) + TIMEOUT;
    }

    @Test
    void pendingUntilTheFirstVerdict() {
        SenderStatistics st = stats();
        assertEquals(Liveness.Verdict.PENDING, decidedBy(st, 0));
        exchange(st, 0, false);
        assertEquals(new Liveness.Verdict(State.PENDING, 0, 1), decidedBy(st, sentAt(0) + 5 * MS));
        exchange(st, 1, false);
        assertEquals(new Liveness.Verdict(State.UP, 0, 2), decidedBy(st, sentAt(1) + 5 * MS));
    }

    @Test
    void fewerThanNLossesStayUpAndNMakeDown() {
        SenderStatistics st = stats();
        long seq = 0;
        for (; seq < 5; seq++) {
            exchange(st, seq, false);
        }
        exchange(st, seq++, true);
        exchange(st, seq++, true);
        // two lost (N - 1), then an answered one: the run starts again
        exchange(st, seq++, false);
        assertEquals(new Liveness.Verdict(State.UP, 0, 1), decidedBy(st, afterTimeoutOf(seq - 1)));
        exchange(st, seq++, true);
        exchange(st, seq++, true);
        assertEquals(new Liveness.Verdict(State.UP, 2, 0), decidedBy(st, afterTimeoutOf(seq - 1)));
        exchange(st, seq++, true);
        // the third loss is not known before its timeout expires
        assertEquals(State.UP, decidedBy(st, afterTimeoutOf(seq - 1) - 1).state());
        assertEquals(new Liveness.Verdict(State.DOWN, 3, 0), decidedBy(st, afterTimeoutOf(seq - 1)));
    }

    @Test
    void fatesAreTakenInSendingOrderNotInOrderOfArrival() {
        SenderStatistics st = stats();
        for (long seq = 0; seq < 3; seq++) {
            exchange(st, seq, false);
        }
        assertEquals(State.UP, decidedBy(st, sentAt(3)).state());
        for (long seq = 3; seq < 6; seq++) {
            send(st, seq);
        }
        // 5 and 4 answered late but within the timeout, 3 never: one loss between two answers
        st.onReply(5, 5_000_000 * MS + 5 * INTERVAL, 0, 0, 0, 64, 5, sentAt(5) + 50 * MS);
        st.onReply(4, 5_000_000 * MS + 4 * INTERVAL, 0, 0, 0, 64, 4, sentAt(5) + 60 * MS);
        assertEquals(new Liveness.Verdict(State.UP, 0, 3), decidedBy(st, sentAt(5) + 60 * MS),
                "3 is still in flight: 4 and 5 wait behind it");
        assertEquals(new Liveness.Verdict(State.UP, 0, 2), decidedBy(st, afterTimeoutOf(5)));
    }

    @Test
    void aReplyAfterTheLossTimeoutDoesNotUndoTheLoss() {
        SenderStatistics st = stats();
        for (long seq = 0; seq < 3; seq++) {
            exchange(st, seq, true);
        }
        assertEquals(State.DOWN, decidedBy(st, afterTimeoutOf(2)).state());
        answer(st, 2);
        assertEquals(new Liveness.Verdict(State.DOWN, 3, 0), decidedBy(st, afterTimeoutOf(2) + MS));
    }

    @Test
    void downComesBackUpAfterMReceived() {
        SenderStatistics st = stats();
        long seq = 0;
        for (; seq < 4; seq++) {
            exchange(st, seq, true);
        }
        assertEquals(new Liveness.Verdict(State.DOWN, 4, 0), decidedBy(st, afterTimeoutOf(seq - 1)));
        exchange(st, seq++, false);
        assertEquals(new Liveness.Verdict(State.DOWN, 0, 1), decidedBy(st, sentAt(seq)));
        exchange(st, seq++, true);
        exchange(st, seq++, false);
        assertEquals(State.DOWN, decidedBy(st, afterTimeoutOf(seq - 1)).state(), "received, lost, received");
        exchange(st, seq++, false);
        assertEquals(new Liveness.Verdict(State.UP, 0, 2), decidedBy(st, sentAt(seq)));
    }

    @Test
    void whileSendingTheIoThreadDecidesWithoutAReader() {
        SenderStatistics st = stats();
        for (long seq = 0; seq < 3; seq++) {
            exchange(st, seq, false);
        }
        // 100 % loss for 30 packets: each send decides the packets whose timeout expired a whole
        // loss timeout before it (replies may still wait unread when the I/O thread sends)
        for (long seq = 3; seq < 33; seq++) {
            send(st, seq);
        }
        // a reader whose clock is still at the first loss's send time decides nothing itself
        Liveness.Verdict v = decidedBy(st, sentAt(3));
        assertEquals(State.DOWN, v.state());
        assertTrue(v.consecutiveLost() >= 3, v.toString());
    }

    @Test
    void repliesThatArrivedInTimeButWaitUnreadAreNotLosses() {
        SenderSessionConfig c = SenderSessionConfig.builder().id(7).ssid(7)
                .reflectorAddress(Ipv6Addresses.parseUnicast("2001:db8::2", "r")).intervalNanos(INTERVAL)
                .lossTimeoutNanos(TIMEOUT).recordCapacity(64).build();
        SenderStatistics st = SenderStatistics.forSession(c);
        st.livenessSettings(new Liveness.Settings(3, 2));
        for (long seq = 0; seq < 3; seq++) {
            exchange(st, seq, false);
        }
        for (long seq = 3; seq < 6; seq++) {
            send(st, seq); // their replies arrive 2 ms later, then the I/O thread stalls
        }
        long resumed = sentAt(5) + 150 * MS;
        assertEquals(State.UP, st.liveness(resumed, true).state(),
                "a reader sees the I/O thread 150 ms late with its packet 6: nothing decided past its last send");
        SenderStatistics again = SenderStatistics.forSession(c);
        again.livenessSettings(new Liveness.Settings(3, 2));
        for (long seq = 0; seq < 6; seq++) {
            send(again, seq);
            if (seq < 3) {
                answer(again, seq);
            }
        }
        // the I/O thread resumes: timers first (packet 6), then it reads the waiting replies
        again.onSent(6, resumed + (5_000_000 - 1_000) * MS, resumed);
        for (long seq = 3; seq < 6; seq++) {
            long t1 = 5_000_000 * MS + seq * INTERVAL;
            again.onReply(seq, t1, t1 + MS, t1 + MS, t1 + 2 * MS, 64, seq, resumed + MS);
        }
        assertEquals(new Liveness.Verdict(State.UP, 0, 6), again.liveness(resumed + MS, true));
    }

    @Test
    void aReplyThatArrivedAfterTheTimeoutIsALossWhenEverItIsRead() {
        SenderStatistics st = stats();
        for (long seq = 0; seq < 2; seq++) {
            exchange(st, seq, false);
        }
        for (long seq = 2; seq < 5; seq++) {
            send(st, seq);
            long t1 = 5_000_000 * MS + seq * INTERVAL;
            // T4 a loss timeout after T1, read at once (before any reader could call it lost)
            st.onReply(seq, t1, t1 + MS, t1 + MS, t1 + TIMEOUT, 64, seq, sentAt(seq) + TIMEOUT);
        }
        assertEquals(new Liveness.Verdict(State.DOWN, 3, 0), decidedBy(st, sentAt(4)));
    }

    @Test
    void aStoppedSessionsLastPacketsAreDecidedByTheReader() {
        SenderStatistics st = stats();
        for (long seq = 0; seq < 3; seq++) {
            exchange(st, seq, false);
        }
        for (long seq = 3; seq < 6; seq++) {
            send(st, seq);
        }
        assertEquals(State.UP, decidedBy(st, sentAt(5)).state());
        assertEquals(new Liveness.Verdict(State.DOWN, 3, 0), decidedBy(st, afterTimeoutOf(5)));
    }

    @Test
    void newStatisticsOfARestartArePendingAndClearedOnesForgetTheirPackets() {
        SenderStatistics st = stats();
        for (long seq = 0; seq < 3; seq++) {
            exchange(st, seq, true);
        }
        assertEquals(State.DOWN, decidedBy(st, afterTimeoutOf(2)).state());
        assertEquals(Liveness.Verdict.PENDING, decidedBy(stats(), afterTimeoutOf(2)), "a restart starts new statistics");

        // clear-statistics: the packets sent before it are neither answered nor lost for the verdict
        send(st, 3);
        st.clear();
        assertEquals(new Liveness.Verdict(State.DOWN, 3, 0), decidedBy(st, afterTimeoutOf(3)));
        exchange(st, 4, false);
        exchange(st, 5, false);
        assertEquals(new Liveness.Verdict(State.UP, 0, 2), decidedBy(st, afterTimeoutOf(5)));
    }

    @Test
    void newSettingsApplyFromTheNextFate() {
        SenderStatistics st = stats();
        for (long seq = 0; seq < 2; seq++) {
            exchange(st, seq, true);
        }
        assertEquals(State.PENDING, decidedBy(st, afterTimeoutOf(1)).state());
        st.livenessSettings(new Liveness.Settings(10, 2));
        exchange(st, 2, true);
        assertEquals(new Liveness.Verdict(State.PENDING, 3, 0), decidedBy(st, afterTimeoutOf(2)));
    }

    @Test
    void settingsOutsideTheirRangeAreRefusedByName() {
        var e = assertThrows(IllegalArgumentException.class, () -> new Liveness.Settings(0, 3));
        assertEquals("down-after-lost 0 is outside 1..1000000 packets", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new Liveness.Settings(3, 1_000_001));
        assertEquals("up-after-received 1000001 is outside 1..1000000 packets", e.getMessage());
    }
}
