package io.stampd.netconf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.commons.codec.digest.Crypt;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Forks the agent as its own process and drives it with Debian's ncclient, as an operator would:
 * hello, edit-config of a sender session into candidate, commit, get-config, a refused commit,
 * get-schema; then SIGTERM. Also: without users the agent refuses to start.
 */
class NetconfAgentNcclientTest {
    private static final String PYTHON = "/usr/bin/python3";

    @TempDir
    Path dir;

    /** In CI (CI=true) a missing client is a failure; elsewhere the test is skipped. */
    private static void require(boolean present, String what) {
        if ("true".equals(System.getenv("CI"))) {
            org.junit.jupiter.api.Assertions.assertTrue(present, what);
        } else {
            assumeTrue(present, what);
        }
    }

    @BeforeAll
    static void ncclientIsThere() throws Exception {
        require(Files.isExecutable(Path.of(PYTHON)), PYTHON + " missing");
        Process p = new ProcessBuilder(PYTHON, "-c", "import ncclient").redirectErrorStream(true).start();
        require(p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0,
                "python3-ncclient missing (apt-get install python3-ncclient)");
    }

    private Process startAgent(Path config, Path log) throws IOException {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        List<String> cmd = new ArrayList<>(List.of(java.toString(), "--enable-native-access=ALL-UNNAMED",
                "-cp", System.getProperty("java.class.path"), AgentMain.class.getName(), "--config",
                config.toString()));
        return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private static String read(Path log) throws IOException {
        return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
    }

    /** ssh-keygen an ECDSA key pair in {@code dir}; returns the private key file. */
    private static Path keygen(Path dir, String name) throws Exception {
        Path key = dir.resolve(name);
        Process p = new ProcessBuilder("ssh-keygen", "-q", "-t", "ecdsa", "-b", "256", "-N", "", "-f", key.toString())
                .redirectErrorStream(true).start();
        require(p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0, "ssh-keygen failed (apt-get install openssh-client)");
        return key;
    }

    @Test
    void publicKeyLoginWorksForAConfiguredKeyOnly() throws Exception {
        int port = freePort();
        Path allowed = keygen(dir, "allowed");
        Path other = keygen(dir, "other");
        Path config = dir.resolve("agent.conf");
        Files.writeString(config, "netconf.port = " + port + "\n"
                + "netconf.listen-address = ::1\n"
                + "netconf.user.ops.authorized-keys = allowed.pub\n");
        Path log = dir.resolve("agent.log");
        Process agent = startAgent(config, log);
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (!read(log).contains(AgentMain.READY)) {
                assertTrue(agent.isAlive(), "agent exited:\n" + read(log));
                assertTrue(System.nanoTime() < deadline, "agent not listening after 60 s:\n" + read(log));
                Thread.sleep(20);
            }
            String script = "import sys\nfrom ncclient import manager\n"
                    + "try:\n"
                    + "    with manager.connect(host='::1', port=int(sys.argv[1]), username='ops', key_filename=sys.argv[2],"
                    + " hostkey_verify=False, allow_agent=False, look_for_keys=False, timeout=30) as m:\n"
                    + "        m.get_config(source='running')\n"
                    + "        print('LOGGED-IN')\n"
                    + "except Exception as e:\n"
                    + "    print('REFUSED', type(e).__name__)\n";
            for (Path key : new Path[] {allowed, other}) {
                Process client = new ProcessBuilder(PYTHON, "-c", script, String.valueOf(port), key.toString())
                        .redirectErrorStream(true).start();
                String out = new String(client.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                assertTrue(client.waitFor(60, TimeUnit.SECONDS), "ncclient did not finish");
                assertTrue(out.contains(key == allowed ? "LOGGED-IN" : "REFUSED"), key + ": " + out + "\n" + read(log));
            }
        } finally {
            agent.destroy();
            assertTrue(agent.waitFor(20, TimeUnit.SECONDS), "agent did not stop on SIGTERM");
        }
    }

    @Test
    void ncclientConfiguresASenderSession() throws Exception {
        int port = freePort();
        byte[] pw = new byte[12];
        new SecureRandom().nextBytes(pw);
        String password = HexFormat.of().formatHex(pw);
        Path config = dir.resolve("agent.conf");
        Files.writeString(config, "netconf.port = " + port + "\n"
                + "netconf.listen-address = ::1\n"
                + "netconf.user.operator.password-hash = " + Crypt.crypt(password, "$6$stampdtest") + "\n");
        Path log = dir.resolve("agent.log");

        long t0 = System.nanoTime();
        Process agent = startAgent(config, log);
        try {
            long deadline = t0 + TimeUnit.SECONDS.toNanos(60);
            while (!read(log).contains(AgentMain.READY)) {
                assertTrue(agent.isAlive(), "agent exited:\n" + read(log));
                assertTrue(System.nanoTime() < deadline, "agent not listening after 60 s:\n" + read(log));
                Thread.sleep(20);
            }
            long listeningMs = (System.nanoTime() - t0) / 1_000_000;
            String said = read(log).lines().filter(l -> l.contains(AgentMain.READY)).findFirst().orElseThrow();
            System.out.println("agent process start to NETCONF listening: " + listeningMs + " ms; agent: " + said);
            assertTrue(Files.exists(dir.resolve("ssh_host_key")), "host key generated next to the config");

            Path script = Path.of(NetconfAgentNcclientTest.class.getResource("/ncclient_smoke.py").toURI());
            Process client = new ProcessBuilder(PYTHON, script.toString(), "::1", String.valueOf(port), "operator",
                    password).redirectErrorStream(true).start();
            String out = new String(client.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(client.waitFor(120, TimeUnit.SECONDS), "ncclient did not finish");
            System.out.print(out);
            assertEquals(0, client.exitValue(), "ncclient failed:\n" + out + "\nagent log:\n" + read(log));
            assertTrue(out.contains("PASS"), out);
        } finally {
            agent.destroy(); // SIGTERM
            boolean exited = agent.waitFor(20, TimeUnit.SECONDS);
            if (!exited) {
                agent.destroyForcibly();
            }
            assertTrue(exited, "agent did not stop on SIGTERM:\n" + read(log));
        }
        assertTrue(read(log).contains("stopping"), read(log));
    }

    @Test
    void refusesToStartWithoutUsers() throws Exception {
        int port = freePort();
        Path config = dir.resolve("nouser.conf");
        Files.writeString(config, "netconf.port = " + port + "\n");
        Path log = dir.resolve("nouser.log");
        Process agent = startAgent(config, log);
        assertTrue(agent.waitFor(60, TimeUnit.SECONDS), "agent without users kept running:\n" + read(log));
        assertEquals(2, agent.exitValue(), read(log));
        String out = read(log);
        assertTrue(out.contains("no NETCONF users are configured"), out);
        assertTrue(out.contains("openssl passwd -6"), out);
        assertTrue(!out.contains(AgentMain.READY), out);
        assertTrue(!Files.exists(dir.resolve("ssh_host_key")), "no host key before credentials exist");
    }
}
