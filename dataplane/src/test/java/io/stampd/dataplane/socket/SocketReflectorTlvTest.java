package io.stampd.dataplane.socket;

import io.stampd.sys.Libc;
import io.stampd.sys.Sockaddr;
import io.stampd.dataplane.ReflectorHandle;
import io.stampd.dataplane.codec.TimestampFormat;
import io.stampd.dataplane.session.Ipv6Addresses;
import io.stampd.dataplane.session.ReflectorSessionConfig;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The reflector TLV duties of RFC 8972 §4.2-4.5 on the real socket data plane, checked from the
 * wire: a hand-written Session-Sender builds each request octet by octet, sends it over {@code ::1}
 * to a {@link SocketDataPlane} reflector and reads the reply's octets at offsets worked out here
 * from stamp-wire.md and RFC 8972 (not from the codec's constants).
 *
 * <p>Where a plain {@link DatagramSocket} is blind (the traffic class a reply arrives with), the
 * sender is a product {@link UdpSocket} (IPV6_RECVTCLASS is on), sending with a hand-built
 * {@code sendmsg} and receiving through {@link MessageBatch}.
 */
class SocketReflectorTlvTest {
    private static final Inet6Address LOOPBACK = Ipv6Addresses.parse("::1", "test");
    private static final int SSID = 5;

    // stamp-wire.md, unauthenticated packets (octets from the start of the UDP payload)
    private static final int BASE = 44;
    private static final int REPLY_SENDER_SEQ = 24;
    // stamp-wire.md, authenticated packets: HMAC over octets 0..95 at 96/16; the reply's Sender Seq at 48
    private static final int AUTH_BASE = 112;
    private static final int AUTH_HMAC = 96;
    private static final int AUTH_REPLY_SENDER_SEQ = 48;

    // RFC 8972 §4: every TLV and sub-TLV is Flags(1) Type(1) Length(2) Value(Length)
    private static final int HEADER = 4;
    private static final int U = 0x80;
    private static final int M = 0x40;
    private static final int I = 0x20;
    private static final int UMI = U | M | I;
    // the TLV of each test starts right after the base packet
    private static final int FLAGS = BASE;
    private static final int TYPE = BASE + 1;
    private static final int LENGTH = BASE + 2;
    private static final int VALUE = BASE + HEADER;

    // TLV types, sub-TLV types and codes (stamp-wire.md, RFC 8972 §4.2-4.3, RFC 9503 §4)
    private static final int LOCATION = 2;
    private static final int TIMESTAMP_INFORMATION = 3;
    private static final int CLASS_OF_SERVICE = 4;
    private static final int DIRECT_MEASUREMENT = 5;
    private static final int HMAC_TLV = 8;
    private static final int RETURN_PATH = 10;
    private static final int SUB_SOURCE_MAC = 1;
    private static final int SUB_SOURCE_EUI64 = 3;
    private static final int SUB_DESTINATION_IPV6 = 6;
    private static final int SUB_SOURCE_IPV6 = 9;
    private static final int SUB_CONTROL_CODE = 1;
    private static final int NO_REPLY = 0;
    private static final int FREE_RUNNING = 5;
    private static final int SW_LOCAL = 2;

    private static int freePort() {
        return ThreadLocalRandom.current().nextInt(20000, 60000);
    }

    private static ReflectorSessionConfig reflector(int port) {
        return new ReflectorSessionConfig(1, SSID, null, 0, null, port, List.of(), TimestampFormat.NTP, false, null);
    }

    // ---- Location (RFC 8972 §4.2, row 8972-12) ----------------------------------------------

    @Test
    void locationCarriesThePortsAndAddressesTheReflectorReceived() throws Exception {
        int port = freePort();
        try (SocketDataPlane dp = new SocketDataPlane();
             DatagramSocket sender = new DatagramSocket(new InetSocketAddress(LOOPBACK, 0))) {
            dp.startReflector(reflector(port));
            byte[] reply = exchange(sender, new InetSocketAddress(LOOPBACK, port), request(1, locationTlv()));
            checkLocation(reply, port, sender.getLocalPort(), LOOPBACK, LOOPBACK);
        }
    }

    /**
     * Ports zero, then the sub-TLVs: Source MAC, Destination IPv6, Source IPv6, Source EUI-64. The
     * link-layer ones carry a marker the reflector must leave alone; the address ones are zeros.
     */
    private static byte[] locationTlv() {
        return tlv(LOCATION, concat(new byte[4],
                tlv(SUB_SOURCE_MAC, hex("02005e0053010000")),
                tlv(SUB_DESTINATION_IPV6, new byte[16]),
                tlv(SUB_SOURCE_IPV6, new byte[16]),
                tlv(SUB_SOURCE_EUI64, hex("02005efffe005301"))));
    }

    private static void checkLocation(byte[] reply, int reflectorPort, int senderPort, InetAddress destination,
                                      InetAddress source) {
        ByteBuffer r = ByteBuffer.wrap(reply);
        int valueLength = 4 + (HEADER + 8) + (HEADER + 16) + (HEADER + 16) + (HEADER + 8);
        assertEquals(BASE + HEADER + valueLength, reply.length, "the reply has the request's size");
        assertEquals(0, reply[FLAGS] & UMI, "Location understood: U cleared, no M or I");
        assertEquals(LOCATION, reply[TYPE]);
        assertEquals(valueLength, r.getShort(LENGTH));
        // RFC 8972 §4.2: Destination Port(2) Source Port(2), then the sub-TLVs
        assertEquals(reflectorPort, Short.toUnsignedInt(r.getShort(VALUE)), "destination port the request had");
        assertEquals(senderPort, Short.toUnsignedInt(r.getShort(VALUE + 2)), "source port the request had");
        int mac = VALUE + 4;
        int dst = mac + HEADER + 8;
        int src = dst + HEADER + 16;
        int eui64 = src + HEADER + 16;
        assertEquals(U, reply[mac] & UMI, "a UDP socket sees no MAC address: U");
        assertEquals(SUB_SOURCE_MAC, reply[mac + 1]);
        assertArrayEquals(hex("02005e0053010000"), Arrays.copyOfRange(reply, mac + HEADER, dst), "MAC left as sent");
        assertEquals(0, reply[dst] & UMI, "Destination IPv6 Address filled");
        assertEquals(SUB_DESTINATION_IPV6, reply[dst + 1]);
        assertArrayEquals(destination.getAddress(), Arrays.copyOfRange(reply, dst + HEADER, src),
                "the address the request was sent to");
        assertEquals(0, reply[src] & UMI, "Source IPv6 Address filled");
        assertEquals(SUB_SOURCE_IPV6, reply[src + 1]);
        assertArrayEquals(source.getAddress(), Arrays.copyOfRange(reply, src + HEADER, eui64),
                "the address the request was sent from");
        assertEquals(U, reply[eui64] & UMI, "nor an EUI-64: U");
        assertEquals(SUB_SOURCE_EUI64, reply[eui64 + 1]);
        assertArrayEquals(hex("02005efffe005301"), Arrays.copyOfRange(reply, eui64 + HEADER, reply.length));
    }

    // ---- Timestamp Information (RFC 8972 §4.3, row 8972-13) ---------------------------------

    @Test
    void timestampInformationReportsFreeRunningSoftwareTimestampsForT2AndT3() throws Exception {
        int port = freePort();
        try (SocketDataPlane dp = new SocketDataPlane();
             DatagramSocket sender = new DatagramSocket(new InetSocketAddress(LOOPBACK, 0))) {
            dp.startReflector(reflector(port));
            byte[] reply = exchange(sender, new InetSocketAddress(LOOPBACK, port),
                    request(1, tlv(TIMESTAMP_INFORMATION, new byte[4])));
            assertEquals(BASE + HEADER + 4, reply.length);
            assertEquals(0, reply[FLAGS] & UMI, "understood");
            assertEquals(TIMESTAMP_INFORMATION, reply[TYPE]);
            // Sync Src In, Timestamp In (T2), Sync Src Out, Timestamp Out (T3): the host clock, undisciplined
            // as far as the socket plane knows (5), read by software (2)
            assertArrayEquals(new byte[]{FREE_RUNNING, SW_LOCAL, FREE_RUNNING, SW_LOCAL},
                    Arrays.copyOfRange(reply, VALUE, VALUE + 4));
        }
    }

    // ---- Class of Service (RFC 8972 §4.4, row 8972-14) --------------------------------------

    /** DSCP2 and ECN2 report the traffic class the request arrived with, as set by a plain socket. */
    @Test
    void classOfServiceReportsTheReceivedDscpAndEcn() throws Exception {
        int port = freePort();
        int dscp1 = 46; // EF
        try (SocketDataPlane dp = new SocketDataPlane();
             DatagramSocket sender = new DatagramSocket(new InetSocketAddress(LOOPBACK, 0))) {
            dp.startReflector(reflector(port));
            int[][] sent = {{0, 0}, {10, 1}, {34, 2}, {63, 3}}; // {DSCP, ECN}: default, AF11 ECT(1), AF41 ECT(0), 63 CE
            for (int[] tc : sent) {
                sender.setTrafficClass(tc[0] << 2 | tc[1]);
                byte[] reply = exchange(sender, new InetSocketAddress(LOOPBACK, port),
                        request(1, classOfServiceTlv(dscp1, 3)));
                checkClassOfService(reply, dscp1, 3, tc[0], tc[1], "sent DSCP " + tc[0] + " ECN " + tc[1]);
            }
        }
    }

    /**
     * The reply leaves with DSCP1 and EC1 in its traffic class (draft-ietf-ippm-stamp-cos-ecn);
     * without the TLV it keeps the request's DSCP, ECN cleared (D10). Read from IPV6_TCLASS on the
     * receiving socket.
     */
    @Test
    void theReplyCarriesDscp1OnTheWire() throws Exception {
        int port = freePort();
        int dscp1 = 46;
        int sentTclass = 10 << 2 | 1; // AF11, ECT(1)
        try (SocketDataPlane dp = new SocketDataPlane();
             UdpSocket sender = UdpSocket.bind(LOOPBACK, 0, 0, "test sender");
             MessageBatch rx = new MessageBatch(4, 2048);
             Arena arena = Arena.ofConfined()) {
            dp.startReflector(reflector(port));
            int ecn1 = 2; // ECT(0)
            sendWithTrafficClass(arena, sender, port, request(1, classOfServiceTlv(dscp1, ecn1)), sentTclass);
            byte[] reply = receive(sender, rx);
            checkClassOfService(reply, dscp1, ecn1, 10, 1, "sent AF11 ECT(1)");
            assertEquals(dscp1 << 2 | ecn1, rx.trafficClass[0], "the reply's traffic class: DSCP1, EC1");

            sendWithTrafficClass(arena, sender, port, request(2, tlv(1, new byte[4])), sentTclass); // Extra Padding
            reply = receive(sender, rx);
            assertEquals(BASE + HEADER + 4, reply.length);
            assertEquals(10 << 2, rx.trafficClass[0], "no Class of Service TLV: the request's DSCP, ECN cleared");
        }
    }

    /** DSCP1 and EC1 as asked, the other bits of the request set to garbage that the reflector must overwrite. */
    private static byte[] classOfServiceTlv(int dscp1, int ecn1) {
        // DSCP1(6) DSCP2(6) ECN2(2) RP(2) | EC1(2) RPE(2) Reserved(12)
        int first = dscp1 << 10 | 0x3FF;
        int second = ecn1 << 14 | 0x3FFF;
        return tlv(CLASS_OF_SERVICE, ByteBuffer.allocate(4).putShort((short) first).putShort((short) second).array());
    }

    private static void checkClassOfService(byte[] reply, int dscp1, int ecn1, int dscp2, int ecn2, String what) {
        assertEquals(BASE + HEADER + 4, reply.length, what);
        assertEquals(0, reply[FLAGS] & UMI, what + ": understood");
        assertEquals(CLASS_OF_SERVICE, reply[TYPE], what);
        int first = Short.toUnsignedInt(ByteBuffer.wrap(reply).getShort(VALUE));
        int second = Short.toUnsignedInt(ByteBuffer.wrap(reply).getShort(VALUE + 2));
        assertEquals(dscp1, first >>> 10, what + ": DSCP1 kept");
        assertEquals(dscp2, (first >>> 4) & 0x3F, what + ": DSCP2 = the DSCP received");
        assertEquals(ecn2, (first >>> 2) & 0x3, what + ": ECN2 = the ECN received");
        assertEquals(0, first & 0x3, what + ": RP 0, DSCP1 used");
        assertEquals(ecn1, second >>> 14, what + ": EC1 kept");
        assertEquals(0b11, (second >>> 12) & 0x3, what + ": RPE 0b11, EC1 used");
        assertEquals(0, second & 0xFFF, what + ": the reserved bits zero (RFC 8972 §4.4)");
    }

    // ---- Direct Measurement (RFC 8972 §4.5, row 8972-15) ------------------------------------

    /**
     * S_TxC comes back as sent; R_RxC is the session's received count with this packet, R_TxC its
     * reflected count with this reply (every packet of the configured session counts, with or
     * without the TLV; packets of no session do not count). A packet that gets no reply (Return
     * Path Control Code 0) counts as received only.
     */
    @Test
    void directMeasurementCarriesTheReflectorSessionsCounters() throws Exception {
        int port = freePort();
        try (SocketDataPlane dp = new SocketDataPlane();
             DatagramSocket sender = new DatagramSocket(new InetSocketAddress(LOOPBACK, 0))) {
            ReflectorHandle session = dp.startReflector(reflector(port));
            InetSocketAddress to = new InetSocketAddress(LOOPBACK, port);
            int seq = 0;
            for (int k = 1; k <= 3; k++) {
                checkDirectMeasurement(exchange(sender, to, request(seq++, directMeasurementTlv(1000 + k))),
                        1000 + k, k, k);
            }
            assertEquals(BASE, exchange(sender, to, request(seq++)).length, "a base packet: received 4, reflected 4");
            // Not this session (SSID 6): no reply, not counted.
            send(sender, to, request(seq++, 6, directMeasurementTlv(1004)));
            // Control Code 0: no reply, received 5, reflected still 4.
            send(sender, to, request(seq++, concat(directMeasurementTlv(1005),
                    tlv(RETURN_PATH, tlv(SUB_CONTROL_CODE, ByteBuffer.allocate(4).putInt(NO_REPLY).array())))));
            int last = seq++;
            byte[] reply = exchange(sender, to, request(last, directMeasurementTlv(1006)));
            assertEquals(last, ByteBuffer.wrap(reply).getInt(REPLY_SENDER_SEQ),
                    "the reply in line is that of the last request: the two before it got none");
            checkDirectMeasurement(reply, 1006, 6, 5);
            assertEquals(6, session.counters().received());
            assertEquals(5, session.counters().reflected());
            assertEquals(1, dp.counters().unmatched());
        }
    }

    /**
     * In an authenticated session R_RxC counts the packets that matched the session before their
     * HMAC was checked: a request with a wrong base-packet HMAC gets no reply (RFC 8762 §4.4) but
     * is counted as received. HMACs computed here with javax.crypto, not with the codec.
     */
    @Test
    void directMeasurementCountsARejectedPacketAsReceivedOnly() throws Exception {
        int port = freePort();
        byte[] key = "direct measurement key of 32 oct".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        try (SocketDataPlane dp = new SocketDataPlane();
             DatagramSocket sender = new DatagramSocket(new InetSocketAddress(LOOPBACK, 0))) {
            ReflectorHandle session = dp.startReflector(new ReflectorSessionConfig(1, SSID, null, 0, null, port,
                    List.of(), TimestampFormat.NTP, false, key));
            InetSocketAddress to = new InetSocketAddress(LOOPBACK, port);
            checkAuthenticatedDirectMeasurement(exchange(sender, to, authenticatedRequest(key, 0, 2001, false)), 2001, 1, 1);
            send(sender, to, authenticatedRequest(key, 1, 2002, true));
            byte[] reply = exchange(sender, to, authenticatedRequest(key, 2, 2003, false));
            assertEquals(2, ByteBuffer.wrap(reply).getInt(AUTH_REPLY_SENDER_SEQ), "the rejected request got no reply");
            checkAuthenticatedDirectMeasurement(reply, 2003, 3, 2);
            assertEquals(1, session.counters().rejected());
        }
    }

    /**
     * Authenticated base packet (Seq 0/4, Timestamp 16/8, Error Estimate 24/2, SSID 26/2, HMAC
     * 96/16), a Direct Measurement TLV, then the HMAC TLV over the Sequence Number and the Direct
     * Measurement TLV (RFC 8972 §4.8). {@code badBaseHmac} flips a bit of the base packet's HMAC.
     */
    private static byte[] authenticatedRequest(byte[] key, int seq, int senderTx, boolean badBaseHmac)
            throws Exception {
        byte[] dm = directMeasurementTlv(senderTx);
        ByteBuffer b = ByteBuffer.allocate(AUTH_BASE + dm.length + HEADER + 16);
        long ntpSeconds = System.currentTimeMillis() / 1000 + 2_208_988_800L;
        b.putInt(0, seq).putLong(16, ntpSeconds << 32).putShort(24, (short) 0x0001).putShort(26, (short) SSID);
        b.put(AUTH_HMAC, hmac128(key, Arrays.copyOfRange(b.array(), 0, AUTH_HMAC)));
        if (badBaseHmac) {
            b.put(AUTH_HMAC, (byte) (b.get(AUTH_HMAC) ^ 1));
        }
        b.put(AUTH_BASE, dm);
        int hmacTlv = AUTH_BASE + dm.length;
        b.put(hmacTlv, (byte) U).put(hmacTlv + 1, (byte) HMAC_TLV).putShort(hmacTlv + 2, (short) 16);
        b.put(hmacTlv + HEADER, hmac128(key, concat(Arrays.copyOfRange(b.array(), 0, 4), dm)));
        return b.array();
    }

    private static byte[] hmac128(byte[] key, byte[] data) throws Exception {
        javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
        mac.init(new javax.crypto.spec.SecretKeySpec(key, "HmacSHA256"));
        return Arrays.copyOf(mac.doFinal(data), 16);
    }

    private static void checkAuthenticatedDirectMeasurement(byte[] reply, int senderTx, int reflectorRx,
                                                            int reflectorTx) {
        ByteBuffer r = ByteBuffer.wrap(reply);
        int dm = AUTH_BASE;
        assertEquals(AUTH_BASE + HEADER + 12 + HEADER + 16, reply.length);
        assertEquals(0, reply[dm] & UMI, "understood, integrity verified");
        assertEquals(DIRECT_MEASUREMENT, reply[dm + 1]);
        assertEquals(senderTx, r.getInt(dm + HEADER), "S_TxC as sent");
        assertEquals(reflectorRx, r.getInt(dm + HEADER + 4), "R_RxC");
        assertEquals(reflectorTx, r.getInt(dm + HEADER + 8), "R_TxC");
    }

    /** S_TxC(4) R_RxC(4) R_TxC(4), the reflector's two zero in the request. */
    private static byte[] directMeasurementTlv(int senderTx) {
        return tlv(DIRECT_MEASUREMENT, ByteBuffer.allocate(12).putInt(senderTx).array());
    }

    private static void checkDirectMeasurement(byte[] reply, int senderTx, int reflectorRx, int reflectorTx) {
        ByteBuffer r = ByteBuffer.wrap(reply);
        assertEquals(BASE + HEADER + 12, reply.length);
        assertEquals(0, reply[FLAGS] & UMI, "understood");
        assertEquals(DIRECT_MEASUREMENT, reply[TYPE]);
        assertEquals(12, r.getShort(LENGTH));
        assertEquals(senderTx, r.getInt(VALUE), "S_TxC as sent");
        assertEquals(reflectorRx, r.getInt(VALUE + 4), "R_RxC");
        assertEquals(reflectorTx, r.getInt(VALUE + 8), "R_TxC");
    }

    // ---- the hand-written Session-Sender -----------------------------------------------------

    private static byte[] request(int seq, byte[]... tlvs) {
        return request(seq, SSID, tlvs);
    }

    /** stamp-wire.md: Sequence Number 0/4, Timestamp 4/8, Error Estimate 12/2, SSID 14/2, MBZ 16/28, TLVs. */
    private static byte[] request(int seq, int ssid, byte[]... tlvs) {
        byte[] t = concat(tlvs);
        ByteBuffer b = ByteBuffer.allocate(BASE + t.length);
        long ntpSeconds = System.currentTimeMillis() / 1000 + 2_208_988_800L;
        b.putInt(0, seq).putLong(4, ntpSeconds << 32).putShort(12, (short) 0x0001).putShort(14, (short) ssid);
        b.put(BASE, t);
        return b.array();
    }

    /** A TLV (or sub-TLV) as a Session-Sender sends it: U set, M and I clear (RFC 8972 §4). */
    private static byte[] tlv(int type, byte[] value) {
        return ByteBuffer.allocate(HEADER + value.length).put((byte) U).put((byte) type)
                .putShort((short) value.length).put(value).array();
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    private static byte[] hex(String s) {
        return HexFormat.of().parseHex(s);
    }

    private static void send(DatagramSocket s, InetSocketAddress to, byte[] request) throws Exception {
        s.send(new DatagramPacket(request, request.length, to));
    }

    private static byte[] exchange(DatagramSocket s, InetSocketAddress to, byte[] request) throws Exception {
        send(s, to, request);
        s.setSoTimeout(2000);
        DatagramPacket p = new DatagramPacket(new byte[2048], 2048);
        try {
            s.receive(p);
        } catch (SocketTimeoutException e) {
            throw new AssertionError("no reply within 2 s", e);
        }
        return Arrays.copyOf(p.getData(), p.getLength());
    }

    /** sendmsg from the product socket to [::1]:port with an IPV6_TCLASS control message. */
    private static void sendWithTrafficClass(Arena arena, UdpSocket s, int port, byte[] request, int tclass) {
        MemorySegment buffer = arena.allocate(request.length, 8);
        MemorySegment.copy(request, 0, buffer, JAVA_BYTE, 0, request.length);
        MemorySegment name = arena.allocate(Libc.SOCKADDR_IN6_SIZE, 8);
        Sockaddr.write(name, LOOPBACK, port);
        MemorySegment iov = arena.allocate(Libc.IOVEC_SIZE, 8);
        iov.set(ADDRESS, 0, buffer);
        iov.set(JAVA_LONG, 8, request.length);
        MemorySegment control = arena.allocate(64, 8);
        long controlLength = Libc.putCmsgInt(control, 0, Libc.IPPROTO_IPV6, Libc.IPV6_TCLASS, tclass);
        MemorySegment msg = arena.allocate(Libc.MMSGHDR_SIZE, 8);
        Libc.putMsgHeader(msg, 0, name, iov);
        msg.set(ADDRESS, Libc.MSG_CONTROL, control);
        msg.set(JAVA_LONG, Libc.MSG_CONTROLLEN, controlLength);
        long r = Libc.sendmsg(s.fd, msg, 0);
        assertEquals(request.length, r, "sendmsg: " + (r < 0 ? Libc.strerror((int) -r) : r + " octets"));
    }

    /** The next datagram on the product socket (non-blocking: polled for up to 2 s), parsed into slot 0. */
    private static byte[] receive(UdpSocket s, MessageBatch rx) throws InterruptedException {
        long end = System.nanoTime() + 2_000_000_000L;
        int n;
        while ((n = rx.receive(s.fd)) == -Libc.EAGAIN && System.nanoTime() < end) {
            Thread.sleep(1);
        }
        assertTrue(n >= 1, "no reply within 2 s (" + n + ")");
        assertEquals(1, n, "one reply per request");
        return rx.payload(0).asSlice(0, rx.length[0]).toArray(JAVA_BYTE);
    }
}
