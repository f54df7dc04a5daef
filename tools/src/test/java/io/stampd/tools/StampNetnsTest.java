package io.stampd.tools;

import io.stampd.tools.StampCli.Reflector;
import io.stampd.tools.testing.TestEnv;
import io.stampd.tools.testing.Testbed;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;

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
        String summary = StampCli.summaryOf(probe.stdout());
        assertEquals(200, StampCli.field(summary, null, "sent"));
        assertEquals(200, StampCli.field(summary, null, "received"), summary);
        assertEquals(0, StampCli.field(summary, null, "lost"));
        assertEquals(200, probe.stdout().lines().filter(l -> l.contains("\"type\":\"record\"")).count());
        if (TestEnv.kernelAtLeast(6, 13)) {
            assertEquals(200, StampCli.field(summary, null, "t1_kernel_transmit"), "T1 from kernel transmit timestamps: " + summary);
        }
        // Every reply but the first reports its predecessor's transmit time: allow a few mismatches.
        assertTrue(StampCli.field(summary, null, "t3_follow_up") >= 190, "T3 from Follow-Up Telemetry: " + summary);
        return new Medians(StampCli.field(summary, "forward", "median_ns"), StampCli.field(summary, "backward", "median_ns"),
                StampCli.field(summary, "rtt", "median_ns"));
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
            Reflector reflector = StampCli.startReflector(tb, "--busy-poll", "--stateful");
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
            Reflector reflector = StampCli.startReflector(tb);
            Process capSender = StampCli.startCapture(tb, tb.senderNs(), tb.senderDev(), dir.resolve("sender.pcap"));
            Process capReflector = StampCli.startCapture(tb, tb.reflectorNs(), tb.reflectorDev(), dir.resolve("reflector.pcap"));
            tb.exec(Duration.ofSeconds(60), tb.senderNs(), tb.stampd(), "probe", "--json",
                    "--source", tb.senderAddr(), "--segments", String.join(",", tb.forwardSegments()),
                    "--ssid", "4242", "--count", "50", "--interval", "10ms").requireSuccess();
            Thread.sleep(300);
            StampCli.stop(capSender);
            StampCli.stop(capReflector);
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
            assertNotEquals(0, Pcap.checksum(d.src(), d.dst(), d.udp()), "checksum must not verify with the SID");
            assertEquals(4242, Pcap.u16(d.payload(), 14), "SSID");
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
                    .filter(q -> Pcap.u32(q.payload(), 0) == Pcap.u32(reply.payload(), 24)).findFirst()
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
            assertEquals(request.hopLimit(), Pcap.u8(reply.payload(), 40), "Session-Sender TTL = received hop limit");
            assertEquals(Pcap.u16(request.payload(), 14), Pcap.u16(reply.payload(), 14), "SSID echoed");
            assertArrayEquals(Arrays.copyOfRange(request.payload(), 4, 12),
                    Arrays.copyOfRange(reply.payload(), 28, 36), "T1 copied");
        }
        assertEquals(63, requestsIn.getFirst().hopLimit(), "one SRv6 hop on the way");
    }

    @Test
    void tenPercentForwardLossIsMeasured() throws Exception {
        TestEnv.requireNetns(TestEnv.DELAY_LINE_OBJECT);
        try (Testbed tb = Testbed.up(0, 10)) {
            Reflector reflector = StampCli.startReflector(tb, "--stateful");
            Testbed.Result probe = tb.exec(Duration.ofSeconds(60), tb.senderNs(), tb.stampd(), "probe", "--json",
                    "--segments", String.join(",", tb.forwardSegments()), "--count", "1000", "--interval", "1ms",
                    "--timeout", "1s").requireSuccess();
            reflector.stop();
            String summary = StampCli.summaryOf(probe.stdout());
            assertEquals(1000, StampCli.field(summary, null, "sent"));
            long lost = StampCli.field(summary, null, "lost");
            assertEquals(100, lost, 40, "round-trip loss of 1000 packets at 10%: " + lost);
            // The reflector is stateful, so the loss is attributed to the forward direction.
            assertEquals(lost, StampCli.field(summary, null, "forward_lost"), 2);
            assertEquals(0, StampCli.field(summary, null, "backward_lost"), 2);
        }
    }

    @Test
    void unprovisionedSessionsGetNoReplyAndAreCounted() throws Exception {
        TestEnv.requireNetns(TestEnv.DELAY_LINE_OBJECT);
        try (Testbed tb = Testbed.up(0, 0)) {
            Reflector reflector = StampCli.startReflector(tb, "--ssid", "7");
            Testbed.Result probe = tb.exec(Duration.ofSeconds(30), tb.senderNs(), tb.stampd(), "probe", "--json",
                    "--segments", String.join(",", tb.forwardSegments()), "--ssid", "8", "--count", "20",
                    "--interval", "5ms", "--timeout", "500ms");
            assertEquals(1, probe.exitCode(), "no reply at all: exit 1");
            assertEquals(0, StampCli.field(StampCli.summaryOf(probe.stdout()), null, "received"));
            String summary = StampCli.summaryOf(reflector.stop());
            assertEquals(20, StampCli.field(summary, null, "unmatched"));
            assertEquals(0, StampCli.field(summary, null, "reflected"));
        }
    }
}
