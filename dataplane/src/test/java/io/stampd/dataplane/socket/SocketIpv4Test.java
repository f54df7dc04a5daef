package io.stampd.dataplane.socket;

import io.stampd.dataplane.DataPlaneException;
import io.stampd.dataplane.PlaneSettings;
import io.stampd.dataplane.ReflectorHandle;
import io.stampd.dataplane.codec.TimestampFormat;
import io.stampd.dataplane.session.Ipv6Addresses;
import io.stampd.dataplane.session.PeerAddresses;
import io.stampd.dataplane.session.ReflectorSessionConfig;
import io.stampd.dataplane.session.SenderListener;
import io.stampd.dataplane.session.SenderSessionConfig;
import io.stampd.sys.Libc;
import io.stampd.sys.Sockaddr;
import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.net.Inet6Address;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * IPv4 peers on the socket data plane, over 127.0.0.1: the dual-stack sockets carry them as
 * IPv4-mapped addresses, and what the IPv6 path reads from IPV6_HOPLIMIT/IPV6_TCLASS comes from
 * IP_TTL/IP_TOS. Checked from the other end with a product socket and {@link MessageBatch}, whose
 * parsed ancillary values are what the reflector and sender use.
 */
class SocketIpv4Test {
    private static final Inet6Address LOCAL = PeerAddresses.parseUnicast("127.0.0.1", "test");
    private static final int BASE = 44;
    private static final int CLASS_OF_SERVICE = 4;

    private static int freePort() {
        return ThreadLocalRandom.current().nextInt(20000, 60000);
    }

    private static int defaultTtl() throws Exception {
        // procfs reports a size of 0, which Files.readString trusts: read the stream instead.
        try (var in = Files.newInputStream(Path.of("/proc/sys/net/ipv4/ip_default_ttl"))) {
            return Integer.parseInt(new String(in.readAllBytes()).trim());
        }
    }

    @Test
    void anIpv4SenderAndReflectorMeasureEachOther() throws Exception {
        int port = freePort();
        int count = 20;
        record Reply(long seq, long t1, long t2, long t3, long t4, int ttl) {
        }
        ConcurrentLinkedQueue<Reply> replies = new ConcurrentLinkedQueue<>();
        SenderListener listener = new SenderListener() {
            @Override
            public void onSent(long seq, long t1, long monoNanos) {
            }

            @Override
            public void onReply(long senderSeq, long t1, long t2, long t3, long t4, int senderTtl, long reflectorSeq,
                                long monoNanos) {
                replies.add(new Reply(senderSeq, t1, t2, t3, t4, senderTtl));
            }

            @Override
            public void onRejected(String reason) {
            }

            @Override
            public void onMalformed(String reason) {
            }
        };
        try (SocketDataPlane dp = new SocketDataPlane()) {
            // The reflector session accepts this IPv4 sender only: the match is on the mapped address.
            ReflectorHandle r = dp.startReflector(new ReflectorSessionConfig(1, ReflectorSessionConfig.ANY_SSID, LOCAL,
                    0, LOCAL, port, List.of(), TimestampFormat.NTP, false, null));
            dp.startSender(SenderSessionConfig.builder().reflectorAddress(LOCAL).reflectorPort(port).ssid(4)
                    .intervalNanos(2_000_000).packetCount(count).lossTimeoutNanos(1_000_000_000L).build(), listener);
            long end = System.nanoTime() + 5_000_000_000L;
            while (replies.size() < count && System.nanoTime() < end) {
                Thread.sleep(10);
            }
            assertEquals(count, replies.size(), "replies over IPv4");
            assertEquals(count, r.counters().received(), "the reflector session matched every IPv4 test packet");
            int ttl = defaultTtl();
            for (Reply x : replies) {
                assertTrue(x.t1 <= x.t2 + 1_000_000 && x.t2 <= x.t3 && x.t3 <= x.t4 + 1_000_000, x.toString());
                assertEquals(ttl, x.ttl, "the test packet's TTL as the reflector read it (IP_TTL), seq " + x.seq);
            }
            assertEquals(0, dp.counters().unmatched());
        }
    }

