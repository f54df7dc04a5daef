package io.stampd.tools.plot;

import io.stampd.tools.testing.TestEnv;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The operator's path: {@code tools/stampd probe --json} against {@code tools/stampd reflect} on
 * this machine's loopback, its output saved to a file, then {@code tools/stampd plot} of it; the
 * PNG is read back and checked like {@link PlotCommandTest}'s. Tagged "packaged": it runs the launcher.
 */
@Tag("packaged")
class PlotFromProbeTest {
    @TempDir
    Path dir;

    private static String stampd() {
        return TestEnv.projectRoot().resolve("tools/stampd").toString();
    }

    private static int freeUdpPort() throws Exception {
        try (DatagramSocket s = new DatagramSocket(0, InetAddress.getByName("::1"))) {
            return s.getLocalPort();
        }
    }

    @Test
    void aRealProbeRunBecomesAPlot() throws Exception {
        int port = freeUdpPort();
        Process reflector = new ProcessBuilder(stampd(), "reflect", "--json", "--port", String.valueOf(port))
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        try {
            BufferedReader r = new BufferedReader(new InputStreamReader(reflector.getInputStream(),
                    StandardCharsets.UTF_8));
            String ready = r.readLine();
            assertTrue(ready != null && ready.contains("\"ready\""), "reflector did not start: " + ready);
            Path json = dir.resolve("probe.json");
            // 200 packets, 10 ms apart: two seconds, four 500 ms intervals
            Process probe = new ProcessBuilder(stampd(), "probe", "--reflector", "::1", "--port", String.valueOf(port),
                    "--count", "200", "--interval", "10ms", "--json").redirectOutput(json.toFile())
                    .redirectError(ProcessBuilder.Redirect.DISCARD).start();
            assertTrue(probe.waitFor(120, TimeUnit.SECONDS), "probe did not finish");
            assertEquals(0, probe.exitValue(), Files.readString(json));
        } finally {
            reflector.toHandle().destroy();
            if (!reflector.waitFor(10, TimeUnit.SECONDS)) {
                reflector.destroyForcibly();
            }
        }
        Path png = dir.resolve("probe.png");
        Process plot = new ProcessBuilder(stampd(), "plot", dir.resolve("probe.json").toString(), "--out",
                png.toString(), "--width", "1100", "--height", "650", "--interval", "500ms").redirectErrorStream(true)
                .start();
        String out = new String(plot.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(plot.waitFor(120, TimeUnit.SECONDS), "plot did not finish");
        assertEquals(0, plot.exitValue(), out);
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("wrote \\S+ \\((\\d+) measurements, 1100x650\\)")
                .matcher(out);
        // loopback loses nothing in practice; a few late replies would not change the figure
        assertTrue(m.find() && Integer.parseInt(m.group(1)) >= 190, out);
        PlotCommandTest.assertPlot(png, 1100, 650);
    }
}
