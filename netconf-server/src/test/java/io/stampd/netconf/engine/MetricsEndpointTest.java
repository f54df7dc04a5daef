package io.stampd.netconf.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.stampd.dataplane.PlaneSettings;
import io.stampd.dataplane.node.NodeDataPlane;
import io.stampd.dataplane.session.Ipv6Addresses;
import io.stampd.dataplane.session.ReflectorSessionConfig;
import io.stampd.dataplane.session.SenderSessionConfig;
import io.stampd.dataplane.codec.TimestampFormat;
import io.stampd.netconf.MetricsEndpoint;
import io.stampd.netconf.MetricsSettings;
import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Prometheus endpoint over HTTP, in front of a real socket data plane measuring on ::1: a
 * stateful reflector and a sender at 10 ms. The exposition has the series of both sessions with
 * plausible values, {@code promtool check metrics} accepts it, and a real Prometheus server scraping
 * it every second answers a query for the delay series. promtool and prometheus come from the
 * Debian package {@code prometheus} (tools/lib/prereqs.sh); without them these checks are skipped,
 * except under CI=true, where that is a failure.
 */
class MetricsEndpointTest {
    private static final java.net.Inet6Address LOOPBACK = Ipv6Addresses.parse("::1", "loopback");
    private static final boolean CI = "true".equals(System.getenv("CI"));

    private NodeDataPlane plane;
    private SessionManager manager;
    private MetricsEndpoint endpoint;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeEach
    void measure() throws Exception {
        plane = NodeDataPlane.open(PlaneSettings.SOCKET);
        manager = new SessionManager(plane, new SessionEvents() {
            @Override
            public void stateChanged(Role role, long id, SessionState previous, SessionState next, String reason) {
            }

            @Override
            public void thresholdCrossed(ThresholdEvent event) {
            }

            @Override
            public void thresholdCleared(ThresholdEvent event) {
            }
        });
        int port;
        try (DatagramSocket s = new DatagramSocket(0)) {
            port = s.getLocalPort();
        }
        var reflector = new ReflectorSessionConfig(2, 7, null, 0, null, port, List.of(), TimestampFormat.NTP, true,
                null);
        var sender = SenderSessionConfig.builder().id(1).ssid(7).reflectorAddress(LOOPBACK).reflectorPort(port)
                .intervalNanos(10_000_000).lossTimeoutNanos(1_000_000_000L)
                .reflectorMode(io.stampd.dataplane.session.SenderStatistics.ReflectorMode.STATEFUL).build();
        Map<Long, SenderIntent> senders = new LinkedHashMap<>();
        senders.put(1L, new SenderIntent(sender, true, Thresholds.NONE, new IntervalSettings(1, 4,
                IntervalSettings.DEFAULT.binEdgesMicros())));
        Map<Long, ReflectorIntent> reflectors = new LinkedHashMap<>();
        reflectors.put(2L, new ReflectorIntent(reflector, true));
        manager.apply(new DesiredSessions(senders, reflectors, true, true, PlaneSettings.SOCKET));
        IntervalRecorder intervals = manager.senders().getFirst().intervals();
        intervals.anchor(System.nanoTime(), StateClock.SYSTEM.unixNanos());
        AtomicLong commits = new AtomicLong(1);
        endpoint = MetricsEndpoint.start(new MetricsSettings(LOOPBACK, 0),
                new StampMetrics(() -> manager, commits::get, StateClock.SYSTEM));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (manager.senders().getFirst().statistics().snapshot(System.nanoTime(), false).received() < 20) {
            assertTrue(System.nanoTime() < deadline, "no replies on ::1");
            Thread.sleep(20);
        }
        // One closed measurement interval (of 1 s), for its series.
        while (intervals.closeDue(System.nanoTime(), StateClock.SYSTEM.unixNanos()).isEmpty()) {
            assertTrue(System.nanoTime() < deadline, "no measurement interval closed");
            Thread.sleep(50);
        }
    }

    @AfterEach
    void stop() {
        if (endpoint != null) {
            endpoint.close();
        }
        if (manager != null) {
            manager.close();
        }
    }