    /**
     * An IPv6 and an IPv4 session of the same SSID to the same port share one dual-stack sender
     * socket, and each gets its own replies: the sender table tells them apart by the reflector
     * address, IPv4-mapped or not. The wildcard reflector session answers both families.
     */
    @Test
    void ipv6AndIpv4SessionsShareOneDualStackSocket() throws Exception {
        int port = freePort();
        int count = 10;
        java.util.concurrent.atomic.AtomicLong[] replies = {new java.util.concurrent.atomic.AtomicLong(),
                new java.util.concurrent.atomic.AtomicLong()};
        try (SocketDataPlane reflector = new SocketDataPlane(); SocketDataPlane dp = new SocketDataPlane()) {
            ReflectorHandle r = reflector.startReflector(new ReflectorSessionConfig(1, 3, null, 0, null, port,
                    List.of(), TimestampFormat.NTP, false, null));
            Inet6Address[] peers = {PeerAddresses.parse("::1", "test"), LOCAL};
            for (int k = 0; k < 2; k++) {
                java.util.concurrent.atomic.AtomicLong mine = replies[k];
                dp.startSender(SenderSessionConfig.builder().id(k + 1).ssid(3).reflectorAddress(peers[k])
                        .reflectorPort(port).intervalNanos(2_000_000).packetCount(count).build(), new SenderListener() {
                            @Override
                            public void onSent(long seq, long t1, long monoNanos) {
                            }

                            @Override
                            public void onReply(long senderSeq, long t1, long t2, long t3, long t4, int senderTtl,
                                                long reflectorSeq, long monoNanos) {
                                mine.incrementAndGet();
                            }

                            @Override
                            public void onRejected(String reason) {
                            }

                            @Override
                            public void onMalformed(String reason) {
                            }
                        });
            }
            long end = System.nanoTime() + 5_000_000_000L;
            while ((replies[0].get() < count || replies[1].get() < count) && System.nanoTime() < end) {
                Thread.sleep(10);
            }
            assertEquals(1, dp.senderSockets(), "one shared socket for both families");
            assertEquals(count, replies[0].get(), "IPv6 session's replies");
            assertEquals(count, replies[1].get(), "IPv4 session's replies");
            assertEquals(2L * count, r.counters().received());
            assertEquals(0, dp.counters().unmatched(), "no reply went unclaimed");
        }
    }

    /**
     * The test packet leaves with the configured DSCP in its IPv4 TOS octet (IP_TOS, not
     * IPV6_TCLASS), and the receiving side reads TTL, TOS and the destination (IPv4-mapped).
     */
    @Test
    void theSendersDscpIsInTheIpv4TosOctet() throws Exception {
        try (SocketDataPlane dp = new SocketDataPlane();
             UdpSocket reflector = UdpSocket.bind(LOCAL, 0, 0, "test reflector");
             MessageBatch rx = new MessageBatch(4, 2048)) {
            dp.startSender(SenderSessionConfig.builder().reflectorAddress(LOCAL).reflectorPort(reflector.localPort)
                    .dscp(34).intervalNanos(1_000_000).packetCount(1).build(), SenderListener.IGNORE);
            byte[] packet = receive(reflector, rx);
            assertEquals(BASE, packet.length);
            assertEquals(34 << 2, rx.trafficClass[0], "TOS: DSCP 34 (AF41), ECN 0");
            assertEquals(defaultTtl(), rx.hopLimit[0], "TTL from IP_TTL");
            assertArrayEquals(LOCAL.getAddress(), rx.destinationAddress(0).toArray(JAVA_BYTE),
                    "destination from IPV6_PKTINFO, IPv4-mapped");
            assertArrayEquals(LOCAL.getAddress(), rx.sourceAddress(0).toArray(JAVA_BYTE), "source, IPv4-mapped");
        }
    }

    /**
     * Class of Service over IPv4 (RFC 8972 §4.4): DSCP2 is the DSCP of the request's TOS octet,
     * and the reply leaves with DSCP1 in its TOS octet (IP_TOS on the reply).
     */
    @Test
    void classOfServiceReadsAndWritesTheIpv4Tos() throws Exception {
        int port = freePort();
        int dscp1 = 46;
        try (SocketDataPlane dp = new SocketDataPlane();
             UdpSocket sender = UdpSocket.bind(LOCAL, 0, 0, "test sender");
             MessageBatch tx = new MessageBatch(1, 2048);
             MessageBatch rx = new MessageBatch(4, 2048)) {
            dp.startReflector(new ReflectorSessionConfig(1, ReflectorSessionConfig.ANY_SSID, null, 0, null, port,
                    List.of(), TimestampFormat.NTP, false, null));
            byte[] request = ByteBuffer.allocate(BASE + 8).putInt(0, 1).putShort(14, (short) 5)
                    .put(BASE, (byte) 0x80).put(BASE + 1, (byte) CLASS_OF_SERVICE).putShort(BASE + 2, (short) 4)
                    .putShort(BASE + 4, (short) (dscp1 << 10)).array();
            MemorySegment.copy(request, 0, tx.payload(0), JAVA_BYTE, 0, request.length);
            Sockaddr.write(tx.name(0), LOCAL, port);
            tx.queueReply(0, request.length, null, 0, 10 << 2 | 1, false, 0); // AF11, ECT(1)
            tx.flush(sender.fd, errno -> {
                throw new AssertionError("send: " + Libc.strerror(errno));
            });
            byte[] reply = receive(sender, rx);
            assertEquals(BASE + 8, reply.length);
            int first = Short.toUnsignedInt(ByteBuffer.wrap(reply).getShort(BASE + 4));
            assertEquals(dscp1, first >>> 10, "DSCP1 kept");
            assertEquals(10, (first >>> 4) & 0x3F, "DSCP2: the DSCP of the request's TOS");
            assertEquals(1, (first >>> 2) & 0x3, "ECN2: the ECN of the request's TOS");
            assertEquals(dscp1 << 2, rx.trafficClass[0], "the reply's TOS: DSCP1, ECN 0");
        }
    }

