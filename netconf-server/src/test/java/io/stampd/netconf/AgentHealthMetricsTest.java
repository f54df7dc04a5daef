package io.stampd.netconf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.stampd.dataplane.session.Ipv6Addresses;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agent's health on the metrics endpoint: the NETCONF sessions open, read at each scrape, and
 * the JVM's and the process's series (heap, GC, threads, file descriptors), which promtool
 * accepts along with stampd's.
 */
class AgentHealthMetricsTest {
    private static final boolean CI = "true".equals(System.getenv("CI"));

    private static String scrape(MetricsEndpoint endpoint) throws Exception {
        var r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://[::1]:"
                + endpoint.address().getPort() + "/metrics")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), r.body());
        return r.body();
    }

    private static double value(String text, String series) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(series) + " (\\S+)$").matcher(text);
        assertTrue(m.find(), "no series " + series + " in\n" + text);
        return Double.parseDouble(m.group(1));
    }

    @Test
    void netconfSessionsAndTheJvmAreExposed(@TempDir Path dir) throws Exception {
        AtomicLong sessions = new AtomicLong(2);
        try (MetricsEndpoint endpoint = MetricsEndpoint.start(new MetricsSettings(Ipv6Addresses.parse("::1", "l"), 0),
                new AgentHealthMetrics(sessions::get))) {
            String text = scrape(endpoint);
            assertEquals(2, value(text, "stampd_netconf_sessions"));
            sessions.set(0);
            text = scrape(endpoint);
            assertEquals(0, value(text, "stampd_netconf_sessions"), "read at each scrape");

            assertTrue(value(text, "jvm_memory_used_bytes{area=\"heap\"}") > 0, text);
            assertTrue(value(text, "jvm_threads_current") >= 1, text);
            assertTrue(value(text, "process_open_fds") > 0, text);
            assertTrue(text.contains("\njvm_gc_collection_seconds_count{gc=\""), text);

            Path promtool = Path.of("/usr/bin/promtool");
            if (!Files.isExecutable(promtool)) {
                if (CI) {
                    throw new AssertionError("promtool is missing (Debian package prometheus, tools/lib/prereqs.sh)");
                }
                assumeTrue(false, "promtool is not installed (apt-get install prometheus)");
            }
            Path file = dir.resolve("metrics.txt");
            Files.writeString(file, text);
            Path out = dir.resolve("promtool.txt");
            Process p = new ProcessBuilder(List.of(promtool.toString(), "check", "metrics")).redirectErrorStream(true)
                    .redirectInput(file.toFile()).redirectOutput(out.toFile()).start();
            assertTrue(p.waitFor(60, TimeUnit.SECONDS), "promtool did not finish");
            String findings = Files.readString(out);
            assertEquals(0, p.exitValue(), "promtool check metrics:\n" + findings);
            assertEquals("", findings.strip(), "promtool's lint findings:\n" + findings);
        }
    }
}
