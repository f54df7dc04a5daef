package io.stampd.netconf;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.stampd.grpc.SouthboundSettings;
import io.stampd.netconf.engine.EngineSettings;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Fuzz target: the agent's configuration file, as every reader of it sees it (users and NETCONF
 * listener, engine settings, the metrics endpoint, the gRPC southbound). The file is made of
 * lines the fuzzer builds from the real keys with arbitrary values, and arbitrary lines.
 * Invariants: each reader either accepts the file or refuses it with its own error naming the
 * file or the key, never with another exception; no error message repeats a password hash given
 * in the file (secrets stay out of logs).
 */
class AgentConfigFuzzer {
    private static final String[] KEYS = {
        "netconf.port", "netconf.listen-address", "netconf.ssh.host-key", "netconf.user.admin.password-hash",
        "netconf.user.ops.authorized-keys", "netconf.user.x y.password-hash", "netconf.bogus",
        "stampd.state-dir", "stampd.state-records", "stampd.state-refresh-ms", "stampd.bogus", "metrics.port",
        "metrics.listen-address", "grpc.port", "grpc.listen-address", "grpc.tls.certificate",
        "grpc.tls.private-key", "grpc.token-file", "grpc.nacm-user", "grpc.unknown", "unknown.key",
    };
    private static final String HASH = "$6$saltsalt$0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ./"
            + "0123456789abcdefghijklm";
    private static final Path DIR = tempDir();

    private static Path tempDir() {
        try {
            return Files.createTempDirectory("stampd-config-fuzz");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static void fuzzerTestOneInput(FuzzedDataProvider d) throws IOException {
        StringBuilder text = new StringBuilder();
        String secret = "$6$" + d.consumeAsciiString(12).replaceAll("[^A-Za-z0-9./]", "x") + "$" + "Zz9".repeat(8);
        int lines = d.consumeInt(0, 12);
        for (int i = 0; i < lines; i++) {
            switch (d.consumeInt(0, 3)) {
                case 0 -> text.append(KEYS[d.consumeInt(0, KEYS.length - 1)]).append(" = ")
                        .append(d.consumeString(40)).append('\n');
                case 1 -> text.append("netconf.user.").append(d.consumeAsciiString(10)).append(".password-hash = ")
                        .append(d.consumeBoolean() ? HASH : secret).append('\n');
                case 2 -> text.append(d.consumeString(80)).append('\n');
                default -> text.append("netconf.user.admin.password-hash = ").append(HASH).append('\n');
            }
        }
        Path file = DIR.resolve("agent.conf");
        Files.write(file, text.toString().getBytes(StandardCharsets.UTF_8));
        check(() -> AgentConfig.load(file), file, secret);
        check(() -> EngineSettings.load(file), file, secret);
        check(() -> MetricsSettings.load(file), file, secret);
        Properties p;
        try {
            p = AgentConfig.readProperties(file);
        } catch (AgentConfig.ConfigException e) {
            return;
        }
        try {
            SouthboundSettings.fromProperties(p, DIR);
        } catch (IllegalArgumentException e) {
            assertTrue(e.getMessage() != null && e.getMessage().contains("grpc."), "an error naming no key: " + e);
            assertFalse(e.getMessage().contains(secret), "a password hash in an error");
        }
    }

    private interface Reader {
        Object read() throws AgentConfig.ConfigException;
    }

    private static void check(Reader r, Path file, String secret) {
        try {
            r.read();
        } catch (AgentConfig.ConfigException e) {
            String m = e.getMessage();
            assertTrue(m != null && !m.isBlank(), "an empty error");
            assertTrue(m.contains(file.toString()) || m.matches("(?s).*[a-z-]+\\.[a-z.-]+.*"),
                    "an error naming neither the file nor a key: " + m);
            assertFalse(m.contains(secret), "a password hash in an error: " + m);
        }
    }

    @FuzzTest(maxDuration = "10s")
    void configFile(FuzzedDataProvider d) throws IOException {
        fuzzerTestOneInput(d);
    }
}
