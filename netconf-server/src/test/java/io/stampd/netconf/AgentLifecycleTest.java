package io.stampd.netconf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.commons.codec.digest.Crypt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agent as a process: SIGTERM is a clean stop with exit code 0; a saved running configuration
 * that cannot be read or is invalid stops the start with exit code 2 and a message naming the file
 * and the problem, never an agent that silently runs with an empty configuration.
 */
class AgentLifecycleTest {
    @TempDir
    Path dir;

    private Path config() throws IOException {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Path config = dir.resolve("agent.conf");
        Files.writeString(config, "netconf.port = " + port + "\nnetconf.listen-address = ::1\n"
                + "netconf.user.operator.password-hash = " + Crypt.crypt("not-used", "$6$lifecycle") + "\n"
                + "stampd.state-dir = state\n");
        return config;
    }

    private Process start(Path config, Path log) throws IOException {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        return new ProcessBuilder(List.of(java.toString(), "--enable-native-access=ALL-UNNAMED", "-cp",
                System.getProperty("java.class.path"), AgentMain.class.getName(), "--config", config.toString()))
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    private static String read(Path log) throws IOException {
        return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
    }

    @Test
    void sigtermStopsCleanlyWithExitCodeZero() throws Exception {
        Path config = config();
        Path log = dir.resolve("agent.log");
        Process agent = start(config, log);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!read(log).contains(AgentMain.READY)) {
            assertTrue(agent.isAlive(), read(log));
            assertTrue(System.nanoTime() < deadline, "not listening after 60 s: " + read(log));
            Thread.sleep(20);
        }
        assertTrue(read(log).contains("no saved configuration at " + dir.resolve("state").resolve("running.xml")),
                read(log));
        agent.toHandle().destroy(); // SIGTERM
        assertTrue(agent.waitFor(30, TimeUnit.SECONDS), "still running 30 s after SIGTERM: " + read(log));
        assertEquals(0, agent.exitValue(), read(log));
        assertTrue(read(log).contains("stopped 0 sessions and closed the socket data plane"), read(log));
    }

    /** metrics.port: the agent serves /metrics until SIGTERM (MetricsEndpointTest checks the series in depth). */
    @Test
    void servesMetricsWhenAPortIsSet() throws Exception {
        Path config = config();
        int metricsPort;
        try (ServerSocket s = new ServerSocket(0)) {
            metricsPort = s.getLocalPort();
        }
        Files.writeString(config, "metrics.port = " + metricsPort + "\nmetrics.listen-address = ::1\n",
                java.nio.file.StandardOpenOption.APPEND);
        Path log = dir.resolve("agent.log");
        Process agent = start(config, log);
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (!read(log).contains(AgentMain.READY)) {
                assertTrue(agent.isAlive(), read(log));
                assertTrue(System.nanoTime() < deadline, "not listening after 60 s: " + read(log));
                Thread.sleep(20);
            }
            assertTrue(read(log).contains("Prometheus endpoint on http://[0:0:0:0:0:0:0:1]:" + metricsPort), read(log));
            var http = java.net.http.HttpClient.newHttpClient();
            var r = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://[::1]:" + metricsPort
                    + "/metrics")).build(), java.net.http.HttpResponse.BodyHandlers.ofString());
            assertEquals(200, r.statusCode(), r.body());
            assertTrue(r.body().contains("stampd_sessions{role=\"sender\",state=\"active\"} 0.0"), r.body());
            assertTrue(r.body().contains("\nstampd_commits_total "), r.body());
            assertTrue(r.body().contains("stampd_dataplane_unmatched_total{plane=\"socket\"} 0.0"), r.body());
            assertTrue(r.body().contains("\nstampd_netconf_sessions 0.0"), "no NETCONF client yet: " + r.body());
            assertTrue(r.body().contains("\njvm_memory_used_bytes{area=\"heap\"} "), r.body());
            assertTrue(r.body().contains("\nprocess_open_fds "), r.body());
        } finally {
            agent.toHandle().destroy(); // SIGTERM
            assertTrue(agent.waitFor(30, TimeUnit.SECONDS), "still running 30 s after SIGTERM: " + read(log));
        }
        assertEquals(0, agent.exitValue(), read(log));
    }

    @Test
    void anUnknownMetricsSettingStopsTheStart() throws Exception {
        Path config = config();
        Files.writeString(config, "metrics.port = 9862\nmetrics.path = /stamp\n",
                java.nio.file.StandardOpenOption.APPEND);
        Path log = dir.resolve("refused.log");
        Process agent = start(config, log);
        assertTrue(agent.waitFor(60, TimeUnit.SECONDS), "agent kept running with an unknown metrics setting");
        assertEquals(2, agent.exitValue(), read(log));
        assertTrue(read(log).contains("metrics.path = '/stamp': unknown setting; the metrics settings are"
                + " [metrics.listen-address, metrics.port]"), read(log));
    }

    private void assertRefusedToStart(String saved, String... expected) throws Exception {
        Path config = config();
        Path running = dir.resolve("state").resolve("running.xml");
        Files.createDirectories(running.getParent());
        Files.writeString(running, saved);
        Path log = dir.resolve("refused.log");
        Process agent = start(config, log);
        assertTrue(agent.waitFor(60, TimeUnit.SECONDS), "agent kept running with a broken saved configuration");
        String out = read(log);
        assertEquals(2, agent.exitValue(), out);
        assertTrue(out.contains(running.toString()), "message names the file: " + out);
        for (String e : expected) {
            assertTrue(out.contains(e), "message says '" + e + "': " + out);
        }
        assertFalse(out.contains(AgentMain.READY), out);
    }

    @Test
    void unreadableSavedConfigurationStopsTheStart() throws Exception {
        assertRefusedToStart("<config xmlns=\"urn:ietf:params:xml:ns:netconf:base:1.0\"><stamp", "cannot be read",
                "not well-formed XML");
    }

    @Test
    void savedConfigurationWithUnknownElementsStopsTheStart() throws Exception {
        assertRefusedToStart("<config xmlns=\"urn:ietf:params:xml:ns:netconf:base:1.0\"><stamp xmlns=\"urn:stampd:"
                + "yang:stampd-stamp\"><stamp-session-sender><colour>red</colour></stamp-session-sender></stamp>"
                + "</config>", "cannot be read", "colour");
    }

    @Test
    void savedConfigurationThatFailsValidationStopsTheStart() throws Exception {
        // Well-formed and schema-valid, but the forward path does not end at the reflector.
        assertRefusedToStart("<config xmlns=\"urn:ietf:params:xml:ns:netconf:base:1.0\"><stamp xmlns=\"urn:stampd:"
                + "yang:stampd-stamp\"><stamp-session-sender><sender-test-session><stamp-session-id>4"
                + "</stamp-session-id><session-reflector-ip>2001:db8::2</session-reflector-ip><forward-path>"
                + "<segment>fc00::1</segment></forward-path></sender-test-session></stamp-session-sender></stamp>"
                + "</config>", "is not valid", "stamp-session-id='4'", "must end at the reflector");
    }

    @Test
    void savedConfigurationMissingAMandatoryLeafStopsTheStart() throws Exception {
        assertRefusedToStart("<config xmlns=\"urn:ietf:params:xml:ns:netconf:base:1.0\"><stamp xmlns=\"urn:stampd:"
                + "yang:stampd-stamp\"><stamp-session-sender><sender-test-session><stamp-session-id>5"
                + "</stamp-session-id></sender-test-session></stamp-session-sender></stamp></config>",
                "is not valid", "session-reflector-ip");
    }
}
