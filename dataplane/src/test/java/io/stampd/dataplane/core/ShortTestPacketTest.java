package io.stampd.dataplane.core;

import io.stampd.dataplane.codec.StampLayout;
import io.stampd.dataplane.codec.TimestampFormat;
import io.stampd.dataplane.session.ReflectorSessionConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.InetAddress;
import java.util.HexFormat;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * TWAMP-Light test packets (RFC 5357 §4.1.2: Sequence Number, Timestamp, Error Estimate, padding),
 * shorter than the STAMP base packet, through the reflector core: a session that accepts them
 * answers with the 44-octet reflected base packet, the sender's fields copied and the rest zero
 * (RFC 8762 §4.6); one that does not counts them as malformed, as before.
 */
class ShortTestPacketTest {
    private static final int PORT = 40862;
    private static final long T2 = 1_765_000_000_123_456_789L;
    private final StampNode node = new StampNode("short-test", 0);
    private final Arena arena = Arena.ofConfined();

    @AfterEach
    void close() {
        node.close();
        arena.close();
    }

    /** One received datagram in a 2,048-octet slot whose tail is garbage (0xEE), as a reused slot's. */
    private final class OneDatagram implements Datagrams {
        final MemorySegment payload = arena.allocate(2048);
        final MemorySegment source = arena.allocate(16);
        final MemorySegment destination = arena.allocate(16);
        int length;

        OneDatagram(byte[] request) {
            payload.fill((byte) 0xEE);
            MemorySegment.copy(MemorySegment.ofArray(request), 0, payload, 0, request.length);
            length = request.length;
            byte[] sender = new byte[16];
            sender[15] = 1; // ::1
            MemorySegment.copy(MemorySegment.ofArray(sender), 0, source, 0, 16);
            MemorySegment.copy(MemorySegment.ofArray(sender), 0, destination, 0, 16);
        }

        @Override public MemorySegment payload(int i) { return payload; }
        @Override public int length(int i) { return length; }
        @Override public boolean truncated(int i) { return false; }
        @Override public MemorySegment sourceAddress(int i) { return source; }
        @Override public int sourcePort(int i) { return 50000; }
        @Override public MemorySegment destinationAddress(int i) { return destination; }
        @Override public long receiveNanos(int i) { return T2; }
        @Override public int hopLimit(int i) { return 64; }
        @Override public int trafficClass(int i) { return 0; }
        @Override public int ifIndex(int i) { return 1; }
    }

    private static final ReplyChannel CHANNEL = new ReplyChannel() {
        @Override public void flush() { }
        @Override public void drainTransmitTimes() { }
        @Override public boolean transmitTimestamps() { return false; }
    };

    private SessionReflector provision(boolean acceptShort, boolean stateful) {
        ReflectorSessionConfig c = new ReflectorSessionConfig(1, ReflectorSessionConfig.ANY_SSID, null, 0, null, PORT,
                List.of(), TimestampFormat.NTP, stateful, null, acceptShort);
        SessionReflector s = new SessionReflector(node, c);
        node.reflectors.add(s);
        return s;
    }

    /** twampy's unpadded request: sequence 7, an NTP timestamp, Error Estimate 0x8001 (S set, 1 x 2^-32 s). */
    private static final byte[] TWAMPY_14 = HexFormat.of().parseHex(
            "00000007" + "eb0c7a3b8000abcd" + "8001");