    private String get(String url, String accept) throws Exception {
        var request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10));
        if (accept != null) {
            request.header("Accept", accept);
        }
        HttpResponse<String> r = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), url + ": " + r.body());
        return r.body();
    }

    private String scrape() throws Exception {
        return get("http://[::1]:" + endpoint.address().getPort() + "/metrics", null);
    }

    private static double value(String text, String series) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(series) + " (\\S+)$").matcher(text);
        assertTrue(m.find(), "no series " + series + " in\n" + text);
        return Double.parseDouble(m.group(1));
    }

    @Test
    void exposesTheSessionsWithPlausibleValues() throws Exception {
        String text = scrape();
        // the exposition sorts labels by name
        String s = "peer=\"::1\",role=\"sender\",session_id=\"1\",ssid=\"7\"";
        double sent = value(text, "stampd_sender_packets_sent_total{" + s + "}");
        double received = value(text, "stampd_sender_packets_received_total{" + s + "}");
        assertTrue(sent >= 20 && received >= 20 && received <= sent, sent + " sent, " + received + " received");
        assertEquals(0, value(text, "stampd_sender_packets_lost_total{" + s + "}"));
        assertEquals(0, value(text, "stampd_sender_packets_lost_one_way_total{direction=\"forward\"," + s + "}"));
        for (String d : List.of("forward", "backward", "round_trip")) {
            String labels = "{direction=\"" + d + "\"," + s + "}";
            double min = value(text, "stampd_sender_delay_min_seconds" + labels);
            double mean = value(text, "stampd_sender_delay_mean_seconds" + labels);
            double max = value(text, "stampd_sender_delay_max_seconds" + labels);
            assertTrue(min <= mean && mean <= max, d + ": min " + min + " mean " + mean + " max " + max);
            if (!d.equals("backward") && !d.equals("forward")) {
                assertTrue(min > 0 && max < 1, "round trip on ::1 in (0, 1 s): " + min + ".." + max);
            }
            value(text, "stampd_sender_delay_seconds{direction=\"" + d + "\"," + s + ",quantile=\"0.99\"}");
            assertTrue(value(text, "stampd_sender_delay_seconds_count" + labels) >= 20);
        }
        value(text, "stampd_sender_delay_variation_max_seconds{direction=\"round_trip\"," + s + "}");
        assertEquals(0, value(text, "stampd_sender_interval_number{" + s + "}"), "the first interval");
        double intervalMean = value(text, "stampd_sender_interval_delay_seconds{direction=\"round_trip\"," + s
                + ",stat=\"mean\"}");
        assertTrue(intervalMean > 0 && intervalMean < 1, "interval round trip mean " + intervalMean);
        assertEquals(0, value(text, "stampd_sender_interval_loss_ratio{" + s + "}"));
        double binned = 0;
        for (long edge : IntervalSettings.DEFAULT.binEdgesMicros()) {
            binned += value(text, "stampd_sender_interval_delay_bin_packets{bin_lower_us=\"" + edge + "\"," + s
                    + "}");
        }
        assertTrue(binned >= 50, binned + " round trips in the bins of a 1 s interval at 10 ms");
        String r = "peer=\"any\",role=\"reflector\",session_id=\"2\",ssid=\"7\"";
        assertTrue(value(text, "stampd_reflector_packets_reflected_total{" + r + "}") >= 20);
        assertEquals(1, value(text, "stampd_sessions{role=\"sender\",state=\"active\"}"));
        assertEquals(1, value(text, "stampd_sessions{role=\"reflector\",state=\"active\"}"));
        assertEquals(1, value(text, "stampd_commits_total"));
        value(text, "stampd_dataplane_unmatched_total{plane=\"socket\"}");

        // OpenMetrics when asked for it, with the units
        String om = get("http://[::1]:" + endpoint.address().getPort() + "/metrics",
                "application/openmetrics-text; version=1.0.0");
        assertTrue(om.contains("# UNIT stampd_sender_delay_seconds seconds"), om);
        assertTrue(om.strip().endsWith("# EOF"), om);

        // a removed session's series are gone at the next scrape
        manager.apply(new DesiredSessions(Map.of(), Map.of(), true, true, PlaneSettings.SOCKET));
        String after = scrape();
        assertFalse(after.contains("session_id=\"1\""), after);
        assertFalse(after.contains("session_id=\"2\""), after);
        assertEquals(0, value(after, "stampd_sessions{role=\"sender\",state=\"active\"}"));
    }

    /** The Debian package's tool, or null (skipped) when it is not installed and this is not CI. */
    private static Path tool(String name) {
        for (String dir : List.of("/usr/bin", "/usr/local/bin")) {
            Path p = Path.of(dir, name);
            if (Files.isExecutable(p)) {
                return p;
            }
        }
        if (CI) {
            throw new AssertionError(name + " is missing (Debian package prometheus, tools/lib/prereqs.sh)");
        }
        assumeTrue(false, name + " is not installed (apt-get install prometheus)");
        return null;
    }

    private static String run(Path dir, List<String> command, java.io.File input) throws Exception {
        Path out = dir.resolve("out-" + System.nanoTime());
        var pb = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.toFile());
        if (input != null) {
            pb.redirectInput(input);
        }
        Process p = pb.start();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), command + " did not finish");
        String text = Files.readString(out);
        assertEquals(0, p.exitValue(), command + ":\n" + text);
        return text;
    }

    @Test
    void promtoolAcceptsTheExposition(@TempDir Path dir) throws Exception {
        Path promtool = tool("promtool");
        Path text = dir.resolve("metrics.txt");
        Files.writeString(text, scrape());
        String out = run(dir, List.of(promtool.toString(), "check", "metrics"), text.toFile());
        assertEquals("", out.strip(), "promtool's lint findings:\n" + out);
    }

    /**
     * tools/grafana/stampd.json: every stampd_ series its panels query is in the exposition, and
     * promtool parses every query (as recording rules, with the dashboard's variable set to all).
     */
    @Test
    void theGrafanaDashboardQueriesTheseSeries(@TempDir Path dir) throws Exception {
        Path dashboard = Path.of(System.getenv().getOrDefault("STAMPD_HOME", ".."))
                .resolve("tools/grafana/stampd.json");
        String json = Files.readString(dashboard);
        String text = scrape();
        Matcher names = Pattern.compile("stampd_[a-z_]+").matcher(json);
        int n = 0;
        while (names.find()) {
            String name = names.group();
            assertTrue(Pattern.compile("(?m)^" + Pattern.quote(name) + "[{ ]").matcher(text).find(),
                    dashboard + " queries " + name + ", which the endpoint does not expose");
            n++;
        }
        assertTrue(n > 10, "queries found in " + dashboard + ": " + n);
        Path promtool = tool("promtool");
        Matcher exprs = Pattern.compile("\"expr\": \"((?:[^\"\\\\]|\\\\.)*)\"").matcher(json);
        StringBuilder rules = new StringBuilder("groups:\n  - name: dashboard\n    rules:\n");
        int i = 0;
        while (exprs.find()) {
            String expr = exprs.group(1).replace("\\\"", "\"").replace("$session", ".*");
            rules.append("      - record: dashboard:query").append(i++).append("\n        expr: '")
                    .append(expr.replace("'", "''")).append("'\n");
        }
        assertTrue(i > 10, "queries in " + dashboard + ": " + i);
        Path file = dir.resolve("dashboard-rules.yml");
        Files.writeString(file, rules);
        run(dir, List.of(promtool.toString(), "check", "rules", file.toString()), null);
    }

    @Test
    void prometheusScrapesTheDelays(@TempDir Path dir) throws Exception {
        Path prometheus = tool("prometheus");
        int webPort;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            webPort = s.getLocalPort();
        }
        Files.writeString(dir.resolve("prometheus.yml"), """
                global:
                  scrape_interval: 1s
                  evaluation_interval: 1s
                scrape_configs:
                  - job_name: stampd
                    static_configs:
                      - targets: ['[::1]:%d']
                """.formatted(endpoint.address().getPort()));
        Process p = new ProcessBuilder(prometheus.toString(), "--config.file=" + dir.resolve("prometheus.yml"),
                "--storage.tsdb.path=" + dir.resolve("data"), "--web.listen-address=127.0.0.1:" + webPort)
                .redirectErrorStream(true).redirectOutput(dir.resolve("prometheus.log").toFile()).start();
        try {
            String query = "http://127.0.0.1:" + webPort + "/api/v1/query?query=" + URLEncoder.encode(
                    "stampd_sender_delay_mean_seconds{direction=\"round_trip\",session_id=\"1\"}",
                    StandardCharsets.UTF_8);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            String answer = "";
            while (System.nanoTime() < deadline) {
                assertTrue(p.isAlive(), "prometheus stopped:\n" + Files.readString(dir.resolve("prometheus.log")));
                try {
                    answer = get(query, null);
                    if (answer.contains("\"value\"")) {
                        break;
                    }
                } catch (IOException | AssertionError e) {
                    answer = e.toString(); // not listening yet
                }
                Thread.sleep(200);
            }
            assertTrue(answer.contains("\"status\":\"success\"") && answer.contains("\"value\"")
                    && answer.contains("\"peer\":\"::1\""), "Prometheus's answer: " + answer + "\n"
                    + Files.readString(dir.resolve("prometheus.log")));
            Matcher v = Pattern.compile("\"value\":\\[[0-9.]+,\"([^\"]+)\"\\]").matcher(answer);
            assertTrue(v.find(), answer);
            double rtt = Double.parseDouble(v.group(1));
            assertTrue(rtt > 0 && rtt < 1, "mean round trip on ::1: " + rtt + " s");
        } finally {
            p.destroy();
            if (!p.waitFor(20, TimeUnit.SECONDS)) {
                p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
    }
}
