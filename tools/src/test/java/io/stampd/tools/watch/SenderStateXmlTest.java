package io.stampd.tools.watch;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The agent's sender state (a {@code <get>} reply shaped like the agent's) as watch rows. */
class SenderStateXmlTest {
    static String fixture() throws IOException {
        try (InputStream in = SenderStateXmlTest.class.getResourceAsStream("/watch/sender-state-reply.xml")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void theNewestRecordGivesTheLatestDelaysAndCurrentStatsTheRest() throws IOException {
        List<SessionSample> sessions = SenderStateXml.parse(NetconfSshClient.parse(fixture()));
        assertEquals(List.of(7L, 8L, 9L), sessions.stream().map(SessionSample::id).toList());

        SessionSample measured = sessions.get(0);
        assertEquals("[::1]:18862", measured.peer());
        assertEquals("active", measured.state());
        assertEquals("up", measured.liveness());
        // seq 33 is the newest by T1 although the agent listed it first
        assertEquals(List.of(32L, 33L), measured.points().stream().map(DelayPoint::seq).toList());
        assertEquals(3876L, measured.forwardNanos());
        assertEquals(16265L, measured.backwardNanos());
        assertEquals(20141L, measured.roundTripNanos());
        assertEquals(0.0, measured.lossPercent());
        assertEquals(1796655553055653342L, measured.points().getLast().t1Nanos());

        SessionSample failed = sessions.get(1);
        assertEquals("failed", failed.state());
        assertEquals("-", failed.peer());
        assertNull(failed.roundTripNanos());
        assertNull(failed.lossPercent());
        assertNull(failed.liveness(), "no liveness leaf: unknown, not a verdict");

        SessionSample noRecords = sessions.get(2);
        assertEquals("[fd00:2::2]:862", noRecords.peer());
        assertTrue(noRecords.points().isEmpty());
        assertEquals(5050000L, noRecords.forwardNanos(), "without records: current-stats average");
        assertEquals(200000L, noRecords.backwardNanos());
        assertEquals(5250000L, noRecords.roundTripNanos());
        assertEquals(12.5, noRecords.lossPercent());
    }

    @Test
    void aReplyWithoutSenderStateHasNoSessions() throws IOException {
        assertTrue(SenderStateXml.parse(NetconfSshClient.parse("<rpc-reply message-id=\"1\" xmlns=\""
                + NetconfSshClient.BASE_NS + "\"><data/></rpc-reply>")).isEmpty());
    }
}
