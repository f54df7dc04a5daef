package io.stampd.dataplane.socket;

import io.stampd.dataplane.SenderHandle;
import io.stampd.dataplane.codec.StampHmac;
import io.stampd.dataplane.codec.StampLayout;
import io.stampd.dataplane.codec.TimestampFormat;
import io.stampd.dataplane.codec.Timestamps;
import io.stampd.dataplane.codec.Tlv;
import io.stampd.dataplane.session.Ipv6Addresses;
import io.stampd.dataplane.session.ReflectorSessionConfig;
import io.stampd.dataplane.session.SenderListener;
import io.stampd.dataplane.session.SenderSessionConfig;
import io.stampd.dataplane.session.SenderStatistics;
import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.SocketTimeoutException;
import java.time.Instant;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Base-packet fields of the socket data plane, read and written by hand on the other end of a
 * loopback exchange: the Error Estimate both ends send (RFC 8762 §4.2.1, RFC 4656 §4.1.2), a
 * request whose MBZ octets are all non-zero (RFC 8762 §4.2.1/§4.3.1: ignored on receipt, zero on
 * transmit), and how the Session-Sender counts replies a fake Session-Reflector crafts: TLV flags
 * M and I (RFC 8972 §4, §4.8) and PTP timestamps with an impossible nanoseconds field.
 */
class SocketWireFieldsTest {
    private static final Inet6Address LOOPBACK = Ipv6Addresses.parse("::1", "test");
    private static final StampLayout U = StampLayout.UNAUTHENTICATED;
    private static final StampLayout A = StampLayout.AUTHENTICATED;
    private static final byte[] KEY = "wire fields key, 32 octets long!".getBytes();

    /**
     * The error the socket data plane advertises ({@code SocketDataPlane}'s constructor: software
     * timestamps of an unsynchronised clock, 1 ms).
     */
    private static final long ADVERTISED_ERROR_NANOS = 1_000_000L;

    /*
     * RFC 4656 §4.1.2: error = Multiplier × 2^(Scale-32) s. The smallest estimate that is not below
     * 1 ms: Multiplier = ceil(10^-3 × 2^(32-Scale)) must fit in 8 bits. Scale 14 needs
     * ceil(262.1) = 263 (too big), Scale 15 needs ceil(131.07) = 132: 132 × 2^-17 s = 1.00708 ms.
     * With S = 0: NTP (Z = 0) 0x0F84, PTP (Z = 1) 0x4F84.
     */
    private static final int NTP_EE = 0x0F84;
    private static final int PTP_EE = 0x4F84;

    private static int freePort() {
        return ThreadLocalRandom.current().nextInt(20000, 60000);
    }

    private static void await(BooleanSupplier cond, long millis) throws InterruptedException {
        long end = System.currentTimeMillis() + millis;
        while (!cond.getAsBoolean() && System.currentTimeMillis() < end) {
            Thread.sleep(5);
        }
    }

    private static long nowNanos() {
        Instant now = Instant.now();
        return now.getEpochSecond() * 1_000_000_000L + now.getNano();
    }

    private static ReflectorSessionConfig reflector(int port, TimestampFormat format, byte[] key) {
        return new ReflectorSessionConfig(1, ReflectorSessionConfig.ANY_SSID, null, 0, null, port, List.of(), format,
                false, key);
    }

    private static SenderSessionConfig.Builder sender(int port) {
        return SenderSessionConfig.builder().reflectorAddress(LOOPBACK).reflectorPort(port).ssid(5)
                .intervalNanos(1_000_000).packetCount(1).lossTimeoutNanos(1_000_000_000L);
    }

    private static int u16(byte[] b, int at) {
        return (b[at] & 0xFF) << 8 | (b[at + 1] & 0xFF);
    }

    private static String hex(byte[] b) {
        return HexFormat.ofDelimiter(" ").formatHex(b);
    }

    /** Sends {@code req} and returns the reply (fails after 2 s). */
    private static byte[] exchange(DatagramSocket raw, int port, byte[] req) throws Exception {
        raw.send(new DatagramPacket(req, req.length, new InetSocketAddress(LOOPBACK, port)));
        return payload(receive(raw, "no reply to the " + req.length + "-octet request to port " + port));
    }

    /** Receives one datagram (fails after 2 s). */
    private static DatagramPacket receive(DatagramSocket s) throws Exception {
        return receive(s, "no test packet from the sender");
    }

