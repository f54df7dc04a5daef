package io.stampd.netconf.protocol;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stampd.netconf.AgentMain;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.commons.codec.digest.Crypt;

/**
 * The agent as its own process (AgentMain, as {@code tools/stampd agent} runs it), with a fresh
 * state directory, one user (and any more asked for) with a random password, listening on a free
 * port; stopped with SIGTERM. Started again in the same directory, it finds the running
 * configuration the previous one saved there.
 */
final class ForkedAgent implements AutoCloseable {
    static final String USER = "operator";

    private final Process process;
    private final Path log;
    private final String host;
    private final int port;
    private final Map<String, String> passwords;

    private ForkedAgent(Process process, Path log, String host, int port, Map<String, String> passwords) {
        this.process = process;
        this.log = log;
        this.host = host;
        this.port = port;
        this.passwords = passwords;
    }

    /**
     * Starts an agent in {@code dir} listening on {@code host}, with user {@link #USER} and {@code
     * moreUsers}, and waits until it listens.
     */
    static ForkedAgent start(Path dir, String host, String... moreUsers) throws IOException, InterruptedException {
        int port = freeTcpPort();
        Map<String, String> passwords = new LinkedHashMap<>();
        StringBuilder users = new StringBuilder();
        for (String user : Stream.concat(Stream.of(USER), Stream.of(moreUsers)).toList()) {
            byte[] pw = new byte[12];
            new SecureRandom().nextBytes(pw);
            String password = HexFormat.of().formatHex(pw);
            passwords.put(user, password);
            users.append("netconf.user.").append(user).append(".password-hash = ")
                    .append(Crypt.crypt(password, "$6$stampdtest")).append("\n");
        }
        Path config = dir.resolve("agent.conf");
        Files.writeString(config, "netconf.port = " + port + "\n"
                + "netconf.listen-address = " + host + "\n" + users);
        Path log = dir.resolve("agent.log");
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        List<String> cmd = new ArrayList<>(List.of(java.toString(), "--enable-native-access=ALL-UNNAMED",
                "-cp", System.getProperty("java.class.path"), AgentMain.class.getName(), "--config",
                config.toString()));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        var agent = new ForkedAgent(p, log, host, port, passwords);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!agent.log().contains(AgentMain.READY)) {
            if (!p.isAlive() || System.nanoTime() > deadline) {
                agent.close();
                throw new AssertionError("agent did not start listening:\n" + agent.log());
            }
            Thread.sleep(20);
        }
        return agent;
    }

    String host() {
        return host;
    }

    int port() {
        return port;
    }

    String password() {
        return passwords.get(USER);
    }

    String password(String user) {
        return passwords.get(user);
    }

    /** host, port, user, password: the first arguments of every ncclient script. */
    List<String> clientArguments() {
        return List.of(host, String.valueOf(port), USER, password());
    }

    String log() {
        try {
            return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            return "(cannot read " + log + ": " + e.getMessage() + ")";
        }
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy(); // SIGTERM
        boolean stopped = process.waitFor(20, TimeUnit.SECONDS);
        if (!stopped) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        assertTrue(stopped, "agent did not stop on SIGTERM:\n" + log());
    }

    /** SIGKILL: the agent gets no chance to save or undo anything. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        assertTrue(process.waitFor(20, TimeUnit.SECONDS), "agent survived SIGKILL");
    }

    static int freeTcpPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
