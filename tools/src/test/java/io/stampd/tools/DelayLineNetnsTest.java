package io.stampd.tools;

import io.stampd.tools.testing.TestEnv;
import io.stampd.tools.testing.Testbed;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The XDP delay line in a real test bed: delay and loss as ping sees them, the counters, changing
 * settings on the attached program, detaching, and that the test bed leaves nothing behind.
 */
@Tag("netns")
class DelayLineNetnsTest {
    private static final Pattern RTT = Pattern.compile("time=([0-9.]+) ms");
    private static final Pattern SUMMARY = Pattern.compile("(\\d+) packets transmitted, (\\d+) received");

    @Test
    void delayAndLossShowInPingAndCounters() {
        TestEnv.requireNetns();
        String id;
        try (Testbed tb = Testbed.up(0, 0)) {
            id = tb.id();
            assertEquals(List.of(tb.transitSid(), tb.reflectorAddr()), tb.forwardSegments());

            Map<String, String> before = show(tb);
            // The unimpaired path is the fastest 0-delay round trip. Comparing medians would leave
            // tens of µs of jitter from both runs in the difference, in either direction; the bounds
            // below allow 0.1 ms of ping's own jitter under the delay.
            List<Double> baselineRtts = rttsMs(tb, 20, "0.05");
            double baseline = baselineRtts.getFirst();
            Map<String, String> afterBaseline = show(tb);
            // Proves the echo requests went through the delay line (echo is subject to it) and were all passed.
            assertTrue(counter(afterBaseline, "PACKETS_SEEN") - counter(before, "PACKETS_SEEN") >= 20,
                    "delay line saw too few packets: " + before + " -> " + afterBaseline);
            assertEquals(counter(afterBaseline, "PACKETS_SEEN") - counter(before, "PACKETS_SEEN"),
                    counter(afterBaseline, "PACKETS_PASSED") - counter(before, "PACKETS_PASSED"));

            tb.set(5000, 0);
            assertEquals("5000", show(tb).get("DELAY_US"));
            double added5 = median(rttsMs(tb, 20, "0.05")) - baseline;
            System.out.printf("delay line 5 ms: baseline RTT min %.3f ms, median %.3f ms; added %.3f ms%n",
                    baseline, median(baselineRtts), added5);
            assertTrue(added5 >= 4.9 && added5 < 6.0, "5 ms delay line added " + added5 + " ms to the RTT");

            tb.set(1000, 0);
            double added1 = median(rttsMs(tb, 20, "0.05")) - baseline;
            System.out.printf("delay line 1 ms: added %.3f ms%n", added1);
            assertTrue(added1 >= 0.9 && added1 < 2.0, "1 ms delay line added " + added1 + " ms to the RTT");

            tb.set(0, 50);
            Map<String, String> beforeLoss = show(tb);
            assertEquals("500000", beforeLoss.get("LOSS_PPM"));
            int[] sentReceived = pingCount(tb, 200, "0.01");
            Map<String, String> afterLoss = show(tb);
            double loss = 1.0 - (double) sentReceived[1] / sentReceived[0];
            System.out.printf("delay line 50%% loss: %d of %d echo requests lost (%.1f%%)%n",
                    sentReceived[0] - sentReceived[1], sentReceived[0], loss * 100);
            assertEquals(200, sentReceived[0]);
            assertTrue(loss >= 0.38 && loss <= 0.62, "50% loss setting lost " + loss * 100 + "%");
            // Replies take the return link, which has no delay line, so every loss is a drop here.
            assertEquals(sentReceived[0] - sentReceived[1],
                    counter(afterLoss, "PACKETS_DROPPED") - counter(beforeLoss, "PACKETS_DROPPED"));
            assertEquals(0, counter(afterLoss, "PACKETS_WAIT_EXHAUSTED"));
        }
        assertTrue(namespacesOf(id).isEmpty(), "left behind: " + namespacesOf(id));
    }