    private static DatagramPacket receive(DatagramSocket s, String failure) throws Exception {
        s.setSoTimeout(2000);
        DatagramPacket p = new DatagramPacket(new byte[2000], 2000);
        try {
            s.receive(p);
        } catch (SocketTimeoutException e) {
            fail(failure + " within 2 s");
        }
        return p;
    }

    private static byte[] payload(DatagramPacket p) {
        return Arrays.copyOf(p.getData(), p.getLength());
    }

    /**
     * Decodes an Error Estimate by hand (RFC 4656 §4.1.2, Z per RFC 8186) and checks it: S = 0, Z =
     * the format, Multiplier not 0, and the value the smallest that is not below the advertised
     * 1 ms; then the exact octets.
     */
    private static void assertAdvertisedErrorEstimate(int ee, TimestampFormat format, String where) {
        int s = ee >>> 15;
        int z = (ee >>> 14) & 1;
        int scale = (ee >>> 8) & 0x3F;
        int multiplier = ee & 0xFF;
        assertEquals(0, s, where + ": S (the clock is not said to be synchronised)");
        assertEquals(format == TimestampFormat.PTP ? 1 : 0, z, where + ": Z");
        assertTrue(multiplier != 0, where + ": Multiplier must not be 0");
        double unitNanos = Math.pow(2, scale - 32) * 1e9;
        double errorNanos = multiplier * unitNanos;
        assertTrue(errorNanos >= ADVERTISED_ERROR_NANOS && errorNanos - unitNanos < ADVERTISED_ERROR_NANOS,
                where + ": " + multiplier + " × 2^(" + scale + "-32) s = " + errorNanos + " ns");
        assertEquals(format == TimestampFormat.PTP ? PTP_EE : NTP_EE, ee, where + String.format(": 0x%04x", ee));
    }

    // ---- RFC 8762 §4.2.1 Error Estimate on the wire -----------------------------------------------

    @Test
    void theReflectorAdvertisesOneMillisecondUnsynchronisedInItsOwnTimestampFormat() throws Exception {
        int ntpPort = freePort();
        int ptpPort = ntpPort + 1;
        int keyedPort = ntpPort + 2;
        try (SocketDataPlane dp = new SocketDataPlane();
             DatagramSocket raw = new DatagramSocket(new InetSocketAddress(LOOPBACK, 0))) {
            assertEquals(NTP_EE, dp.node.errorEstimate(TimestampFormat.NTP) & 0xFFFF, "the data plane's NTP estimate");
            assertEquals(PTP_EE, dp.node.errorEstimate(TimestampFormat.PTP) & 0xFFFF, "the data plane's PTP estimate");
            dp.startReflector(reflector(ntpPort, TimestampFormat.NTP, null));
            dp.startReflector(reflector(ptpPort, TimestampFormat.PTP, null));
            dp.startReflector(reflector(keyedPort, TimestampFormat.PTP, KEY));

            // The request's own Error Estimate (S=1, Z=0, scale 0, multiplier 1) must not leak into
            // the reflector's field; it comes back in the Session-Sender Error Estimate only.
            byte[] req = new byte[U.baseLength];
            U.writeSender(MemorySegment.ofArray(req), 7, Timestamps.encode(nowNanos(), TimestampFormat.NTP),
                    (short) 0x8001, 5);
            for (TimestampFormat format : TimestampFormat.values()) {
                byte[] reply = exchange(raw, format == TimestampFormat.PTP ? ptpPort : ntpPort, req);
                assertEquals(44, reply.length);
                assertAdvertisedErrorEstimate(u16(reply, 12), format, format + " reflector, octets 12-13");
                assertEquals(0x8001, u16(reply, 36), "Session-Sender Error Estimate copied");
            }

            byte[] auth = new byte[A.baseLength];
            MemorySegment p = MemorySegment.ofArray(auth);
            A.writeSender(p, 7, Timestamps.encode(nowNanos(), TimestampFormat.NTP), (short) 0x8001, 5);
            new StampHmac(KEY).sign(p);
            byte[] reply = exchange(raw, keyedPort, auth);
            assertEquals(112, reply.length);
            assertAdvertisedErrorEstimate(u16(reply, 24), TimestampFormat.PTP, "authenticated PTP reflector, octets 24-25");
            assertEquals(0x8001, u16(reply, 72), "Session-Sender Error Estimate copied");
        }
    }

