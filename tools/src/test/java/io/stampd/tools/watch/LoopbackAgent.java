package io.stampd.tools.watch;

import io.stampd.netconf.AgentMain;
import io.stampd.tools.testing.TestEnv;
import org.apache.commons.codec.digest.Crypt;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.concurrent.TimeUnit;

/**
 * A real agent ({@code tools/stampd agent}) on [::1] of this machine, a free port and a fresh random
 * password, configured through {@link NetconfSshClient} with a reflector session on ::1 and a sender
 * session measuring it, every 100 ms: the agent measures its own loopback.
 */
final class LoopbackAgent implements AutoCloseable {
    static final String USER = "operator";
    /** Logs in with the key pair {@link #start} writes as {@code dir/key} (ECDSA, ssh-keygen). */
    static final String KEY_USER = "keyholder";
    static final long SESSION_ID = 7;

    final int port;
    final String password;
    final Path dir;
    private final Process process;

    private LoopbackAgent(int port, String password, Path dir, Process process) {
        this.port = port;
        this.password = password;
        this.dir = dir;
        this.process = process;
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    static LoopbackAgent start(Path dir) throws Exception {
        byte[] pw = new byte[12];
        new SecureRandom().nextBytes(pw);
        String password = HexFormat.of().formatHex(pw);
        int port = freePort();
        Process keygen = new ProcessBuilder("ssh-keygen", "-q", "-t", "ecdsa", "-b", "256", "-N", "", "-f",
                dir.resolve("key").toString()).redirectErrorStream(true).start();
        if (!keygen.waitFor(30, TimeUnit.SECONDS) || keygen.exitValue() != 0) {
            throw new AssertionError("ssh-keygen failed: " + new String(keygen.getInputStream().readAllBytes(),
                    StandardCharsets.UTF_8));
        }
        Files.writeString(dir.resolve("agent.conf"), "netconf.port = " + port + "\n"
                + "netconf.listen-address = ::1\n"
                + "netconf.user." + USER + ".password-hash = " + Crypt.crypt(password, "$6$stampdwatch") + "\n"
                + "netconf.user." + KEY_USER + ".authorized-keys = key.pub\n"
                + "stampd.state-dir = state\n");
        Path log = dir.resolve("agent.log");
        Process p = new ProcessBuilder(TestEnv.projectRoot().resolve("tools/stampd").toString(), "agent", "--config",
                dir.resolve("agent.conf").toString()).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        LoopbackAgent agent = new LoopbackAgent(port, password, dir, p);
        try {
            long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
            while (!Files.readString(log, StandardCharsets.UTF_8).contains(AgentMain.READY)) {
                if (!p.isAlive() || System.nanoTime() > deadline) {
                    throw new AssertionError("agent did not start listening:\n" + agent.log());
                }
                Thread.sleep(50);
            }
            return agent;
        } catch (Exception | AssertionError e) {
            agent.close();
            throw e;
        }
    }

    NetconfLogin login(String pw) {
        return new NetconfLogin("::1", port, USER, pw, null, null, Duration.ofSeconds(30));
    }

    /** A stateless reflector on [::1]:{@code reflectorPort} and a sender session to it, committed. */
    void measureLoopback(int reflectorPort) throws IOException {
        String stamp = "<stamp xmlns=\"" + SenderStateXml.STAMP_NS + "\">"
                + "<stamp-session-reflector><reflector-test-session><session-index>1</session-index>"
                + "<reflector-ip>::1</reflector-ip><reflector-udp-port>" + reflectorPort + "</reflector-udp-port>"
                + "</reflector-test-session></stamp-session-reflector>"
                + "<stamp-session-sender><sender-test-session><stamp-session-id>" + SESSION_ID + "</stamp-session-id>"
                + "<interval>100000</interval><sender-ip>::1</sender-ip><session-reflector-ip>::1</session-reflector-ip>"
                + "<session-reflector-udp-port>" + reflectorPort + "</session-reflector-udp-port>"
                + "</sender-test-session></stamp-session-sender></stamp>";
        try (NetconfSshClient c = NetconfSshClient.connect(login(password))) {
            // the agent announces base:1.1: from here on the messages are chunked (RFC 6242 §4.2)
            if (!c.chunked()) {
                throw new AssertionError("the agent did not choose base:1.1 chunked framing");
            }
            c.rpc("<edit-config><target><candidate/></target><config>" + stamp + "</config></edit-config>");
            c.rpc("<commit/>");
        }
    }

    /** The host key's fingerprint as the agent logged it ("SSH host key <type> SHA256:..."). */
    String hostKeyFingerprint() throws IOException {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("SSH host key \\S+ (SHA256:\\S+)").matcher(log());
        if (!m.find()) {
            throw new AssertionError("no host key fingerprint in the agent's log:\n" + log());
        }
        return m.group(1);
    }

    String log() throws IOException {
        Path log = dir.resolve("agent.log");
        return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
    }

    @Override
    public void close() throws InterruptedException {
        process.toHandle().destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }
}