    /**
     * Location over IPv4 (RFC 8972 §4.2), from a plain IPv4 socket: the ports and the IPv4
     * Destination and Source sub-TLVs filled with what the reflector received, an IPv6 sub-TLV U.
     */
    @Test
    void locationOfAnIpv4RequestCarriesItsIpv4Addresses() throws Exception {
        int port = freePort();
        try (SocketDataPlane dp = new SocketDataPlane();
             java.net.DatagramSocket sender = new java.net.DatagramSocket(
                     new java.net.InetSocketAddress(java.net.InetAddress.ofLiteral("127.0.0.1"), 0))) {
            dp.startReflector(new ReflectorSessionConfig(1, ReflectorSessionConfig.ANY_SSID, null, 0, null, port,
                    List.of(), TimestampFormat.NTP, false, null));
            // Location (2): ports, Destination IPv4 (5), Source IPv4 (8), Source IPv6 (9)
            ByteBuffer req = ByteBuffer.allocate(BASE + 4 + 4 + 8 + 8 + 20);
            req.putInt(0, 1).putShort(14, (short) 5);
            req.position(BASE);
            req.put((byte) 0x80).put((byte) 2).putShort((short) (4 + 8 + 8 + 20)).putInt(0);
            req.put((byte) 0x80).put((byte) 5).putShort((short) 4).putInt(0);
            req.put((byte) 0x80).put((byte) 8).putShort((short) 4).putInt(0);
            req.put((byte) 0x80).put((byte) 9).putShort((short) 16).put(new byte[16]);
            byte[] r = req.array();
            sender.send(new java.net.DatagramPacket(r, r.length,
                    new java.net.InetSocketAddress(java.net.InetAddress.ofLiteral("127.0.0.1"), port)));
            sender.setSoTimeout(2000);
            java.net.DatagramPacket in = new java.net.DatagramPacket(new byte[512], 512);
            sender.receive(in);
            ByteBuffer reply = ByteBuffer.wrap(in.getData(), 0, in.getLength());
            assertEquals(r.length, in.getLength());
            assertEquals(0, reply.get(BASE) & 0xE0, "Location understood");
            assertEquals(port, Short.toUnsignedInt(reply.getShort(BASE + 4)), "destination port");
            assertEquals(sender.getLocalPort(), Short.toUnsignedInt(reply.getShort(BASE + 6)), "source port");
            assertEquals(0, reply.get(BASE + 8) & 0xE0, "Destination IPv4 filled");
            assertEquals(0x7F000001, reply.getInt(BASE + 12), "destination 127.0.0.1");
            assertEquals(0, reply.get(BASE + 16) & 0xE0, "Source IPv4 filled");
            assertEquals(0x7F000001, reply.getInt(BASE + 20), "source 127.0.0.1");
            assertEquals(0x80, reply.get(BASE + 24) & 0xE0, "Source IPv6 of an IPv4 packet: U");
        }
    }

