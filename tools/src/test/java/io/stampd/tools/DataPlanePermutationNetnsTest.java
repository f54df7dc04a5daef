package io.stampd.tools;

import io.stampd.sys.bpf.NetNamespace;
import io.stampd.tools.StampCli.Reflector;
import io.stampd.tools.testing.TestEnv;
import io.stampd.tools.testing.Testbed;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The data-plane behavioural suite as permutations: sender plane x reflector plane in {socket,
 * af-packet, xdp}, each pair with the same assertions, over the SRv6 test bed (sender -> transit End SID ->
 * reflector, the delay line on the forward link). The sender runs {@code stampd probe} and the
 * reflector {@code stampd reflect}, each with {@code --data-plane}; the xdp and af-packet planes
 * attach to the end's own interface (snd0, rfl0). Captures are taken on the transit node's interfaces: frames an
 * XDP program sends (XDP_TX) or takes (XDP_DROP) never pass the end's own packet taps. The
 * dissector ({@link Pcap}) is independent of the codec.
 */
@Tag("netns")
class DataPlanePermutationNetnsTest {
    private static final long MS = 1_000_000L;

    /** One pair: the sender's plane and the reflector's. */
    record Planes(String sender, String reflector) {
        boolean xdpSender() {
            return sender.equals("xdp");
        }

        boolean xdpReflector() {
            return reflector.equals("xdp");
        }

        String[] senderArgs(Testbed tb) {
            return sender.equals("socket") ? new String[0]
                    : new String[] {"--data-plane", sender, "--dev", tb.senderDev()};
        }

        String[] reflectorArgs(Testbed tb, String... more) {
            List<String> a = new ArrayList<>(Arrays.asList(more));
            if (!reflector.equals("socket")) {
                a.addAll(List.of("--data-plane", reflector, "--dev", tb.reflectorDev()));
            }
            return a.toArray(String[]::new);
        }

        @Override
        public String toString() {
            return sender + " sender, " + reflector + " reflector";
        }
    }

    static final List<String> PLANES = List.of("socket", "af-packet", "xdp");

    static Stream<Planes> planes() {
        return PLANES.stream().flatMap(s -> PLANES.stream().map(r -> new Planes(s, r)));
    }

    private static String probe(Testbed tb, Planes p, Duration timeout, String... args) {
        List<String> cmd = new ArrayList<>(List.of(tb.stampd(), "probe", "--json", "--source", tb.senderAddr(),
                "--segments", String.join(",", tb.forwardSegments())));
        cmd.addAll(Arrays.asList(p.senderArgs(tb)));
        cmd.addAll(Arrays.asList(args));
        return tb.exec(timeout, tb.senderNs(), cmd.toArray(String[]::new)).requireSuccess().stdout();
    }

