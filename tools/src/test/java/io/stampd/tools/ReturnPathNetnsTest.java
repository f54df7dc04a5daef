package io.stampd.tools;

import io.stampd.tools.testing.TestEnv;
import io.stampd.tools.testing.Testbed;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * RFC 9503 on the data plane, in the three-namespace test bed (tools/testbed: sender fd00:12::1,
 * End SID fd00:ff::2 on the transit node, reflector fd00:23::3): the packaged CLI reflects, and the
 * test sends hand-built requests (the Session-Sender cannot send these TLVs) from sockets it opens
 * inside the sender namespace ({@link Testbed#call}). Where the route of a reply matters, the wire
 * is captured with tcpdump and dissected by {@link Pcap}, not by the codec.
 */
@Tag("netns")
class ReturnPathNetnsTest {
    private static final int STAMP_PORT = 862;
    private static final int SSID = 7;
    /** The test bed's addresses in hex, as the wire must carry them; checked against the test bed first. */
    private static final String SENDER = "fd00 0012 0000 0000 0000 0000 0000 0001";
    private static final String REFLECTOR = "fd00 0023 0000 0000 0000 0000 0000 0003";
    private static final String TRANSIT_SID = "fd00 00ff 0000 0000 0000 0000 0000 0002";
    /** Addresses a test adds: a second one of the sender, a second one of the reflector, one nobody has. */
    private static final String SENDER_2 = "fd00 0012 0000 0000 0000 0000 0000 0005";
    private static final String REFLECTOR_2 = "fd00 0023 0000 0000 0000 0000 0000 0007";
    private static final String NOBODY = "fd00 0023 0000 0000 0000 0000 0000 0099";

    /** Octets written in hex, blanks and '|' ignored. */
    private static byte[] hex(String octets) {
        return HexFormat.of().parseHex(octets.replaceAll("[\\s|]", ""));
    }

    private static InetAddress address(String hexOctets) throws IOException {
        return InetAddress.getByAddress(hex(hexOctets));
    }

    private static String text(String hexOctets) throws IOException {
        return address(hexOctets).getHostAddress();
    }

    /** An unauthenticated 44-octet request (Sequence Number, SSID, the rest zero) followed by {@code tlvs}. */
    private static byte[] request(int seq, String tlvs) {
        byte[] t = hex(tlvs);
        return ByteBuffer.allocate(44 + t.length).putInt(0, seq).putShort(14, (short) SSID).put(44, t).array();
    }

    private static long u32(byte[] b, int at) {
        return Integer.toUnsignedLong(ByteBuffer.wrap(b).getInt(at));
    }

    private static byte[] tlvsOf(byte[] stamp) {
        return Arrays.copyOfRange(stamp, 44, stamp.length);
    }

    /** The bed is what the hex constants say (tools/testbed would have to change with them). */
    private static void checkAddresses(Testbed tb) throws IOException {
        assertEquals(address(SENDER), InetAddress.getByName(tb.senderAddr()));
        assertEquals(address(REFLECTOR), InetAddress.getByName(tb.reflectorAddr()));
        assertEquals(address(TRANSIT_SID), InetAddress.getByName(tb.transitSid()));
    }

    /** A reflector process (`stampd reflect --json`, any sender, port 862) and its standard output. */
    private record Reflector(Process process, BufferedReader out) {
        static Reflector start(Testbed tb) throws IOException {
            Process p = tb.start(tb.reflectorNs(), tb.stampd(), "reflect", "--json");
            BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
            String line = r.readLine();
            assertTrue(line != null && line.contains("\"ready\""), "reflector did not start: " + line);
            return new Reflector(p, r);
        }

        /** Stops it (SIGTERM) and returns its summary line. */
        String stop() throws IOException, InterruptedException {
            process.toHandle().destroy();
            assertTrue(process.waitFor(10, TimeUnit.SECONDS));
            for (String l; (l = out.readLine()) != null; ) {
                if (l.contains("\"type\":\"summary\"")) {
                    return l;
                }
            }
            throw new AssertionError("the reflector printed no summary");
        }
    }

    private static long field(String json, String name) {
        Matcher m = Pattern.compile("\"" + Pattern.quote(name) + "\":(-?[0-9]+)").matcher(json);
        assertTrue(m.find(), "no " + name + " in " + json);
        return Long.parseLong(m.group(1));
    }

    /** A UDP socket bound to {@code hexAddress} port {@code port} (0: any) inside namespace {@code ns}. */
    private static DatagramSocket socketIn(Testbed tb, String ns, String hexAddress, int port) throws Exception {
        InetAddress a = address(hexAddress);
        return tb.call(ns, () -> new DatagramSocket(new InetSocketAddress(a, port)));
    }

    private static void send(DatagramSocket from, byte[] request) throws IOException {
        from.send(new DatagramPacket(request, request.length, new InetSocketAddress(address(REFLECTOR), STAMP_PORT)));
    }

    /** The next datagram {@code s} receives within {@code millis}, or null. */
    private static DatagramPacket receive(DatagramSocket s, int millis) throws IOException {
        DatagramPacket p = new DatagramPacket(new byte[2048], 2048);
        s.setSoTimeout(millis);
        try {
            s.receive(p);
        } catch (SocketTimeoutException e) {
            return null;
        }
        p.setData(Arrays.copyOf(p.getData(), p.getLength()));
        return p;
    }

    private static void assertFromReflector(String hexSource, DatagramPacket reply) throws IOException {
        assertEquals(new InetSocketAddress(address(hexSource), STAMP_PORT), reply.getSocketAddress(), "reply source");
    }

    private static Process startCapture(Testbed tb, String ns, String dev, Path file) throws IOException {
        // --immediate-mode: no TPACKET_V3 block batching, so nothing is left unread when it stops.
        Process p = tb.start(ns, "tcpdump", "--immediate-mode", "-i", dev, "-U", "-s", "0", "-n", "-w", file.toString(),
                "udp port " + STAMP_PORT + " or ip6 proto 43");
        BufferedReader err = new BufferedReader(new InputStreamReader(p.getErrorStream(), StandardCharsets.UTF_8));
        String line = err.readLine();
        assertTrue(line != null && line.contains("listening on"), "tcpdump did not start: " + line);
        return p;
    }

    private static void stopCapture(Process p) throws InterruptedException {
        Thread.sleep(300); // the last packets reach the file
        p.toHandle().descendants().forEach(ProcessHandle::destroy);
        p.destroy();
        assertTrue(p.waitFor(10, TimeUnit.SECONDS));
    }

    private static void deleteTree(Path dir) throws IOException {
        try (var files = Files.list(dir)) {
            for (Path f : files.toList()) {
                Files.deleteIfExists(f);
            }
        }
        Files.deleteIfExists(dir);
    }

    /** Replies (UDP source port 862) in a capture, in capture order. */
    private static List<Pcap.Datagram> replies(Path pcap) throws IOException {
        return Pcap.read(pcap).stream().filter(d -> d.srcPort() == STAMP_PORT).toList();
    }

    /**
     * RFC 9503 §4 Return Address sub-TLV (row 9503-8): socket A at fd00:12::1 port P sends the
     * request; socket B listens at fd00:12::5 on the same port P. The reply goes to B, the Return
     * Address at the sender's UDP port; A gets nothing. A request without the TLV is answered to A.
     */
    @Test
    void aReturnAddressSendsTheReplyThereAtTheSendersPort() throws Exception {
        TestEnv.requireNetns();
        try (Testbed tb = Testbed.up(0, 0)) {
            checkAddresses(tb);
            tb.exec(tb.senderNs(), "ip", "-6", "addr", "add", text(SENDER_2) + "/64", "dev", tb.senderDev(), "nodad")
                    .requireSuccess();
            Reflector reflector = Reflector.start(tb);
            try (DatagramSocket a = socketIn(tb, tb.senderNs(), SENDER, 0);
                 DatagramSocket b = socketIn(tb, tb.senderNs(), SENDER_2, a.getLocalPort())) {
                String returnAddress = "80 0a 00 14 | 80 02 00 10 |" + SENDER_2;
                send(a, request(1, returnAddress));
                DatagramPacket atB = receive(b, 3000);
                assertNotNull(atB, "the reply goes to the Return Address");
                assertFromReflector(REFLECTOR, atB);
                assertEquals(1, u32(atB.getData(), 24), "the reply to request 1");
                assertArrayEquals(hex("00 0a 00 14 | 00 02 00 10 |" + SENDER_2), tlvsOf(atB.getData()),
                        "Return Path and Return Address understood (U cleared), the address as sent");
                assertNull(receive(a, 300), "nothing goes to the sender's own address");

                send(a, request(2, ""));
                DatagramPacket atA = receive(a, 3000);
                assertNotNull(atA, "without a Return Path the reply goes to the sender");
                assertEquals(2, u32(atA.getData(), 24));
                assertNull(receive(b, 300));
            }
            String summary = reflector.stop();
            assertEquals(2, field(summary, "reflected"), summary);
            assertEquals(0, field(summary, "send_errors"), summary);
        }
    }

    /**
     * RFC 9503 §4 SRv6 Segment List sub-TLV (row 9503-9), checked on the wire. The request asks for
     * the return path [End SID fd00:ff::2, sender fd00:12::1] (first segment first). The reply
     * leaves the reflector for the first segment with an SRH that lists the path reversed (RFC 8754:
     * Segment List[0] is the last segment), Segments Left 1; the End SID forwards it and it reaches
     * the sender's socket. The reflector has no configured return path, so a request without the
     * TLV, sent in between, is answered directly without an SRH: the SRH is per packet.
     */
    @Test
    void aSegmentListSendsTheReplyAlongTheReversedPathToTheLastSegment() throws Exception {
        TestEnv.requireNetns();
        Path dir = Files.createTempDirectory("stampd-return-path");
        try (Testbed tb = Testbed.up(0, 0)) {
            checkAddresses(tb);
            Reflector reflector = Reflector.start(tb);
            Process capReflector = startCapture(tb, tb.reflectorNs(), tb.reflectorDev(), dir.resolve("reflector.pcap"));
            Process capSender = startCapture(tb, tb.senderNs(), tb.senderDev(), dir.resolve("sender.pcap"));
            String segmentList = "80 0a 00 24 | 80 04 00 20 |" + TRANSIT_SID + SENDER;
            try (DatagramSocket a = socketIn(tb, tb.senderNs(), SENDER, 0)) {
                for (int seq = 1; seq <= 3; seq++) {
                    send(a, request(seq, seq == 2 ? "" : segmentList));
                    DatagramPacket reply = receive(a, 3000);
                    assertNotNull(reply, "reply " + seq);
                    assertFromReflector(REFLECTOR, reply);
                    assertEquals(seq, u32(reply.getData(), 24));
                    if (seq != 2) {
                        assertArrayEquals(hex("00 0a 00 24 | 00 04 00 20 |" + TRANSIT_SID + SENDER),
                                tlvsOf(reply.getData()), "Return Path and Segment List understood, the list as sent");
                    }
                }
            }
            stopCapture(capReflector);
            stopCapture(capSender);
            String summary = reflector.stop();
            assertEquals(3, field(summary, "reflected"), summary);

            List<Pcap.Datagram> out = replies(dir.resolve("reflector.pcap"));
            assertEquals(3, out.size(), "replies leaving the reflector");
            // Next Header 17 (UDP), Hdr Ext Len 4 (two segments), Routing Type 4, Segments Left 1,
            // Last Entry 1, Flags 0, Tag 0; Segment List[0] = the last segment, [1] = the first.
            byte[] expectedSrh = hex("11 04 04 01 | 01 00 00 00 |" + SENDER + TRANSIT_SID);
            for (int i : new int[] {0, 2}) {
                Pcap.Datagram d = out.get(i);
                assertEquals(i + 1, u32(d.payload(), 24));
                assertArrayEquals(hex(REFLECTOR), d.src());
                assertArrayEquals(hex(TRANSIT_SID), d.dst(), "IPv6 destination = the first segment");
                assertArrayEquals(expectedSrh, d.srhOctets(), "the SRH, octet by octet");
                assertTrue(d.checksumValid(), "UDP checksum over the final destination");
            }
            Pcap.Datagram direct = out.get(1);
            assertEquals(2, u32(direct.payload(), 24));
            assertFalse(direct.hasSrh(), "no Return Path: no SRH");
            assertArrayEquals(hex(SENDER), direct.dst());

            List<Pcap.Datagram> in = replies(dir.resolve("sender.pcap"));
            assertEquals(3, in.size(), "replies reaching the sender");
            for (int i : new int[] {0, 2}) {
                Pcap.Datagram d = in.get(i);
                assertArrayEquals(hex(SENDER), d.dst(), "the End SID put the last segment into the destination");
                assertEquals(0, d.srhSegmentsLeft());
                assertTrue(d.checksumValid());
            }
        } finally {
            deleteTree(dir);
        }
    }

    /**
     * RFC 9503 §3 Destination Node Address (row 9503-4): the reflector also owns fd00:23::7. A
     * request to fd00:23::3 naming fd00:23::7 is answered from fd00:23::7, the TLV understood; one
     * naming fd00:23::99, which nobody has, is answered from fd00:23::3 with U on the TLV.
     */
    @Test
    void aLocalDestinationNodeAddressBecomesTheReplySourceAndAForeignOneGetsU() throws Exception {
        TestEnv.requireNetns();
        try (Testbed tb = Testbed.up(0, 0)) {
            checkAddresses(tb);
            // Before the reflector starts, so that its first reading of the local addresses has it.
            tb.exec(tb.reflectorNs(), "ip", "-6", "addr", "add", text(REFLECTOR_2) + "/64", "dev", tb.reflectorDev(),
                    "nodad").requireSuccess();
            Reflector reflector = Reflector.start(tb);
            try (DatagramSocket a = socketIn(tb, tb.senderNs(), SENDER, 0)) {
                send(a, request(1, "80 09 00 10 |" + REFLECTOR_2));
                DatagramPacket local = receive(a, 3000);
                assertNotNull(local);
                assertFromReflector(REFLECTOR_2, local);
                assertArrayEquals(hex("00 09 00 10 |" + REFLECTOR_2), tlvsOf(local.getData()), "understood: U cleared");

                send(a, request(2, "80 09 00 10 |" + NOBODY));
                DatagramPacket foreign = receive(a, 3000);
                assertNotNull(foreign);
                assertFromReflector(REFLECTOR, foreign);
                assertArrayEquals(hex("80 09 00 10 |" + NOBODY), tlvsOf(foreign.getData()), "not local: U");
                assertEquals(List.of(1L, 2L), List.of(u32(local.getData(), 24), u32(foreign.getData(), 24)));
            }
            reflector.stop();
        }
    }

    /**
     * RFC 9503 §4 Control Code 1, reply on the link the request came in on (row 9503-6). The
     * reflector's route to the sender's prefix is pointed at a dead-end interface, so an ordinary
     * reply leaves through it and is lost (it is sent: the capture there shows it). A
     * reply to a request with Control Code 1 leaves through rfl0, where the request came in, and
     * reaches the sender.
     *
     * <p>Linux holds a reply to the interface named in IPV6_PKTINFO only when the source is left
     * to it; with a source it follows the routing table ({@code ip -6 route get fd00:12::1 from
     * fd00:23::3 oif rfl0} answers {@code dev rpx0}). The reflector therefore leaves the source out
     * when the request's destination is the interface's one global address, and the reply must
     * still come from fd00:23::3. Conformance row 9503-6.
     */
    @Test
    void controlCodeOneRepliesThroughTheInterfaceTheRequestCameIn() throws Exception {
        TestEnv.requireNetns();
        Path dir = Files.createTempDirectory("stampd-return-path");
        try (Testbed tb = Testbed.up(0, 0)) {
            checkAddresses(tb);
            // A dead end: a veth pair with both ends in the test bed's own reflector namespace (deleted
            // with it), the sender's prefix routed into one end, a made-up neighbour so that replies
            // are transmitted (and captured) there instead of waiting for neighbour discovery.
            String deadEnd = "rpx0";
            String rfl = tb.reflectorNs();
            tb.exec(rfl, "ip", "link", "add", deadEnd, "type", "veth", "peer", "name", "rpx1").requireSuccess();
            tb.exec(rfl, "ip", "link", "set", deadEnd, "up").requireSuccess();
            tb.exec(rfl, "ip", "link", "set", "rpx1", "up").requireSuccess();
            tb.exec(rfl, "ip", "-6", "route", "add", "fd00:12::/64", "dev", deadEnd).requireSuccess();
            tb.exec(rfl, "ip", "-6", "neigh", "add", text(SENDER), "lladdr", "02:00:00:00:00:01", "dev", deadEnd,
                    "nud", "permanent").requireSuccess();
            Reflector reflector = Reflector.start(tb);
            Process capDeadEnd = startCapture(tb, rfl, deadEnd, dir.resolve("dead-end.pcap"));
            Process capLink = startCapture(tb, rfl, tb.reflectorDev(), dir.resolve("link.pcap"));
            try (DatagramSocket a = socketIn(tb, tb.senderNs(), SENDER, 0)) {
                send(a, request(1, ""));
                assertNull(receive(a, 1000), "an ordinary reply follows the route into the dead end");
                send(a, request(2, "80 0a 00 08 | 80 01 00 04 | 00 00 00 01"));
                DatagramPacket reply = receive(a, 3000);
                assertNotNull(reply, "Control Code 1: the reply leaves where the request came in");
                assertFromReflector(REFLECTOR, reply);
                assertEquals(2, u32(reply.getData(), 24));
                assertArrayEquals(hex("00 0a 00 08 | 00 01 00 04 | 00 00 00 01"), tlvsOf(reply.getData()));
                assertNull(receive(a, 300), "nothing else arrives");
            }
            stopCapture(capDeadEnd);
            stopCapture(capLink);
            String summary = reflector.stop();
            assertEquals(2, field(summary, "reflected"), summary);
            assertEquals(0, field(summary, "send_errors"), summary);
            assertEquals(List.of(1L), replies(dir.resolve("dead-end.pcap")).stream().map(d -> u32(d.payload(), 24))
                    .toList(), "the ordinary reply left through the dead end");
            assertEquals(List.of(2L), replies(dir.resolve("link.pcap")).stream().map(d -> u32(d.payload(), 24)).toList(),
                    "the Control Code 1 reply left through rfl0");
        } finally {
            deleteTree(dir);
        }
    }
}