    @Test
    void ipv4AddressesAreShownDottedAndFamiliesMustMatch() {
        assertEquals("192.0.2.7", Ipv6Addresses.format(PeerAddresses.parse("192.0.2.7", "x")));
        assertEquals("192.0.2.7", Ipv6Addresses.format(PeerAddresses.parse("::ffff:192.0.2.7", "x")));
        assertEquals("2001:db8::1", Ipv6Addresses.format(PeerAddresses.parse("2001:db8::1", "x")));
        assertTrue(SenderSessionConfig.builder().reflectorAddress(LOCAL).build().toString()
                .contains(" to 127.0.0.1:862"));
        IllegalArgumentException mixed = assertThrows(IllegalArgumentException.class, () -> SenderSessionConfig
                .builder().senderAddress(PeerAddresses.parse("2001:db8::1", "x")).reflectorAddress(LOCAL).build());
        assertTrue(mixed.getMessage().contains("sender address 2001:db8::1 is IPv6 but reflector address 127.0.0.1"
                + " is IPv4"), mixed.getMessage());
        Inet6Address segment = PeerAddresses.parse("2001:db8::2", "x");
        IllegalArgumentException srv6 = assertThrows(IllegalArgumentException.class, () -> new ReflectorSessionConfig(
                3, 1, LOCAL, 0, null, 862, List.of(segment), TimestampFormat.NTP, false, null));
        assertTrue(srv6.getMessage().contains("reflector session 3: an IPv4 session (127.0.0.1) cannot have a return"
                + " segment list"), srv6.getMessage());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> PeerAddresses.parseUnicast("0.0.0.0", "--x"))
                .getMessage().contains("unspecified"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> PeerAddresses.parseUnicast("224.0.0.1", "--x"))
                .getMessage().contains("multicast"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Ipv6Addresses.parseSegments("10.0.0.1", "--s"))
                .getMessage().contains("IPv4"));
    }

    @Test
    void planesOtherThanTheSocketPlaneRefuseIpv4Sessions() {
        SenderSessionConfig s = SenderSessionConfig.builder().id(7).reflectorAddress(LOCAL).build();
        ReflectorSessionConfig r = new ReflectorSessionConfig(8, 1, LOCAL, 0, null, 862, List.of(),
                TimestampFormat.NTP, false, null);
        PeerAddresses.checkPlane(PlaneSettings.Kind.SOCKET, List.of(s), List.of(r));
        for (PlaneSettings.Kind k : List.of(PlaneSettings.Kind.XDP, PlaneSettings.Kind.AF_PACKET)) {
            DataPlaneException e = assertThrows(DataPlaneException.class,
                    () -> PeerAddresses.checkPlane(k, List.of(s), List.of()));
            assertEquals("sender session 7 (reflector 127.0.0.1) is IPv4, which the " + k + " data plane does not"
                    + " support: IPv4 is supported on the socket data plane only", e.getMessage());
            assertEquals(7, e.subject().orElseThrow().sessionId());
            e = assertThrows(DataPlaneException.class, () -> PeerAddresses.checkPlane(k, List.of(), List.of(r)));
            assertTrue(e.getMessage().startsWith("reflector session 8 (127.0.0.1) is IPv4"), e.getMessage());
        }
    }

    /**
     * The node's data plane refuses to move running IPv4 sessions to a plane that cannot carry
     * them, and to start one there; nothing changes (the plane stays the socket plane).
     */
    @Test
    void theNodeDataPlaneKeepsIpv4SessionsOnTheSocketPlane() {
        try (io.stampd.dataplane.node.NodeDataPlane dp = io.stampd.dataplane.node.NodeDataPlane.open(
                PlaneSettings.SOCKET, 8, 0)) {
            dp.startReflector(new ReflectorSessionConfig(5, 1, LOCAL, 0, null, freePort(), List.of(),
                    TimestampFormat.NTP, false, null));
            DataPlaneException e = assertThrows(DataPlaneException.class, () -> dp.use(PlaneSettings.afPacket("lo")));
            assertTrue(e.getMessage().startsWith("reflector session 5 (127.0.0.1) is IPv4, which the af-packet data"
                    + " plane does not support"), e.getMessage());
            assertEquals(PlaneSettings.SOCKET, dp.plane());
            SenderSessionConfig s = SenderSessionConfig.builder().id(6).reflectorAddress(LOCAL).build();
            e = assertThrows(DataPlaneException.class,
                    () -> dp.check(PlaneSettings.xdp("lo", null), List.of(s), List.of()));
            assertTrue(e.getMessage().startsWith("sender session 6 (reflector 127.0.0.1) is IPv4"), e.getMessage());
            // The socket plane takes them.
            dp.check(PlaneSettings.SOCKET, List.of(s), List.of());
        }
    }

    /** The next datagram on the product socket (non-blocking: polled for up to 2 s), parsed into slot 0. */
    private static byte[] receive(UdpSocket s, MessageBatch rx) throws InterruptedException {
        long end = System.nanoTime() + 2_000_000_000L;
        int n;
        while ((n = rx.receive(s.fd)) == -Libc.EAGAIN && System.nanoTime() < end) {
            Thread.sleep(1);
        }
        assertTrue(n >= 1, "nothing within 2 s (" + n + ")");
        return rx.payload(0).asSlice(0, rx.length[0]).toArray(JAVA_BYTE);
    }
}