    /**
     * The plane that was meant to do the work did it: at least {@code packets} (less two: a next
     * hop resolving) collected or answered in the kernel by an xdp end, sent and received through
     * the ring by an af-packet end, none of either by a socket end. An empty reflector summary: the
     * sender only.
     */
    private static void checkPlaneDidTheWork(Planes p, String probeSummary, String reflectorSummary, long packets) {
        long collected = StampCli.fieldOrZero(probeSummary, "collected_in_kernel");
        long sentAsFrames = StampCli.fieldOrZero(probeSummary, "af-packet/test-packets-sent");
        long fromRing = StampCli.fieldOrZero(probeSummary, "af-packet/frames");
        if (p.xdpSender()) {
            assertTrue(collected >= packets - 2, p + ": replies collected in the kernel " + collected + " of " + packets
                    + ": " + probeSummary);
        } else {
            assertEquals(0, collected, p + ": only an xdp sender collects in the kernel");
        }
        // T1 is the kernel's transmit time of each test packet, whichever plane sent it.
        long kernelT1 = StampCli.fieldOrZero(probeSummary, "t1_kernel_transmit");
        assertTrue(kernelT1 >= packets - 2, p + ": T1 from transmit timestamps " + kernelT1 + ": " + probeSummary);
        if (p.sender().equals("af-packet")) {
            assertTrue(sentAsFrames >= packets - 2 && fromRing >= packets - 2, p + ": test packets sent as frames "
                    + sentAsFrames + ", replies from the ring " + fromRing + " of " + packets + ": " + probeSummary);
        } else {
            assertEquals(0, sentAsFrames + fromRing, p + ": only an af-packet sender has a ring");
        }
        if (reflectorSummary.isEmpty()) {
            return;
        }
        long inKernel = StampCli.fieldOrZero(reflectorSummary, "in_kernel");
        long repliedAsFrames = StampCli.fieldOrZero(reflectorSummary, "af-packet/replies-sent");
        if (p.xdpReflector()) {
            assertTrue(inKernel >= packets - 2, p + ": answered in the kernel " + inKernel + " of " + packets + ": "
                    + reflectorSummary);
        } else {
            assertEquals(0, inKernel, p + ": only an xdp reflector answers in the kernel");
        }
        if (p.reflector().equals("af-packet")) {
            assertTrue(repliedAsFrames >= packets - 2, p + ": replies sent as frames " + repliedAsFrames + " of "
                    + packets + ": " + reflectorSummary);
            // ... and the kernel's stack did not process the requests a second time (TC ingress took them).
            long taken = StampCli.fieldOrZero(reflectorSummary, "af-packet/filter-taken");
            assertTrue(taken >= packets - 2, p + ": requests taken from the kernel's stack " + taken + ": "
                    + reflectorSummary);
        } else {
            assertEquals(0, repliedAsFrames, p + ": only an af-packet reflector sends frames");
        }
    }

