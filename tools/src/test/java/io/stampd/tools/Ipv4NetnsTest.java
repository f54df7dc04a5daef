package io.stampd.tools;

import io.stampd.tools.testing.TestEnv;
import io.stampd.tools.testing.Testbed;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * STAMP over IPv4 through the test bed (issue 13): {@code stampd reflect} with its default
 * options (its dual-stack socket answers IPv4 too) in the reflector namespace, {@code stampd
 * probe} to the reflector's IPv4 address in the sender namespace, the XDP delay line on the
 * forward link. The wire is read back with tcpdump to show the test packets really are IPv4.
 */
@Tag("netns")
class Ipv4NetnsTest {
    private static final long MS = 1_000_000L;

    @Test
    void anIpv4ProbeAndReflectorMeasureTheDelayLine() throws Exception {
        TestEnv.requireNetns(TestEnv.DELAY_LINE_OBJECT);
        Path dir = Files.createTempDirectory("stampd-ipv4");
        Path pcap = dir.resolve("sender.pcap");
        try (Testbed tb = Testbed.up(5000, 0)) {
            Process reflector = tb.start(tb.reflectorNs(), tb.stampd(), "reflect", "--json");
            BufferedReader out = new BufferedReader(new InputStreamReader(reflector.getInputStream(),
                    StandardCharsets.UTF_8));
            String ready = out.readLine();
            assertTrue(ready != null && ready.contains("\"ready\""), "reflector did not start: " + ready);
            Process capture = StampCli.startCapture(tb, tb.senderNs(), tb.senderDev(), pcap, "ip and udp");

            Testbed.Result probe = tb.exec(Duration.ofSeconds(60), tb.senderNs(), tb.stampd(), "probe", "--json",
                    "--reflector", tb.reflectorAddr4(), "--source", tb.senderAddr4(), "--count", "100",
                    "--interval", "10ms", "--spin", "2ms", "--dscp", "34").requireSuccess();
            Thread.sleep(300);
            StampCli.stop(capture);
            reflector.toHandle().destroy();
            assertTrue(reflector.waitFor(10, java.util.concurrent.TimeUnit.SECONDS));

            String summary = StampCli.summaryOf(probe.stdout());
            System.out.println("IPv4 probe over the 5 ms line: " + summary);
            assertEquals(100, StampCli.field(summary, null, "sent"));
            assertEquals(100, StampCli.field(summary, null, "received"), summary);
            assertEquals(0, StampCli.field(summary, null, "lost"), summary);
            assertTrue(summary.contains("\"reflector\":\"" + tb.reflectorAddr4() + "\""), "dotted: " + summary);
            assertFalse(probe.stdout().contains("ffff"), "no IPv4-mapped address is shown: " + probe.stdout());
            long forward = StampCli.field(summary, "forward", "median_ns");
            long backward = StampCli.field(summary, "backward", "median_ns");
            // The line delays the forward link only; the rest of the path costs tens of microseconds
            // (two veth hops and forwarding in the transit node) plus the send paths.
            assertEquals(5 * MS, forward, 500_000, "forward median over the 5 ms line: " + summary);
            assertTrue(backward >= 0 && backward < MS, "backward median without a line: " + summary);
            // Replies cross the transit router: one hop less than the sender's TTL.
            List<String> records = probe.stdout().lines().filter(l -> l.contains("\"type\":\"record\"")).toList();
            assertEquals(100, records.size());
            assertTrue(records.stream().allMatch(l -> l.contains("\"ttl\":63")), "TTL 64 - 1 hop: " + records.getFirst());

            // What tcpdump saw on the sender's link: IPv4 test packets with DSCP 34 (TOS 0x88), and IPv4 replies.
            String wire = tb.exec(Duration.ofSeconds(20), tb.senderNs(), "tcpdump", "-r", pcap.toString(), "-n", "-v")
                    .requireSuccess().stdout();
            long requests = wire.lines().filter(l -> l.contains(tb.senderAddr4() + ".") && l.contains(
                    "> " + tb.reflectorAddr4() + ".862:")).count();
            long replies = wire.lines().filter(l -> l.contains(tb.reflectorAddr4() + ".862 > " + tb.senderAddr4()))
                    .count();
            assertEquals(100, requests, wire);
            assertEquals(100, replies, wire);
            // The reflector answers with the request's DSCP (no Class of Service TLV asks otherwise).
            assertEquals(200, wire.lines().filter(l -> l.contains("tos 0x88")).count(),
                    "test packets and replies with DSCP 34 (TOS 0x88): " + wire);
        } finally {
            Files.deleteIfExists(pcap);
            Files.deleteIfExists(dir);
        }
    }
}
