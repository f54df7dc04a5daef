package io.stampd.netconf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/** The metrics.* settings: off unless metrics.port is set, each mistake named with its key. */
class MetricsSettingsTest {
    private static final Path FILE = Path.of("/etc/stampd/agent.conf");

    private static Properties props(String... kv) {
        Properties p = new Properties();
        for (int i = 0; i < kv.length; i += 2) {
            p.setProperty(kv[i], kv[i + 1]);
        }
        return p;
    }

    @Test
    void offUnlessAPortIsSet() throws Exception {
        assertEquals(Optional.empty(), MetricsSettings.parse(FILE, props("netconf.port", "830", "grpc.port", "1")));
    }

    @Test
    void portAndAddress() throws Exception {
        assertEquals(new MetricsSettings(InetAddress.ofLiteral("::"), 9862),
                MetricsSettings.parse(FILE, props("metrics.port", " 9862 ")).orElseThrow());
        assertEquals(new MetricsSettings(InetAddress.ofLiteral("127.0.0.1"), 9862),
                MetricsSettings.parse(FILE, props("metrics.port", "9862", "metrics.listen-address", "127.0.0.1"))
                        .orElseThrow());
        assertEquals(InetAddress.ofLiteral("::1"), MetricsSettings.parse(FILE,
                props("metrics.port", "9862", "metrics.listen-address", "[::1]")).orElseThrow().listenAddress());
    }

    @Test
    void mistakesNameTheirKeys() {
        String m = assertThrows(AgentConfig.ConfigException.class, () -> MetricsSettings.parse(FILE,
                props("metrics.port", "99999", "metrics.listen-adress", "::1", "metrics.listen-address",
                        "localhost"))).getMessage();
        assertTrue(m.contains("metrics.listen-adress = '::1': unknown setting; the metrics settings are"
                + " [metrics.listen-address, metrics.port]"), m);
        assertTrue(m.contains("metrics.port = '99999': not a port number 1..65535"), m);
        assertTrue(m.contains("metrics.listen-address = 'localhost': not an IPv4 or IPv6 address literal"), m);
        String noPort = assertThrows(AgentConfig.ConfigException.class, () -> MetricsSettings.parse(FILE,
                props("metrics.listen-address", "::1"))).getMessage();
        assertTrue(noPort.contains("metrics.port is missing"), noPort);
    }

    @Test
    void theOtherSettingsLeaveMetricsKeysAlone(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        Path file = dir.resolve("agent.conf");
        java.nio.file.Files.writeString(file, "metrics.port = 9862\nmetrics.listen-address = ::1\n"
                + "netconf.user.admin.password-hash = $6$salt$" + "a".repeat(86) + "\n");
        AgentConfig.load(file);
        io.stampd.netconf.engine.EngineSettings.load(file);
        io.stampd.netconf.southbound.GrpcSouthbound.settings(file);
        assertEquals(9862, MetricsSettings.load(file).orElseThrow().port());
    }
}
