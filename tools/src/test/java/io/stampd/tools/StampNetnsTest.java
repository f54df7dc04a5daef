package io.stampd.tools;

import io.stampd.tools.testing.TestEnv;
import io.stampd.tools.testing.Testbed;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * STAMP over a real SRv6 path: sender → transit (End SID) → reflector namespaces, with the XDP
 * delay line on the forward link. The CLI runs as separate processes; the wire is captured with
 * tcpdump and dissected by {@link Pcap}, independently of the codec.
 */
@Tag("netns")
class StampNetnsTest {
    private static final long MS = 1_000_000L;

    /** A reflector process and the reader of its standard output (whose first line was "ready"). */
    private record Reflector(Process process, BufferedReader out) {
        /** Stops it (SIGTERM) and returns the rest of what it printed. */
        String stop() throws IOException, InterruptedException {
            // ProcessHandle.destroy sends SIGTERM without closing our pipes (Process.destroy closes them).
            process.toHandle().destroy();
            assertTrue(process.waitFor(10, TimeUnit.SECONDS));
            StringBuilder sb = new StringBuilder();
            for (String l; (l = out.readLine()) != null; ) {
                sb.append(l).append('\n');
            }
            return sb.toString();
        }
    }

    /** Starts a reflector and waits for its "ready" line. */
    private static Reflector startReflector(Testbed tb, String... extra) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(tb.stampd(), "reflect", "--json", "--source", tb.reflectorAddr(),
                "--return-segments", String.join(",", tb.returnSegments())));
        cmd.addAll(Arrays.asList(extra));
        Process p = tb.start(tb.reflectorNs(), cmd.toArray(String[]::new));
        BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        String line = r.readLine();
        assertTrue(line != null && line.contains("\"ready\""), "reflector did not start: " + line + " "
                + new String(p.getErrorStream().readNBytes(Math.max(0, p.getErrorStream().available()))));
        return new Reflector(p, r);
    }

    private static Process startCapture(Testbed tb, String ns, String dev, Path file) throws Exception {
        // --immediate-mode: no TPACKET_V3 block batching, so nothing is left unread when it stops.
        Process p = tb.start(ns, "tcpdump", "--immediate-mode", "-i", dev, "-U", "-s", "0", "-n", "-w", file.toString(),
                "ip6 and not icmp6");
        BufferedReader err = new BufferedReader(new InputStreamReader(p.getErrorStream(), StandardCharsets.UTF_8));
        String line = err.readLine();
        assertTrue(line != null && line.contains("listening on"), "tcpdump did not start: " + line);
        return p;
    }

    private static void stop(Process p) throws InterruptedException {
        p.toHandle().descendants().forEach(ProcessHandle::destroy);
        p.destroy();
        assertTrue(p.waitFor(10, TimeUnit.SECONDS));
    }

    private static long field(String json, String object, String name) {
        String scope = json;
        if (object != null) {
            int i = json.indexOf("\"" + object + "\":{");
            assertTrue(i >= 0, "no " + object + " in " + json);
            scope = json.substring(i, json.indexOf('}', i));
        }
        Matcher m = Pattern.compile("\"" + Pattern.quote(name) + "\":(-?[0-9.]+)").matcher(scope);
        assertTrue(m.find(), "no " + name + " in " + scope);
        return (long) Double.parseDouble(m.group(1));
    }

    private static String summaryOf(String stdout) {
        return stdout.lines().filter(l -> l.contains("\"type\":\"summary\"")).findFirst()
                .orElseThrow(() -> new AssertionError("no summary in: " + stdout));
    }

    /** Medians of one probe run of 200 packets at 10 ms over the SRv6 path. */
    private record Medians(long forward, long backward, long roundTrip) {
        @Override
        public String toString() {
            return "forward " + forward + " ns, backward " + backward + " ns, round trip " + roundTrip + " ns";
        }
    }

    private static Medians probe200(Testbed tb) {
        Testbed.Result probe = tb.exec(Duration.ofSeconds(60), tb.senderNs(), tb.stampd(), "probe", "--json",
                "--source", tb.senderAddr(), "--segments", String.join(",", tb.forwardSegments()),
                "--count", "200", "--interval", "10ms", "--spin", "2ms", "--follow-up").requireSuccess();
        String summary = summaryOf(probe.stdout());
        assertEquals(200, field(summary, null, "sent"));
        assertEquals(200, field(summary, null, "received"), summary);
        assertEquals(0, field(summary, null, "lost"));
        assertEquals(200, probe.stdout().lines().filter(l -> l.contains("\"type\":\"record\"")).count());
        if (TestEnv.kernelAtLeast(6, 13)) {
            assertEquals(200, field(summary, null, "t1_kernel_transmit"), "T1 from kernel transmit timestamps: " + summary);
        }
        // Every reply but the first reports its predecessor's transmit time: allow a few mismatches.
        assertTrue(field(summary, null, "t3_follow_up") >= 190, "T3 from Follow-Up Telemetry: " + summary);
        return new Medians(field(summary, "forward", "median_ns"), field(summary, "backward", "median_ns"),
                field(summary, "rtt", "median_ns"));
    }

    /**
     * 200 packets at 10 ms over the SRv6 path with a 5 ms forward delay line: forward and
     * round-trip medians 5 ms ± 100 µs, backward below 200 µs, no loss (issue 2).
     *
     * <p>What makes the absolute bound hold on a 2-vCPU VM, where the path itself (two veth hops
     * and an End SID) costs 15-40 µs each way and a send system call 15-90 µs: T1 is the kernel's
     * transmit timestamp of the test packet, and T3 the kernel's transmit timestamp of the reply,
     * which a stateful reflector reports in the next reply's Follow-Up Telemetry (RFC 8972 §4.7). A run without the
     * line in the same test bed and minute goes into the messages, to tell a slow path from a
     * measurement error.
     */
    @Test
    void fiveMillisecondForwardDelayIsMeasuredOverTheSrv6Path() throws Exception {
        TestEnv.requireNetns(TestEnv.DELAY_LINE_OBJECT);
        try (Testbed tb = Testbed.up(0, 0)) {
            // Busy polling keeps the reflector's vCPU awake and the probe polls 2 ms before each send.
            Reflector reflector = startReflector(tb, "--busy-poll", "--stateful");
            Medians baseline = probe200(tb);
            tb.set(5000, 0);
            Medians delayed = probe200(tb);
            reflector.stop();

            String runs = "5 ms line: " + delayed + "; no line: " + baseline;
            System.out.println("StampNetnsTest medians, " + runs);
            assertEquals(5 * MS, delayed.forward(), 100_000, "forward median, " + runs);
            assertTrue(delayed.backward() >= 0 && delayed.backward() < 200_000, "backward median, " + runs);
            assertEquals(5 * MS, delayed.roundTrip(), 100_000, "round-trip median, " + runs);
        }
    }

    @Test
    void theWireCarriesTheSrhAChecksumOverTheFinalDestinationAndSymmetricReplies() throws Exception {
        TestEnv.requireNetns(TestEnv.DELAY_LINE_OBJECT);
        Path dir = Files.createTempDirectory("stampd-wire");
        try (Testbed tb = Testbed.up(0, 0)) {
            Reflector reflector = startReflector(tb);
            Process capSender = startCapture(tb, tb.senderNs(), tb.senderDev(), dir.resolve("sender.pcap"));
            Process capReflector = startCapture(tb, tb.reflectorNs(), tb.reflectorDev(), dir.resolve("reflector.pcap"));
            tb.exec(Duration.ofSeconds(60), tb.senderNs(), tb.stampd(), "probe", "--json",
                    "--source", tb.senderAddr(), "--segments", String.join(",", tb.forwardSegments()),
                    "--ssid", "4242", "--count", "50", "--interval", "10ms").requireSuccess();
            Thread.sleep(300);
            stop(capSender);
            stop(capReflector);
            reflector.stop();
            checkWire(tb, Pcap.read(dir.resolve("sender.pcap")), Pcap.read(dir.resolve("reflector.pcap")), 50);
        } finally {
            try (var files = Files.list(dir)) {
                files.forEach(f -> f.toFile().delete());
            }
            Files.deleteIfExists(dir);
        }
    }

    private static byte[] ip(String a) throws IOException {
        return InetAddress.getByName(a).getAddress();
    }

    private static void checkWire(Testbed tb, List<Pcap.Datagram> atSender, List<Pcap.Datagram> atReflector,
                                  int count) throws IOException {
        byte[] sender = ip(tb.senderAddr());
        byte[] reflector = ip(tb.reflectorAddr());
        byte[] sid = ip(tb.transitSid());

        // Requests leaving the sender: IPv6 destination is the first segment (the End SID), SRH
        // Segment List reversed (final segment first), Segments Left = Last Entry = 1, and a UDP
        // checksum that only verifies with the final destination in the pseudo-header.
        List<Pcap.Datagram> requestsOut = atSender.stream().filter(d -> d.dstPort() == 862).toList();
        assertEquals(count, requestsOut.size());
        for (Pcap.Datagram d : requestsOut) {
            assertArrayEquals(sid, d.dst());
            assertEquals(1, d.srhSegmentsLeft());
            assertEquals(1, d.srhLastEntry());
            assertArrayEquals(reflector, d.srhSegments().get(0));
            assertArrayEquals(sid, d.srhSegments().get(1));
            assertTrue(d.checksumValid(), "UDP checksum with the final destination");
            assertNotEquals(0, Pcap.checksum(d.src(), d.dst(), udpOf(d)), "checksum must not verify with the SID");
            assertEquals(4242, u16(d.payload(), 14), "SSID");
        }
        // Requests arriving at the reflector went through the End SID (SL 0) and lost a hop.
        List<Pcap.Datagram> requestsIn = atReflector.stream().filter(d -> d.dstPort() == 862).toList();
        List<Pcap.Datagram> repliesOut = atReflector.stream().filter(d -> d.srcPort() == 862).toList();
        assertEquals(count, requestsIn.size());
        assertEquals(count, repliesOut.size());
        for (Pcap.Datagram d : requestsIn) {
            assertArrayEquals(reflector, d.dst());
            assertEquals(0, d.srhSegmentsLeft());
            assertTrue(d.checksumValid());
        }
        for (int i = 0; i < repliesOut.size(); i++) {
            Pcap.Datagram reply = repliesOut.get(i);
            Pcap.Datagram request = requestsIn.stream()
                    .filter(q -> u32(q.payload(), 0) == u32(reply.payload(), 24)).findFirst()
                    .orElseThrow(() -> new AssertionError("reply without request"));
            // The reply goes back along the return path: SID first, sender last.
            assertArrayEquals(sid, reply.dst());
            assertEquals(1, reply.srhSegmentsLeft());
            assertArrayEquals(sender, reply.srhSegments().get(0));
            assertArrayEquals(reflector, reply.src());
            assertTrue(reply.checksumValid(), "reply UDP checksum with the final destination");
            assertEquals(request.udpLength(), reply.udpLength(), "reply size = request size");
            assertFalse(Arrays.equals(Arrays.copyOfRange(reply.payload(), 4, 12),
                    Arrays.copyOfRange(reply.payload(), 16, 24)), "T3 differs from T2");
            assertEquals(request.hopLimit(), u8(reply.payload(), 40), "Session-Sender TTL = received hop limit");
            assertEquals(u16(request.payload(), 14), u16(reply.payload(), 14), "SSID echoed");
            assertArrayEquals(Arrays.copyOfRange(request.payload(), 4, 12),
                    Arrays.copyOfRange(reply.payload(), 28, 36), "T1 copied");
        }
        assertEquals(63, requestsIn.getFirst().hopLimit(), "one SRv6 hop on the way");
    }

    private static byte[] udpOf(Pcap.Datagram d) {
        ByteBuffer b = ByteBuffer.allocate(8 + d.payload().length);
        b.putShort((short) d.srcPort()).putShort((short) d.dstPort()).putShort((short) d.udpLength())
                .putShort((short) d.udpChecksum()).put(d.payload());
        return b.array();
    }

    private static int u8(byte[] b, int i) {
        return b[i] & 0xFF;
    }

    private static int u16(byte[] b, int i) {
        return (u8(b, i) << 8) | u8(b, i + 1);
    }

    private static long u32(byte[] b, int i) {
        return ((long) u16(b, i) << 16) | u16(b, i + 2);
    }

    @Test
    void tenPercentForwardLossIsMeasured() throws Exception {
        TestEnv.requireNetns(TestEnv.DELAY_LINE_OBJECT);
        try (Testbed tb = Testbed.up(0, 10)) {
            Reflector reflector = startReflector(tb, "--stateful");
            Testbed.Result probe = tb.exec(Duration.ofSeconds(60), tb.senderNs(), tb.stampd(), "probe", "--json",
                    "--segments", String.join(",", tb.forwardSegments()), "--count", "1000", "--interval", "1ms",
                    "--timeout", "1s").requireSuccess();
            reflector.stop();
            String summary = summaryOf(probe.stdout());
            assertEquals(1000, field(summary, null, "sent"));
            long lost = field(summary, null, "lost");
            assertEquals(100, lost, 40, "round-trip loss of 1000 packets at 10%: " + lost);
            // The reflector is stateful, so the loss is attributed to the forward direction.
            assertEquals(lost, field(summary, null, "forward_lost"), 2);
            assertEquals(0, field(summary, null, "backward_lost"), 2);
        }
    }

    @Test
    void unprovisionedSessionsGetNoReplyAndAreCounted() throws Exception {
        TestEnv.requireNetns(TestEnv.DELAY_LINE_OBJECT);
        try (Testbed tb = Testbed.up(0, 0)) {
            Reflector reflector = startReflector(tb, "--ssid", "7");
            Testbed.Result probe = tb.exec(Duration.ofSeconds(30), tb.senderNs(), tb.stampd(), "probe", "--json",
                    "--segments", String.join(",", tb.forwardSegments()), "--ssid", "8", "--count", "20",
                    "--interval", "5ms", "--timeout", "500ms");
            assertEquals(1, probe.exitCode(), "no reply at all: exit 1");
            assertEquals(0, field(summaryOf(probe.stdout()), null, "received"));
            String summary = summaryOf(reflector.stop());
            assertEquals(20, field(summary, null, "unmatched"));
            assertEquals(0, field(summary, null, "reflected"));
        }
    }
}