    @Test
    void detachesAndReattachesInGenericMode() {
        TestEnv.requireNetns();
        try (Testbed tb = Testbed.up(0, 0)) {
            String rfl = tb.delayNs();
            String dev = tb.delayDev();
            assertEquals("native", show(tb).get("MODE"));

            Testbed.Result again = tb.exec(rfl, tb.stampd(), "delay-line", "attach", "--dev", dev);
            assertEquals(1, again.exitCode());
            assertTrue(again.stderr().contains("already has XDP program 'delay_line'"), again.stderr());

            tb.exec(rfl, tb.stampd(), "delay-line", "detach", "--dev", dev).requireSuccess();
            Testbed.Result gone = tb.exec(rfl, tb.stampd(), "delay-line", "show", "--dev", dev);
            assertEquals(1, gone.exitCode());
            assertTrue(gone.stderr().contains("no delay_line XDP program is attached to " + dev), gone.stderr());
            assertFalse(tb.exec(rfl, "ip", "link", "show", dev).requireSuccess().stdout().contains("xdp"));

            tb.exec(rfl, tb.stampd(), "delay-line", "attach", "--dev", dev, "--mode", "generic",
                    "--delay-us", "250", "--loss-pct", "0.5").requireSuccess();
            Map<String, String> shown = show(tb);
            assertEquals("generic", shown.get("MODE"));
            assertEquals("250", shown.get("DELAY_US"));
            assertEquals("0.5", shown.get("LOSS_PCT"));
            assertEquals("5000", shown.get("LOSS_PPM"));
            assertTrue(tb.exec(rfl, "ip", "link", "show", dev).requireSuccess().stdout().contains("xdpgeneric"));

            tb.exec(rfl, tb.stampd(), "delay-line", "set", "--dev", dev, "--delay-us", "300").requireSuccess();
            Map<String, String> updated = show(tb);
            assertEquals("300", updated.get("DELAY_US"));
            assertEquals("0.5", updated.get("LOSS_PCT"), "set must keep the loss it was not given");

            Testbed.Result elsewhere = tb.exec(tb.senderNs(), tb.stampd(), "delay-line", "set",
                    "--dev", tb.senderDev(), "--delay-us", "1");
            assertEquals(1, elsewhere.exitCode());
            assertTrue(elsewhere.stderr().contains("no delay_line XDP program is attached to " + tb.senderDev()),
                    elsewhere.stderr());
        }
    }

    private static Map<String, String> show(Testbed tb) {
        return tb.exec(tb.delayNs(), tb.stampd(), "delay-line", "show", "--dev", tb.delayDev())
                .requireSuccess().keyValues();
    }

    private static long counter(Map<String, String> shown, String key) {
        String value = shown.get(key);
        if (value == null) {
            throw new AssertionError("delay-line show printed no " + key + ": " + shown);
        }
        return Long.parseLong(value);
    }

    /** Round-trip times of a ping run, sorted ascending; at least 3/4 of the requests must be answered. */
    private static List<Double> rttsMs(Testbed tb, int count, String interval) {
        String out = tb.exec(tb.senderNs(), "ping", "-6", "-n", "-c", Integer.toString(count), "-i", interval,
                "-W", "2", tb.reflectorAddr()).stdout();
        List<Double> rtts = new ArrayList<>();
        Matcher m = RTT.matcher(out);
        while (m.find()) {
            rtts.add(Double.parseDouble(m.group(1)));
        }
        assertTrue(rtts.size() >= count * 3 / 4, "too few ping replies (" + rtts.size() + " of " + count + "): " + out);
        rtts.sort(null);
        return rtts;
    }

    private static double median(List<Double> sorted) {
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    /** {transmitted, received} of a quiet ping run. */
    private static int[] pingCount(Testbed tb, int count, String interval) {
        String out = tb.exec(tb.senderNs(), "ping", "-6", "-n", "-q", "-c", Integer.toString(count), "-i", interval,
                "-W", "2", tb.reflectorAddr()).stdout();
        Matcher m = SUMMARY.matcher(out);
        assertTrue(m.find(), "no ping summary in: " + out);
        return new int[] {Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2))};
    }

    private static List<String> namespacesOf(String id) {
        Path dir = Path.of("/run/netns");
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> entries = Files.list(dir)) {
            return entries.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("stb-" + id + "-")).toList();
        } catch (IOException e) {
            throw new AssertionError("cannot list /run/netns", e);
        }
    }
}
