package io.stampd.tools;

import static io.stampd.tools.NetconfAgentNetnsTest.config;
import static io.stampd.tools.NetconfAgentNetnsTest.reflectorSession;
import static io.stampd.tools.NetconfAgentNetnsTest.senderSession;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stampd.tools.testing.Testbed;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real Prometheus server (Debian's {@code prometheus}) scrapes the sender agent every second
 * during a measurement over the SRv6 test bed, from inside the sender's namespace. The forward
 * (far-end) delay it stores matches the delay line: the base line measured with the line at 0,
 * plus the 5 ms it is then set to; and its mean-delay gauge matches the agent's own NETCONF
 * current-stats. {@code promtool check metrics} accepts a scrape taken during the measurement.
 */
@Tag("netns")
class PrometheusTestbedNetnsTest {
    private static final long MS = 1_000_000L;
    private static final long US = 1_000L;
    private static final int PROMETHEUS_PORT = 19090;
    private static final String STATS =
            "//s:stamp-state/s:stamp-session-sender-state/s:test-session-state[s:session-index=1]/s:current-stats";
    private static final String FORWARD = "{direction=\"forward\",session_id=\"1\"}";

    @TempDir
    Path dir;

    @BeforeAll
    static void prerequisites() throws Exception {
        LivenessNetnsTest.prerequisites();
        io.stampd.sys.TestMachine.require("Debian's prometheus and curl (tools/lib/prereqs.sh)",
                List.of("prometheus", "promtool", "curl").stream()
                        .filter(c -> io.stampd.sys.TestMachine.findCommand(c) == null).map(c -> "command '" + c + "'")
                        .toList());
    }

    /** Starts Prometheus in the sender's namespace, scraping the agent's endpoint there every second. */
    private Process startPrometheus(Testbed tb) throws Exception {
        Path config = dir.resolve("prometheus.yml");
        Files.writeString(config, """
                global:
                  scrape_interval: 1s
                  evaluation_interval: 1s
                scrape_configs:
                  - job_name: stampd
                    static_configs:
                      - targets: ['[::1]:%d']
                """.formatted(LivenessNetnsTest.METRICS_PORT));
        return tb.start(tb.senderNs(), "sh", "-c", "exec prometheus --config.file=\"$0\" --storage.tsdb.path=\"$1\""
                        + " --web.listen-address=\"[::1]:$2\" >\"$3\" 2>&1", config.toString(),
                dir.resolve("data").toString(), Integer.toString(PROMETHEUS_PORT),
                dir.resolve("prometheus.log").toString());
    }

    /** An instant query of Prometheus's HTTP API; the value of its only series, or NaN while it has none. */
    private double query(Testbed tb, Process prometheus, String promql) throws Exception {
        assertTrue(prometheus.isAlive(), "prometheus stopped:\n" + Files.readString(dir.resolve("prometheus.log")));
        Testbed.Result r = tb.exec(tb.senderNs(), "curl", "-sS", "--max-time", "10", "-G",
                "http://[::1]:" + PROMETHEUS_PORT + "/api/v1/query", "--data-urlencode", "query=" + promql);
        if (r.exitCode() != 0) {
            return Double.NaN; // not listening yet
        }
        String answer = r.stdout();
        assertTrue(answer.contains("\"status\":\"success\""), promql + ": " + answer);
        Matcher v = Pattern.compile("\"value\":\\[[0-9.]+,\"([^\"]+)\"\\]").matcher(answer);
        if (!v.find()) {
            return Double.NaN;
        }
        double value = Double.parseDouble(v.group(1));
        assertTrue(!v.find(), "one series expected for " + promql + ": " + answer);
        return value;
    }

    /** The query's value once Prometheus has one, polled for up to 30 s. */
    private double awaitValue(Testbed tb, Process prometheus, String promql) throws Exception {
        double v = Double.NaN;
        for (long deadline = System.nanoTime() + 30_000_000_000L; Double.isNaN(v) && System.nanoTime() < deadline; ) {
            v = query(tb, prometheus, promql);
            if (Double.isNaN(v)) {
                Thread.sleep(250);
            }
        }
        assertTrue(!Double.isNaN(v), "Prometheus has no value for " + promql + "\n"
                + Files.readString(dir.resolve("prometheus.log")));
        return v;
    }

    @Test
    void prometheusStoresTheDelayOfTheDelayLine() throws Exception {
        try (Testbed tb = Testbed.up(0, 0); var agents = LivenessNetnsTest.Agents.start(tb, dir)) {
            agents.reflector().client().commitOk(config(reflectorSession(tb)));
            NetconfClient snd = agents.sender().client();
            snd.commitOk(config(senderSession(tb, 1, 20, "")));
            Process prometheus = startPrometheus(tb);
            try {
                // The base line: the forward delay of the test bed itself (veth, SRv6 End, XDP).
                Thread.sleep(3000);
                long baseline = snd.get().number(STATS + "/s:one-way-delay-far-end/s:delay/s:avg");
                assertTrue(baseline > 0 && baseline < MS, "forward delay with the line at 0: " + baseline + " ns");

                tb.set(5000, 0);
                Thread.sleep(500); // packets in flight on the old setting are measured by now
                snd.rpc("<clear-statistics xmlns=\"" + NetconfClient.STAMP_NS
                        + "\"><stamp-session-id>1</stamp-session-id></clear-statistics>");
                long expected = baseline + 5 * MS;
                // Five scrapes after the change: a 4 s rate window holds none of the packets before it.
                Thread.sleep(6500);

                String scrape = LivenessNetnsTest.scrape(tb);
                Path text = dir.resolve("scrape.txt");
                Files.writeString(text, scrape);
                Process promtool = new ProcessBuilder("promtool", "check", "metrics").redirectErrorStream(true)
                        .redirectInput(text.toFile()).redirectOutput(dir.resolve("promtool.txt").toFile()).start();
                assertTrue(promtool.waitFor(60, TimeUnit.SECONDS), "promtool did not finish");
                String findings = Files.readString(dir.resolve("promtool.txt"));
                assertEquals(0, promtool.exitValue(), "promtool check metrics:\n" + findings);
                assertEquals("", findings.strip(), "promtool's lint findings:\n" + findings);

                double windowMean = awaitValue(tb, prometheus, "rate(stampd_sender_delay_seconds_sum" + FORWARD
                        + "[4s]) / rate(stampd_sender_delay_seconds_count" + FORWARD + "[4s])");
                double gaugeMean = awaitValue(tb, prometheus, "stampd_sender_delay_mean_seconds" + FORWARD);
                long netconfMean = snd.get().number(STATS + "/s:one-way-delay-far-end/s:delay/s:avg");
                String figures = "base line " + baseline + " ns, expected " + expected + " ns; Prometheus: mean over"
                        + " the last 4 s " + Math.round(windowMean * 1e9) + " ns, mean-delay gauge "
                        + Math.round(gaugeMean * 1e9) + " ns; NETCONF current-stats avg " + netconfMean + " ns";
                System.out.println(figures);
                assertEquals(expected, windowMean * 1e9, 300 * US, figures);
                assertEquals(expected, gaugeMean * 1e9, 300 * US, figures);
                // The gauge is the statistic current-stats shows, scraped up to a second earlier.
                assertEquals(netconfMean, gaugeMean * 1e9, 100 * US, figures);
            } finally {
                prometheus.destroy();
                if (!prometheus.waitFor(20, TimeUnit.SECONDS)) {
                    prometheus.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                }
            }
        }
    }
}