    /**
     * 100 packets at 10 ms with a 5 ms forward delay line: forward median 5 ms ± 100 µs, backward
     * median below 300 µs, round trip 5 ms to 5.3 ms (no Follow-Up Telemetry here, so that an xdp
     * reflector answers in the kernel: a socket reflector's T3 precedes its send system call).
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("planes")
    void theDelayLineIsMeasured(Planes p) throws Exception {
        TestEnv.requireNetns(TestEnv.DELAY_LINE_OBJECT);
        try (Testbed tb = Testbed.up(5000, 0)) {
            Reflector reflector = StampCli.startReflector(tb, p.reflectorArgs(tb, "--stateful", "--busy-poll"));
            String out = probe(tb, p, Duration.ofSeconds(60), "--count", "100", "--interval", "10ms", "--spin", "2ms");
            String reflectorSummary = StampCli.summaryOf(reflector.stop());
            String summary = StampCli.summaryOf(out);
            assertEquals(100, StampCli.field(summary, null, "received"), p + ": " + summary);
            long forward = StampCli.field(summary, "forward", "median_ns");
            long backward = StampCli.field(summary, "backward", "median_ns");
            long rtt = StampCli.field(summary, "rtt", "median_ns");
            System.out.printf("%s: medians forward %d ns, backward %d ns, round trip %d ns%n", p, forward, backward, rtt);
            assertEquals(5 * MS, forward, 100_000, p + ": forward median");
            assertTrue(backward >= 0 && backward < 300_000, p + ": backward median " + backward);
            assertTrue(rtt >= 5 * MS && rtt < 5 * MS + 300_000, p + ": round-trip median " + rtt);
            checkPlaneDidTheWork(p, summary, reflectorSummary, 100);
        }
    }

    /**
     * On the wire, between the ends and the transit node: the requests carry the forward SRH and a
     * checksum over the final destination; the replies go back along the return path, from the
     * reflector's address, with a checksum over the sender, exactly as long as their requests
     * (base packets and padded ones), T3 not T2, T1 and the SSID copied, the Session-Sender TTL
     * the hop limit the request arrived with.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("planes")
    void theWireCarriesTheSrhChecksumsAndSymmetricReplies(Planes p) throws Exception {
        TestEnv.requireNetns(TestEnv.DELAY_LINE_OBJECT);
        Path dir = Files.createTempDirectory("stampd-perm-wire");
        try (Testbed tb = Testbed.up(0, 0)) {
            Reflector reflector = StampCli.startReflector(tb, p.reflectorArgs(tb));
            Process fromSender = StampCli.startCapture(tb, tb.transitNs(), "trn0", dir.resolve("trn0.pcap"));
            Process toReflector = StampCli.startCapture(tb, tb.transitNs(), "trn1", dir.resolve("trn1.pcap"));
            // ICMPv6 errors (type < 128) from either end: an end whose kernel also saw the packets
            // (af-packet) must not answer them with port unreachable.
            Process icmpErrors = StampCli.startCapture(tb, tb.transitNs(), "any", dir.resolve("icmp.pcap"),
                    "icmp6 and ip6[40] < 128");
            String base = probe(tb, p, Duration.ofSeconds(60), "--ssid", "4242", "--count", "30", "--interval", "10ms");
            String padded = probe(tb, p, Duration.ofSeconds(60), "--ssid", "4243", "--count", "30", "--interval", "10ms",
                    "--length", "300");
            Thread.sleep(300);
            StampCli.stop(fromSender);
            StampCli.stop(toReflector);
            StampCli.stop(icmpErrors);
            assertEquals(0, Pcap.frameCount(dir.resolve("icmp.pcap")), p + ": ICMPv6 errors on the way");
            String reflectorSummary = StampCli.summaryOf(reflector.stop());
            List<Pcap.Datagram> atTrn0 = Pcap.read(dir.resolve("trn0.pcap"));
            List<Pcap.Datagram> atTrn1 = Pcap.read(dir.resolve("trn1.pcap"));
            checkWire(p, tb, atTrn0, atTrn1, 4242, 44, 30);
            checkWire(p, tb, atTrn0, atTrn1, 4243, 300, 30);
            checkPlaneDidTheWork(p, StampCli.summaryOf(base), reflectorSummary, 30);
            checkPlaneDidTheWork(p, StampCli.summaryOf(padded), "", 30);
        } finally {
            try (var files = Files.list(dir)) {
                files.forEach(f -> f.toFile().delete());
            }
            Files.deleteIfExists(dir);
        }
    }

    private static byte[] ip(String a) throws Exception {
        return InetAddress.getByName(a).getAddress();
    }

    private static void checkWire(Planes p, Testbed tb, List<Pcap.Datagram> atTrn0, List<Pcap.Datagram> atTrn1,
                                  int ssid, int length, int count) throws Exception {
        byte[] sender = ip(tb.senderAddr());
        byte[] reflector = ip(tb.reflectorAddr());
        byte[] sid = ip(tb.transitSid());
        // Requests as they left the sender: to the End SID, SRH (reflector, SID), SL 1, hop limit 64.
        List<Pcap.Datagram> requestsOut = atTrn0.stream().filter(d -> d.dstPort() == 862
                && Pcap.u16(d.payload(), 14) == ssid).toList();
        assertEquals(count, requestsOut.size(), p + ": requests of ssid " + ssid + " leaving the sender");
        for (Pcap.Datagram d : requestsOut) {
            assertArrayEquals(sid, d.dst());
            assertEquals(1, d.srhSegmentsLeft());
            assertArrayEquals(reflector, d.srhSegments().get(0));
            assertArrayEquals(sid, d.srhSegments().get(1));
            assertEquals(64, d.hopLimit());
            assertEquals(length, d.payload().length);
            assertTrue(d.checksumValid(), p + ": request checksum over the final destination");
        }
        // Requests as the reflector got them (after End: SL 0, one hop less) and its replies.
        List<Pcap.Datagram> requestsIn = atTrn1.stream().filter(d -> d.dstPort() == 862
                && Pcap.u16(d.payload(), 14) == ssid).toList();
        List<Pcap.Datagram> repliesOut = atTrn1.stream().filter(d -> d.srcPort() == 862
                && Pcap.u16(d.payload(), 14) == ssid).toList();
        assertEquals(count, requestsIn.size(), p + ": requests reaching the reflector");
        assertEquals(count, repliesOut.size(), p + ": replies, one per request");
        for (Pcap.Datagram reply : repliesOut) {
            Pcap.Datagram request = requestsIn.stream()
                    .filter(q -> Pcap.u32(q.payload(), 0) == Pcap.u32(reply.payload(), 24)).findFirst()
                    .orElseThrow(() -> new AssertionError(p + ": reply without request"));
            assertArrayEquals(reflector, reply.src(), p + ": reply source");
            assertEquals(64, reply.hopLimit(), p + ": the reply leaves with the interface's hop limit");
            assertArrayEquals(sid, reply.dst(), p + ": reply to the return path's first segment");
            assertEquals(1, reply.srhSegmentsLeft());
            assertArrayEquals(sender, reply.srhSegments().get(0), p + ": reply's final destination");
            assertArrayEquals(sid, reply.srhSegments().get(1));
            assertTrue(reply.checksumValid(), p + ": reply checksum over the final destination");
            assertNotEquals(0, Pcap.checksum(reply.src(), reply.dst(), reply.udp()),
                    p + ": the reply checksum must not verify with the first segment");
            assertEquals(request.udpLength(), reply.udpLength(), p + ": reply size = request size");
            assertFalse(Arrays.equals(Arrays.copyOfRange(reply.payload(), 4, 12),
                    Arrays.copyOfRange(reply.payload(), 16, 24)), p + ": T3 differs from T2");
            assertEquals(request.hopLimit(), Pcap.u8(reply.payload(), 40), p + ": Session-Sender TTL = received hop limit");
            assertArrayEquals(Arrays.copyOfRange(request.payload(), 4, 12),
                    Arrays.copyOfRange(reply.payload(), 28, 36), p + ": T1 copied");
            assertArrayEquals(Arrays.copyOfRange(request.payload(), 12, 14),
                    Arrays.copyOfRange(reply.payload(), 36, 38), p + ": the sender's Error Estimate copied");
            assertEquals(0, Pcap.u8(reply.payload(), 41) | Pcap.u16(reply.payload(), 42) | Pcap.u16(reply.payload(), 38),
                    p + ": MBZ octets zero");
            for (int at = 44; at + 4 <= reply.payload().length; ) {
                assertEquals(1, Pcap.u8(reply.payload(), at + 1), p + ": Extra Padding TLV");
                assertEquals(0, Pcap.u8(reply.payload(), at), p + ": an understood TLV has its flags cleared");
                at += 4 + Pcap.u16(reply.payload(), at + 2);
            }
        }
        assertEquals(63, requestsIn.getFirst().hopLimit(), "one SRv6 hop on the way");
    }

    /**
     * Class of Service through every pair of planes (RFC 8972 §4.4, draft-ietf-ippm-stamp-cos-ecn):
     * test packets sent DSCP 10 ECT(0) arrive so (DSCP2, ECN2), the replies carry the DSCP 46 and
     * ECT(1) asked for (RPD 0, RPE 0b11) and arrive so; nothing re-marks on a clean test bed. The
     * TLV takes both ends' in-kernel planes out of the path (user space answers and reads it).
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("planes")
    void classOfServiceMarksBothPathsAsAsked(Planes p) throws Exception {
        TestEnv.requireNetns(TestEnv.DELAY_LINE_OBJECT);
        try (Testbed tb = Testbed.up(0, 0)) {
            Reflector reflector = StampCli.startReflector(tb, p.reflectorArgs(tb));
            String summary = StampCli.summaryOf(probe(tb, p, Duration.ofSeconds(60), "--count", "20", "--interval",
                    "10ms", "--dscp", "10", "--ecn", "ect0", "--cos", "46,ect1"));
            reflector.stop();
            assertEquals(20, StampCli.field(summary, null, "received"), p + ": " + summary);
            assertEquals(20, StampCli.field(summary, "class_of_service", "replies"), p + ": " + summary);
            assertEquals(10, StampCli.field(summary, "class_of_service", "last_forward_dscp"), p + ": " + summary);
            assertEquals(46, StampCli.field(summary, "class_of_service", "last_reply_dscp"), p + ": " + summary);
            assertTrue(summary.matches("(?s).*\"last_forward_ecn\"\\s*:\\s*\"ect0\".*"), p + ": " + summary);
            assertTrue(summary.matches("(?s).*\"last_reply_ecn\"\\s*:\\s*\"ect1\".*"), p + ": " + summary);
            for (String changedOrRefused : List.of("forward_dscp_changed", "forward_ecn_changed", "reply_dscp_refused",
                    "reply_ecn_refused", "reply_ecn_not_supported", "backward_dscp_changed", "backward_ecn_changed")) {
                assertEquals(0, StampCli.field(summary, "class_of_service", changedOrRefused),
                        p + ": " + changedOrRefused + " in " + summary);
            }
        }
    }

    /** RFC 8972 §3: packets of an SSID no session is provisioned for get no reply and are counted. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("planes")
    void unprovisionedSessionsGetNoReplyAndAreCounted(Planes p) throws Exception {
        TestEnv.requireNetns(TestEnv.DELAY_LINE_OBJECT);
        try (Testbed tb = Testbed.up(0, 0)) {
            Reflector reflector = StampCli.startReflector(tb, p.reflectorArgs(tb, "--ssid", "7"));
            List<String> cmd = new ArrayList<>(List.of(tb.stampd(), "probe", "--json", "--segments",
                    String.join(",", tb.forwardSegments()), "--ssid", "8", "--count", "20", "--interval", "5ms",
                    "--timeout", "500ms"));
            cmd.addAll(Arrays.asList(p.senderArgs(tb)));
            Testbed.Result probe = tb.exec(Duration.ofSeconds(30), tb.senderNs(), cmd.toArray(String[]::new));
            assertEquals(1, probe.exitCode(), p + ": no reply at all: exit 1");
            assertEquals(0, StampCli.field(StampCli.summaryOf(probe.stdout()), null, "received"));
            String summary = StampCli.summaryOf(reflector.stop());
            assertEquals(20, StampCli.field(summary, null, "unmatched"), p + ": " + summary);
            assertEquals(0, StampCli.field(summary, null, "reflected"));
        }
    }

    /** 10 % loss on the forward link with a stateful reflector: the loss is measured and is forward loss. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("planes")
    void statefulLossIsForwardLoss(Planes p) throws Exception {
        TestEnv.requireNetns(TestEnv.DELAY_LINE_OBJECT);
        try (Testbed tb = Testbed.up(0, 10)) {
            Reflector reflector = StampCli.startReflector(tb, p.reflectorArgs(tb, "--stateful"));
            String summary = StampCli.summaryOf(probe(tb, p, Duration.ofSeconds(60), "--count", "1000", "--interval",
                    "1ms", "--timeout", "1s"));
            String reflectorSummary = StampCli.summaryOf(reflector.stop());
            assertEquals(1000, StampCli.field(summary, null, "sent"));
            long lost = StampCli.field(summary, null, "lost");
            assertEquals(100, lost, 40, p + ": round-trip loss of 1000 packets at 10 %: " + lost);
            assertEquals(lost, StampCli.field(summary, null, "forward_lost"), 2, p + ": " + summary);
            assertEquals(0, StampCli.field(summary, null, "backward_lost"), 2, p + ": " + summary);
            checkPlaneDidTheWork(p, summary, reflectorSummary, 1000 - lost);
        }
    }

    /**
     * {@code stampd reflect --rate-limit 200/20 --per-source-limit 400/40} (issue 14), flooded with
     * 2,000 packets/s for 2 s by {@code stampd flood}: the source limit drops what is over 400/s,
     * the session limit what is over 200/s of the rest, every packet received is reflected or
     * counted as dropped by one limit, and the sender gets exactly the replies counted. On the
     * socket plane only (the CLI's options; the limits of the core that the socket and af-packet
     * planes share and the XDP program's own are run, with HMAC failures, on each plane through the
     * agent by ReflectorRateLimitNetnsTest).
     */
    @Test
    void reflectRateLimitsItsAnswers() throws Exception {
        TestEnv.requireNetns(TestEnv.DELAY_LINE_OBJECT);
        Planes p = new Planes("socket", "socket");
        try (Testbed tb = Testbed.up(0, 0)) {
            Reflector reflector = StampCli.startReflector(tb, p.reflectorArgs(tb, "--rate-limit", "200/20",
                    "--per-source-limit", "400/40"));
            String flood = StampCli.summaryOf(tb.exec(Duration.ofSeconds(30), tb.senderNs(), tb.stampd(), "flood",
                    "--reflector", tb.reflectorAddr(), "--source", tb.senderAddr(), "--segments",
                    String.join(",", tb.forwardSegments()), "--rate", "2000", "--duration", "2s", "--drain", "300ms")
                    .requireSuccess().stdout());
            String summary = StampCli.summaryOf(reflector.stop());
            long sent = StampCli.field(flood, null, "sent");
            double seconds = Double.parseDouble(flood.replaceAll(".*\"send_s\":([0-9.]+).*", "$1"));
            long received = StampCli.field(summary, null, "received");
            long reflected = StampCli.field(summary, null, "reflected");
            long sessionLimited = StampCli.field(summary, null, "rate_limited");
            long sourceLimited = StampCli.field(summary, null, "source_rate_limited");
            assertEquals(sent, received, p + ": every test packet arrives (no loss on the line): " + summary);
            assertEquals(received, reflected + sessionLimited + sourceLimited, p + ": each packet answered or"
                    + " dropped by one limit: " + summary);
            assertEquals(0, StampCli.field(summary, null, "rejected"), summary);
            RateLimitBounds.check(p + ", session limit 200/s burst 20", 200, 20, seconds, reflected, summary);
            RateLimitBounds.check(p + ", source limit 400/s burst 40", 400, 40, seconds, received - sourceLimited,
                    summary);
            assertEquals(reflected, StampCli.field(flood, null, "received"), 2, p + ": replies reach the sender: "
                    + flood);
        }
    }