    @Test
    void theSenderAdvertisesOneMillisecondUnsynchronisedInItsOwnTimestampFormat() throws Exception {
        try (SocketDataPlane dp = new SocketDataPlane();
             DatagramSocket receiver = new DatagramSocket(new InetSocketAddress(LOOPBACK, 0))) {
            int port = receiver.getLocalPort();
            record Case(TimestampFormat format, byte[] key, int eeOffset) {
            }
            long id = 1;
            for (Case c : List.of(new Case(TimestampFormat.NTP, null, 12), new Case(TimestampFormat.PTP, null, 12),
                    new Case(TimestampFormat.NTP, KEY, 24), new Case(TimestampFormat.PTP, KEY, 24))) {
                SenderHandle h = dp.startSender(sender(port).id(id++).timestampFormat(c.format).hmacKey(c.key).build(),
                        SenderListener.IGNORE);
                byte[] test = payload(receive(receiver));
                h.close();
                String where = (c.key == null ? "" : "authenticated ") + c.format + " sender, octets " + c.eeOffset
                        + "-" + (c.eeOffset + 1);
                assertEquals(c.key == null ? 44 : 112, test.length, where);
                assertAdvertisedErrorEstimate(u16(test, c.eeOffset), c.format, where);
            }
        }
    }

    // ---- RFC 8762 §4.2.1/§4.3.1 MBZ ignored on receipt, zero on transmit ---------------------------

    /** Octets of the unauthenticated reply that are MBZ (stamp-wire.md): 38-39 and 41-43. */
    private static final int[][] UNAUTHENTICATED_REPLY_MBZ = {{38, 40}, {41, 44}};
    /** Octets of the authenticated reply that are MBZ: 4-15, 28-31, 40-47, 52-63, 74-79, 81-95. */
    private static final int[][] AUTHENTICATED_REPLY_MBZ = {{4, 16}, {28, 32}, {40, 48}, {52, 64}, {74, 80}, {81, 96}};

    private static void fill(byte[] b, int from, int to) {
        for (int i = from; i < to; i++) {
            b[i] = (byte) (0x80 | i); // non-zero, and different at each offset
        }
    }

    private static void assertZero(byte[] reply, int[][] ranges) {
        for (int[] r : ranges) {
            for (int i = r[0]; i < r[1]; i++) {
                assertEquals(0, reply[i], "MBZ octet " + i + " of the reply:\n" + hex(reply));
            }
        }
    }

    @Test
    void aRequestWithEveryMbzOctetSetIsAnsweredAndTheReplysMbzOctetsAreZero() throws Exception {
        int port = freePort();
        int keyedPort = port + 1;
        try (SocketDataPlane dp = new SocketDataPlane();
             DatagramSocket raw = new DatagramSocket(new InetSocketAddress(LOOPBACK, 0))) {
            var plain = dp.startReflector(reflector(port, TimestampFormat.NTP, null));
            var keyed = dp.startReflector(reflector(keyedPort, TimestampFormat.NTP, KEY));
            long t1 = Timestamps.encode(nowNanos(), TimestampFormat.NTP);

            // Unauthenticated: octets 16-43 are MBZ; 14-15 too for an RFC 8762-only node (here the
            // SSID of RFC 8972, which an any-SSID session accepts and echoes).
            byte[] req = new byte[U.baseLength];
            U.writeSender(MemorySegment.ofArray(req), 0x01020304, t1, (short) 0x8001, 0);
            fill(req, 14, 44);
            byte[] reply = exchange(raw, port, req);
            assertEquals(44, reply.length);
            MemorySegment r = MemorySegment.ofArray(reply);
            assertEquals(0x01020304, U.senderSeq(r));
            assertEquals(t1, U.senderTimestamp(r));
            assertEquals(0x8001, U.senderErrorEstimate(r) & 0xFFFF);
            assertEquals(64, U.senderTtl(r));
            assertEquals(u16(req, 14), U.ssid(r), "SSID echoed");
            long t2 = Timestamps.decode(U.receiveTimestamp(r), TimestampFormat.NTP);
            assertTrue(Math.abs(t2 - nowNanos()) < 1_000_000_000L, "T2 is the reflector's clock, not the MBZ filler");
            assertZero(reply, UNAUTHENTICATED_REPLY_MBZ);

            // Authenticated: octets 4-15 and 28-95 are MBZ (26-27 as above); the HMAC covers them.
            byte[] auth = new byte[A.baseLength];
            MemorySegment p = MemorySegment.ofArray(auth);
            A.writeSender(p, 0x01020304, t1, (short) 0x8001, 0);
            fill(auth, 4, 16);
            fill(auth, 26, 96);
            StampHmac hmac = new StampHmac(KEY);
            hmac.sign(p);
            reply = exchange(raw, keyedPort, auth);
            assertEquals(112, reply.length);
            r = MemorySegment.ofArray(reply);
            assertTrue(hmac.verify(r), "the reply's HMAC verifies");
            assertEquals(0x01020304, A.senderSeq(r));
            assertEquals(t1, A.senderTimestamp(r));
            assertEquals(0x8001, A.senderErrorEstimate(r) & 0xFFFF);
            assertEquals(u16(auth, 26), A.ssid(r), "SSID echoed");
            assertZero(reply, AUTHENTICATED_REPLY_MBZ);

            assertEquals(1, plain.counters().reflected());
            assertEquals(1, keyed.counters().reflected());
            assertEquals(0, keyed.counters().rejected());
            assertEquals(0, dp.counters().malformed());
            assertEquals(0, dp.counters().unmatched());
        }
    }

