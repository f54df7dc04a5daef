package io.stampd.netconf.southbound;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stampd.dataplane.session.StampRecord;
import io.stampd.grpc.srv6pm.StampSessionResult;
import org.junit.jupiter.api.Test;

/** A record as GetStampSessionResults hands it to the controller. */
class SenderSouthboundResultTest {
    private static final long T1 = 1_800_000_000_000_000_000L;

    @Test
    void theFourTimestampsGoInTheirReferenceFields() {
        StampSessionResult r = SenderSouthbound.result(7, new StampRecord(7, 3, T1, T1 + 5_000_000,
                T1 + 5_020_000, T1 + 5_040_000, 255, 3));
        assertEquals(7, r.getSsid());
        assertEquals(EpochSeconds.of(T1), r.getTestPktTxTimestamp());
        assertEquals(EpochSeconds.of(T1 + 5_000_000), r.getTestPktRxTimestamp());
        assertEquals(EpochSeconds.of(T1 + 5_020_000), r.getReplyPktTxTimestamp());
        assertEquals(EpochSeconds.of(T1 + 5_040_000), r.getReplyPktRxTimestamp());
        assertFalse(r.getClockStep());
    }

    /**
     * A reply to a packet out across a step of the sender's wall clock (+10 s here): its
     * timestamps go as read, and the flag says the delays taken from them are not measurements.
     */
    @Test
    void aRecordAcrossAClockStepIsFlagged() {
        long step = 10_000_000_000L;
        StampSessionResult r = SenderSouthbound.result(7, new StampRecord(7, 4, T1, T1 + 5_000_000,
                T1 + 5_020_000, T1 + step + 5_040_000, 255, 4, true));
        assertTrue(r.getClockStep());
        assertEquals(EpochSeconds.of(T1 + step + 5_040_000), r.getReplyPktRxTimestamp());
    }
}