    /**
     * IPv4 (issue 13), where it runs: socket sender and socket reflector over the test bed's IPv4
     * addresses, the reflector session bound to the sender's IPv4 address, stateful, 10 % loss on
     * the forward link: every packet is accounted for and the loss is forward loss; an IPv6 probe
     * to the same reflector matches no session. The af-packet and xdp planes refuse an IPv4
     * session before they open, at either end.
     */
    @Test
    void ipv4RunsOnTheSocketPlanesAndTheOtherPlanesRefuseIt() throws Exception {
        TestEnv.requireNetns(TestEnv.DELAY_LINE_OBJECT);
        try (Testbed tb = Testbed.up(0, 10)) {
            for (String plane : List.of("af-packet", "xdp")) {
                Testbed.Result refused = tb.exec(Duration.ofSeconds(30), tb.senderNs(), tb.stampd(), "probe",
                        "--reflector", tb.reflectorAddr4(), "--count", "5", "--data-plane", plane, "--dev",
                        tb.senderDev());
                assertEquals(2, refused.exitCode(), plane + " sender: " + refused);
                assertTrue(refused.stderr().contains("--reflector " + tb.reflectorAddr4() + " is IPv4, which"
                        + " --data-plane " + plane + " does not support: IPv4 is supported on the socket data plane"
                        + " only"), refused.stderr());
                refused = tb.exec(Duration.ofSeconds(30), tb.reflectorNs(), tb.stampd(), "reflect", "--sender",
                        tb.senderAddr4(), "--data-plane", plane, "--dev", tb.reflectorDev());
                assertEquals(2, refused.exitCode(), plane + " reflector: " + refused);
                assertTrue(refused.stderr().contains("IPv4 is supported on the socket data plane only"),
                        refused.stderr());
            }
            Process rp = tb.start(tb.reflectorNs(), tb.stampd(), "reflect", "--json", "--stateful", "--sender",
                    tb.senderAddr4(), "--source", tb.reflectorAddr4());
            BufferedReader rout = new BufferedReader(new InputStreamReader(rp.getInputStream(), StandardCharsets.UTF_8));
            String ready = rout.readLine();
            assertTrue(ready != null && ready.contains("\"ready\""), "IPv4 reflector did not start: " + ready);
            Reflector reflector = new Reflector(rp, rout);
            String summary = StampCli.summaryOf(tb.exec(Duration.ofSeconds(60), tb.senderNs(), tb.stampd(), "probe",
                    "--json", "--reflector", tb.reflectorAddr4(), "--source", tb.senderAddr4(), "--count", "1000",
                    "--interval", "1ms", "--timeout", "1s").requireSuccess().stdout());
            Testbed.Result ipv6 = tb.exec(Duration.ofSeconds(30), tb.senderNs(), tb.stampd(), "probe", "--json",
                    "--reflector", tb.reflectorAddr(), "--count", "20", "--interval", "5ms", "--timeout", "300ms");
            String reflectorSummary = StampCli.summaryOf(reflector.stop());
            assertEquals(1000, StampCli.field(summary, null, "sent"));
            long lost = StampCli.field(summary, null, "lost");
            assertEquals(100, lost, 40, "IPv4 round-trip loss of 1000 packets at 10 %: " + summary);
            assertEquals(1000 - lost, StampCli.field(summary, null, "received"), summary);
            assertEquals(lost, StampCli.field(summary, null, "forward_lost"), 2, summary);
            assertEquals(0, StampCli.field(summary, null, "backward_lost"), 2, summary);
            assertEquals(1000 - lost, StampCli.field(reflectorSummary, null, "reflected"), 2, reflectorSummary);
            assertEquals(1, ipv6.exitCode(), "an IPv6 probe gets no reply from the IPv4 session: " + ipv6);
            // 20 through the line's 10 % loss: more than 10 lost has a chance of about 1e-6 (5 packets
            // with >= 4 required failed once in CI: two of five lost).
            assertTrue(StampCli.field(reflectorSummary, null, "unmatched") >= 10, "the IPv6 test packets (of 20, less"
                    + " the line's loss) matched no session: " + reflectorSummary);
        }
    }