    // ---- The Session-Sender's reading of crafted replies ------------------------------------------

    /**
     * Turns the test packet {@code req} into a reply as a stateless NTP reflector would, with T2
     * and T3 from this host's clock. Octets past the base (TLVs) are left as they came.
     */
    private static byte[] reflect(byte[] req, StampLayout layout) {
        byte[] b = req.clone();
        MemorySegment p = MemorySegment.ofArray(b);
        layout.reflectInPlace(p, layout.seq(p), Timestamps.encode(nowNanos(), TimestampFormat.NTP), (short) NTP_EE, 64);
        layout.timestamp(p, Timestamps.encode(nowNanos(), TimestampFormat.NTP));
        return b;
    }

    @Test
    void theSenderCountsRepliesWhoseTlvsTheReflectorMarkedMalformedOrThatAreMalformed() throws Exception {
        try (SocketDataPlane dp = new SocketDataPlane();
             DatagramSocket fake = new DatagramSocket(new InetSocketAddress(LOOPBACK, 0))) {
            // 44 + an Extra Padding TLV of 20 octets (4 header + 16 value)
            SenderSessionConfig c = sender(fake.getLocalPort()).packetLength(64).packetCount(3).build();
            SenderStatistics st = SenderStatistics.forSession(c);
            dp.startSender(c, st);

            // 1. The reflector set M on a well-formed TLV (and cleared U: it read it).
            DatagramPacket req = receive(fake);
            byte[] reply = reflect(payload(req), U);
            assertEquals(Tlv.TYPE_EXTRA_PADDING, reply[45]);
            reply[44] = (byte) Tlv.FLAG_M;
            fake.send(new DatagramPacket(reply, reply.length, req.getSocketAddress()));
            // 2. No flag, but the TLV's Length runs one octet past the packet: the sender finds it malformed.
            req = receive(fake);
            reply = reflect(payload(req), U);
            reply[44] = 0;
            reply[47] = 17;
            fake.send(new DatagramPacket(reply, reply.length, req.getSocketAddress()));
            // 3. A clean reply (U cleared): nothing to count.
            req = receive(fake);
            reply = reflect(payload(req), U);
            reply[44] = 0;
            fake.send(new DatagramPacket(reply, reply.length, req.getSocketAddress()));

            await(() -> st.snapshot(System.nanoTime()).received() == 3, 3000);
            SenderStatistics.Snapshot s = st.snapshot(System.nanoTime());
            assertEquals(3, s.received(), "replies with flagged or malformed TLVs are still measured");
            assertEquals(2, s.repliesWithMalformedTlv());
            assertEquals(0, s.repliesWithUnrecognizedTlv());
            assertEquals(0, s.repliesWithIntegrityFailure());
            assertEquals(0, s.malformed());
            assertEquals(0, s.rejected());
        }
    }

