package io.stampd.tools.watch;

import io.stampd.tools.testing.TestEnv;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code tools/stampd watch --probe}: a probe session in the watch's own process against
 * {@code tools/stampd reflect} on loopback; after {@code --count} refreshes the last frame is left
 * as plain text, its row showing the probe's delays and sparkline. Tagged "packaged".
 */
@Tag("packaged")
class WatchProbeTest {
    private static final Pattern ROW = Pattern.compile("^\\s+1\\s+\\[::1\\]:(\\d+)\\s+active\\s+-\\s+(\\d+\\.\\d{3})"
            + "\\s+(\\d+\\.\\d{3})\\s+(\\d+\\.\\d{3})\\s+0\\.00\\s+([ ▁▂▃▄▅▆▇█]+)$", Pattern.MULTILINE);

    @Test
    void aProbeInTheWatchShowsItsDelays() throws Exception {
        String stampd = TestEnv.projectRoot().resolve("tools/stampd").toString();
        int port;
        try (DatagramSocket s = new DatagramSocket(0, InetAddress.getByName("::1"))) {
            port = s.getLocalPort();
        }
        Process reflector = new ProcessBuilder(stampd, "reflect", "--json", "--port", String.valueOf(port))
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        try {
            String ready = new BufferedReader(new InputStreamReader(reflector.getInputStream(), StandardCharsets.UTF_8))
                    .readLine();
            assertTrue(ready != null && ready.contains("\"ready\""), "reflector did not start: " + ready);
            ProcessBuilder pb = new ProcessBuilder(stampd, "watch", "--count", "4", "--probe", "--", "--reflector",
                    "::1", "--port", String.valueOf(port), "--interval", "20ms").redirectErrorStream(true);
            pb.environment().put("COLUMNS", "150");
            Process watch = pb.start();
            String out = new String(watch.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(watch.waitFor(120, TimeUnit.SECONDS), "watch did not finish");
            assertEquals(0, watch.exitValue(), out);
            // after the alternate screen is left, the last frame is printed plainly
            String last = out.substring(out.lastIndexOf(Terminal.LEAVE) + Terminal.LEAVE.length());
            assertTrue(last.startsWith("stampd watch: probe to [::1]:" + port + ", ssid 1, every 20000 us"), last);
            Matcher m = ROW.matcher(last);
            assertTrue(m.find(), "no probe row in the last frame:\n" + last);
            assertTrue(Double.parseDouble(m.group(4)) > 0, last);
            assertTrue(m.group(5).strip().length() >= 2, "sparkline of at least two refreshes: " + last);
        } finally {
            reflector.toHandle().destroy();
            if (!reflector.waitFor(10, TimeUnit.SECONDS)) {
                reflector.destroyForcibly();
            }
        }
    }
}