    /**
     * With --no-accept-short (the strict reflector; TwampLightSenderTest and TwampLightXdpNetnsTest
     * cover the default), datagrams shorter than a base packet get no reply (a reply would be
     * longer) and are counted malformed; a base packet with a malformed TLV gets a reply of its length with M set; and the
     * reflector then still answers a probe.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("planes")
    void malformedInputIsCountedAndAnsweredAsTheRfcSays(Planes p) throws Exception {
        TestEnv.requireNetns(TestEnv.DELAY_LINE_OBJECT);
        try (Testbed tb = Testbed.up(0, 0)) {
            Reflector reflector = StampCli.startReflector(tb, p.reflectorArgs(tb, "--no-accept-short"));
            Inet6Address reflectorAddress = (Inet6Address) InetAddress.getByName(tb.reflectorAddr());
            Inet6Address senderAddress = (Inet6Address) InetAddress.getByName(tb.senderAddr());
            ByteBuffer tlvReply = NetNamespace.callIn(tb.senderNs(), () -> {
                try (DatagramChannel ch = DatagramChannel.open(StandardProtocolFamily.INET6)) {
                    ch.bind(new InetSocketAddress(senderAddress, 0));
                    InetSocketAddress to = new InetSocketAddress(reflectorAddress, 862);
                    for (int n = 0; n < 44; n++) {
                        ch.send(ByteBuffer.allocate(n), to);
                    }
                    // A base packet, then a TLV whose length runs past the packet.
                    ByteBuffer bad = ByteBuffer.allocate(52);
                    bad.putInt(0, 7).putShort(14, (short) 1);
                    bad.put(44, (byte) 0x80).put(45, (byte) 1).putShort(46, (short) 40);
                    ch.send(bad, to);
                    ch.configureBlocking(false);
                    ByteBuffer in = ByteBuffer.allocate(2048);
                    long deadline = System.nanoTime() + 3_000_000_000L;
                    while (System.nanoTime() < deadline) {
                        if (ch.receive(in) != null) {
                            return in.flip();
                        }
                        Thread.sleep(5);
                    }
                    return null;
                }
            });
            if (tlvReply == null) {
                throw new AssertionError(p + ": the base packet with a malformed TLV got no reply; reflector: "
                        + reflector.stop());
            }
            assertEquals(52, tlvReply.remaining(), p + ": reply as long as the request");
            assertEquals(7, tlvReply.getInt(24), p + ": the sender's sequence number");
            assertEquals(0x40, tlvReply.get(44) & 0x40, p + ": M set on the malformed TLV");
            String summary = StampCli.summaryOf(probe(tb, p, Duration.ofSeconds(30), "--count", "10", "--interval",
                    "5ms"));
            assertEquals(10, StampCli.field(summary, null, "received"), p + ": answers after the malformed input");
            String reflectorSummary = StampCli.summaryOf(reflector.stop());
            assertEquals(44, StampCli.field(reflectorSummary, null, "malformed"), p + ": " + reflectorSummary);
        }
    }

    /**
     * SIGTERM ends an endless probe and a reflector on the xdp plane: each prints its summary and
     * detaches its program, so the next program can attach to the interface.
     */
    @Test
    void sigtermDetachesTheXdpProgramsOfProbeAndReflect() throws Exception {
        TestEnv.requireNetns(TestEnv.DELAY_LINE_OBJECT);
        try (Testbed tb = Testbed.up(0, 0)) {
            Planes p = new Planes("xdp", "xdp");
            Reflector reflector = StampCli.startReflector(tb, p.reflectorArgs(tb));
            List<String> cmd = new ArrayList<>(List.of(tb.stampd(), "probe", "--json", "--source", tb.senderAddr(),
                    "--segments", String.join(",", tb.forwardSegments()), "--count", "0", "--interval", "10ms",
                    "--stats-interval", "50ms"));
            cmd.addAll(Arrays.asList(p.senderArgs(tb)));
            Process probeProcess = tb.start(tb.senderNs(), cmd.toArray(String[]::new));
            BufferedReader probeOut = new BufferedReader(new InputStreamReader(probeProcess.getInputStream(),
                    StandardCharsets.UTF_8));
            // Running: counters lines with replies in them.
            long deadline = System.nanoTime() + 20_000_000_000L;
            long received = 0;
            for (String l; received == 0 && System.nanoTime() < deadline && (l = probeOut.readLine()) != null; ) {
                if (l.contains("\"type\":\"counters\"")) {
                    received = StampCli.field(l, null, "received");
                }
            }
            assertTrue(received > 0, "the probe got replies before it was stopped");
            assertTrue(tb.xdpProgramOn(tb.senderNs(), tb.senderDev()) != 0, "the probe attached its program");
            assertTrue(tb.xdpProgramOn(tb.reflectorNs(), tb.reflectorDev()) != 0, "the reflector attached its program");

            probeProcess.toHandle().destroy();
            assertTrue(probeProcess.waitFor(10, TimeUnit.SECONDS));
            StringBuilder rest = new StringBuilder();
            for (String l; (l = probeOut.readLine()) != null; ) {
                rest.append(l).append('\n');
            }
            String probeSummary = StampCli.summaryOf(rest.toString());
            assertTrue(StampCli.field(probeSummary, null, "received") >= received, probeSummary);
            String reflectorSummary = StampCli.summaryOf(reflector.stop());
            assertTrue(StampCli.field(reflectorSummary, null, "in_kernel") > 0, reflectorSummary);

            assertEquals(0, tb.xdpProgramOn(tb.senderNs(), tb.senderDev()), "SIGTERM detached the probe's program");
            assertEquals(0, tb.xdpProgramOn(tb.reflectorNs(), tb.reflectorDev()),
                    "SIGTERM detached the reflector's program");
        }
    }
}