    @Test
    void fourteenOctetRequestGetsTheBaseReplyWithTheSenderFieldsAndZeroFill() {
        provision(true, false);
        OneDatagram rx = new OneDatagram(TWAMPY_14);
        ReplyDecision d = new Reflection(node).reflect(rx, 0, PORT, CHANNEL);

        assertTrue(d.reply);
        assertEquals(44, d.replyLength, "a short request is answered with the 44-octet base packet");
        MemorySegment p = rx.payload;
        StampLayout u = StampLayout.UNAUTHENTICATED;
        assertEquals(7, u.seq(p), "stateless: the reflector copies the sender's sequence number");
        assertEquals(0, u.ssid(p), "an SSID the request is too short to carry reads as 0");
        assertEquals(7, u.senderSeq(p));
        assertEquals(0xeb0c7a3b8000abcdL, u.senderTimestamp(p));
        assertEquals((short) 0x8001, u.senderErrorEstimate(p));
        assertEquals(64, u.senderTtl(p));
        assertTrue(u.receiveTimestamp(p) != 0, "T2");
        assertFalse(u.errorEstimate(p) == 0, "the reflector's own Error Estimate");
        // MBZ after the sender's Error Estimate (38..39) and after the Sender TTL (41..43) are
        // zero; none of the slot's 0xEE shows.
        byte[] reply = p.asSlice(0, 44).toArray(ValueLayout.JAVA_BYTE);
        assertArrayEquals(new byte[2], java.util.Arrays.copyOfRange(reply, 38, 40));
        assertArrayEquals(new byte[3], java.util.Arrays.copyOfRange(reply, 41, 44));
        for (byte b : reply) {
            assertTrue(b != (byte) 0xEE, "no octet of the reply is left from the slot: " + HexFormat.of().formatHex(reply));
        }
        assertEquals(0, node.counters.malformed.get());
    }

    @Test
    void paddedTwentyOctetRequestIsAnsweredTheSameWayStatefulToo() {
        SessionReflector s = provision(true, true);
        byte[] request = HexFormat.of().parseHex("0000002a" + "eb0c7a3b00000001" + "0001" + "000000000000");
        OneDatagram rx = new OneDatagram(request);
        ReplyDecision d = new Reflection(node).reflect(rx, 0, PORT, CHANNEL);

        assertTrue(d.reply);
        assertEquals(44, d.replyLength);
        StampLayout u = StampLayout.UNAUTHENTICATED;
        assertEquals(0, u.seq(rx.payload), "stateful: the reflector's own first number");
        assertEquals(42, u.senderSeq(rx.payload));
        assertEquals(0xeb0c7a3b00000001L, u.senderTimestamp(rx.payload));
        assertEquals((short) 1, u.senderErrorEstimate(rx.payload));
        assertEquals(1, s.received.get());
    }

    @Test
    void fullLengthRequestKeepsItsLength() {
        provision(true, false);
        byte[] request = new byte[60];
        request[3] = 9;
        OneDatagram rx = new OneDatagram(request);
        ReplyDecision d = new Reflection(node).reflect(rx, 0, PORT, CHANNEL);
        assertTrue(d.reply);
        assertEquals(60, d.replyLength, "RFC 8762 §4.3: the reply is as long as the request");
    }

    @Test
    void sessionThatDoesNotAcceptShortPacketsCountsThemMalformed() {
        provision(false, false);
        ReplyDecision d = new Reflection(node).reflect(new OneDatagram(TWAMPY_14), 0, PORT, CHANNEL);
        assertFalse(d.reply);
        assertEquals(1, node.counters.malformed.get());
        assertEquals(0, node.counters.unmatched.get());
    }

    @Test
    void shorterThanATwampLightPacketIsMalformed() {
        provision(true, false);
        ReplyDecision d = new Reflection(node).reflect(new OneDatagram(new byte[13]), 0, PORT, CHANNEL);
        assertFalse(d.reply);
        assertEquals(1, node.counters.malformed.get());
    }

    @Test
    void shortPacketNeverMatchesAnAuthenticatedSession() throws Exception {
        ReflectorSessionConfig c = new ReflectorSessionConfig(1, ReflectorSessionConfig.ANY_SSID, null, 0,
                (java.net.Inet6Address) InetAddress.getByName("::1"), PORT, List.of(), TimestampFormat.NTP, false,
                new byte[16], true);
        node.reflectors.add(new SessionReflector(node, c));
        ReplyDecision d = new Reflection(node).reflect(new OneDatagram(TWAMPY_14), 0, PORT, CHANNEL);
        assertFalse(d.reply, "authenticated mode needs the whole packet");
        assertEquals(1, node.counters.malformed.get());
    }
}