    /**
     * Authenticated mode, end to end: a relay between the real sender and the real reflector
     * changes one octet of the request's Extra Padding. The base HMAC (octets 0-95) still verifies,
     * the HMAC TLV does not, so the reflector sets I on every TLV and signs its reply's HMAC TLV
     * (RFC 8972 §4.8). The sender accepts the reply, measures it and counts the I flag.
     */
    @Test
    void theSenderCountsAnAuthenticatedReplyWhoseTlvsCarryTheIFlag() throws Exception {
        int port = freePort();
        try (SocketDataPlane dp = new SocketDataPlane();
             DatagramSocket relay = new DatagramSocket(new InetSocketAddress(LOOPBACK, 0))) {
            var r = dp.startReflector(reflector(port, TimestampFormat.NTP, KEY));
            // 112 + Extra Padding of 8 octets (112-119) + HMAC TLV (120-139)
            SenderSessionConfig c = sender(relay.getLocalPort()).hmacKey(KEY).packetLength(112 + 8 + 20).build();
            SenderStatistics st = SenderStatistics.forSession(c);
            dp.startSender(c, st);

            DatagramPacket req = receive(relay);
            SocketAddress senderAddress = req.getSocketAddress();
            byte[] tampered = payload(req);
            assertEquals(140, tampered.length);
            assertEquals(Tlv.TYPE_EXTRA_PADDING, tampered[113]);
            assertEquals(Tlv.TYPE_HMAC, tampered[121]);
            tampered[116] ^= 1; // first value octet of the padding: covered by the HMAC TLV only
            byte[] reply = exchange(relay, port, tampered);
            assertEquals(140, reply.length);
            assertEquals(Tlv.FLAG_I, reply[112] & Tlv.FLAG_I, "I on the padding TLV");
            assertEquals(Tlv.FLAG_I, reply[120] & Tlv.FLAG_I, "I on the HMAC TLV");
            relay.send(new DatagramPacket(reply, reply.length, senderAddress));

            await(() -> st.snapshot(System.nanoTime()).received() == 1, 3000);
            SenderStatistics.Snapshot s = st.snapshot(System.nanoTime());
            assertEquals(1, s.received(), "the reply verifies and is measured");
            assertEquals(1, s.repliesWithIntegrityFailure());
            assertEquals(0, s.repliesWithMalformedTlv());
            assertEquals(0, s.rejected());
            assertEquals(0, r.counters().rejected(), "the base HMAC verified at the reflector");
        }
    }

    /** A PTP timestamp of now with its nanoseconds field replaced. */
    private static long ptpWithNanosField(long nanosField) {
        return Timestamps.encode(nowNanos(), TimestampFormat.PTP) & 0xFFFF_FFFF_0000_0000L | nanosField;
    }

    @Test
    void aPtpReplyWithNanosecondsOfOneSecondOrMoreIsMalformedButTheSameOctetsUnderNtpAreNot() throws Exception {
        try (SocketDataPlane dp = new SocketDataPlane();
             DatagramSocket fake = new DatagramSocket(new InetSocketAddress(LOOPBACK, 0))) {
            SenderSessionConfig c = sender(fake.getLocalPort()).packetCount(4).build();
            SenderStatistics st = SenderStatistics.forSession(c);
            dp.startSender(c, st);
            long validT2 = ptpWithNanosField(1);
            long validT3 = ptpWithNanosField(999_999_999);
            long[][] t2t3 = {
                    {ptpWithNanosField(1_000_000_000L), validT3}, // T2 invalid
                    {validT2, ptpWithNanosField(0xFFFF_FFFFL)},   // T3 invalid
                    {validT2, validT3},                           // both valid (10^9 - 1 is the largest)
            };
            for (long[] t : t2t3) {
                DatagramPacket req = receive(fake);
                byte[] reply = payload(req);
                MemorySegment p = MemorySegment.ofArray(reply);
                U.reflectInPlace(p, U.seq(p), t[0], (short) PTP_EE, 64);
                U.timestamp(p, t[1]);
                fake.send(new DatagramPacket(reply, reply.length, req.getSocketAddress()));
            }
            await(() -> st.snapshot(System.nanoTime()).malformed() == 2 && st.snapshot(System.nanoTime()).received() == 1,
                    3000);
            assertEquals(2, st.snapshot(System.nanoTime()).malformed(), "invalid PTP nanoseconds");
            assertEquals(1, st.snapshot(System.nanoTime()).received());

            // The same low word under Z = 0 is an NTP fraction (about 0.23 s), which has no invalid
            // values: the reply is measured.
            DatagramPacket req = receive(fake);
            byte[] reply = payload(req);
            MemorySegment p = MemorySegment.ofArray(reply);
            long ntp = Timestamps.encode(nowNanos(), TimestampFormat.NTP) & 0xFFFF_FFFF_0000_0000L | 1_000_000_000L;
            U.reflectInPlace(p, U.seq(p), ntp, (short) NTP_EE, 64);
            U.timestamp(p, ntp);
            fake.send(new DatagramPacket(reply, reply.length, req.getSocketAddress()));
            await(() -> st.snapshot(System.nanoTime()).received() == 2, 3000);
            SenderStatistics.Snapshot s = st.snapshot(System.nanoTime());
            assertEquals(2, s.received());
            assertEquals(2, s.malformed());
            assertEquals(0, s.rejected());
        }
    }
}
