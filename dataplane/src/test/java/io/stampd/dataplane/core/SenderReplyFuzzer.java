package io.stampd.dataplane.core;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.stampd.dataplane.codec.ClassOfServiceTlv;
import io.stampd.dataplane.codec.StampHmac;
import io.stampd.dataplane.session.ClassOfServiceRequest;
import io.stampd.dataplane.session.Ipv6Addresses;
import io.stampd.dataplane.session.SenderSessionConfig;
import io.stampd.dataplane.session.SenderStatistics;

import java.lang.foreign.MemorySegment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Fuzz target: the Session-Sender's side of the codec, a reflected reply of arbitrary octets for
 * a session in either mode (unauthenticated with Follow-Up Telemetry and Class of Service,
 * authenticated). Invariants: every reply is accepted, rejected or counted malformed, exactly one
 * of them; an authenticated session accepts nothing whose HMAC does not verify; the statistics
 * stay consistent (received never above what was accepted).
 */
class SenderReplyFuzzer {
    private static final byte[] KEY = {1, 1, 2, 3, 5, 8, 13, 21};
    private static final StampNode NODE = new StampNode("fuzz-sender", 0);
    private static final SenderSessionConfig OPEN = SenderSessionConfig.builder().id(1).ssid(5)
            .reflectorAddress(Ipv6Addresses.parse("fd00:23::3", "test")).intervalNanos(1_000_000)
            .followUpTelemetry(true).classOfService(new ClassOfServiceRequest(46, ClassOfServiceTlv.ECT0)).build();
    private static final SenderSessionConfig AUTHENTICATED = SenderSessionConfig.builder().id(2).ssid(6)
            .reflectorAddress(Ipv6Addresses.parse("fd00:23::3", "test")).intervalNanos(1_000_000).hmacKey(KEY)
            .packetLength(200).build();
    private static final StampHmac SIGNER = new StampHmac(KEY);

    public static void fuzzerTestOneInput(FuzzedDataProvider d) {
        boolean authenticated = d.consumeBoolean();
        SenderSessionConfig c = authenticated ? AUTHENTICATED : OPEN;
        SenderStatistics stats = SenderStatistics.forSession(c);
        SessionSender s = new SessionSender(NODE, c, stats, 0);
        int sent = d.consumeInt(0, 8);
        for (int i = 0; i < sent; i++) {
            stats.onSent(i, 1_765_000_000_000_000_000L + i, i);
        }
        int replies = d.consumeInt(1, 4);
        long accepted = 0;
        long refused = 0;
        for (int k = 0; k < replies; k++) {
            boolean sign = d.consumeBoolean();
            byte[] octets = d.consumeBytes(d.consumeInt(0, 600));
            MemorySegment p = MemorySegment.ofArray(octets.clone());
            boolean signed = authenticated && sign && octets.length >= c.layout().baseLength;
            if (signed) {
                SIGNER.sign(p);
            }
            SenderStatistics.Snapshot before = stats.snapshot(0, false);
            boolean ok = s.onReply(p, octets.length, 1_765_000_000_000_500_000L, d.consumeInt(-1, 255));
            SenderStatistics.Snapshot after = stats.snapshot(0, false);
            if (ok) {
                accepted++;
                assertTrue(!authenticated || signed, "an authenticated session accepted an unsigned reply");
                // Accepted by the codec; the statistics may still reject a sequence number never sent.
                assertEquals(before.malformed(), after.malformed(), "an accepted reply counted malformed");
                assertEquals(1, (after.received() - before.received()) + (after.duplicates() - before.duplicates())
                        + (after.rejected() - before.rejected()), "an accepted reply counts once");
            } else {
                refused++;
                assertEquals(before.rejected() + before.malformed() + 1, after.rejected() + after.malformed(),
                        "a refused reply is counted once, rejected or malformed");
                assertEquals(before.received(), after.received(), "a refused reply received");
            }
        }
        SenderStatistics.Snapshot snap = stats.snapshot(0, false);
        assertTrue(snap.received() <= accepted, "received " + snap.received() + " of " + accepted + " accepted");
        assertEquals(replies, accepted + refused);
    }

    @FuzzTest(maxDuration = "10s")
    void reply(FuzzedDataProvider d) {
        fuzzerTestOneInput(d);
    }
}
