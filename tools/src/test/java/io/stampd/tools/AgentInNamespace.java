package io.stampd.tools;

import io.stampd.netconf.AgentMain;
import io.stampd.tools.testing.Testbed;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.commons.codec.digest.Crypt;

/**
 * A real agent process ({@code tools/stampd agent}) inside one namespace of a test bed, listening
 * on [::1]:830 of that namespace, with its configuration, saved running configuration and log in
 * its own directory. Each agent gets a fresh random password.
 */
final class AgentInNamespace implements AutoCloseable {
    static final int PORT = 830;
    private static final String USER = "operator";

    private final Testbed testbed;
    private final String namespace;
    private final Path dir;
    private final String password;
    private Process process;
    private long startedAtMillis;
    /** Where the log of the current run starts (a restart appends to the same file). */
    private long lastStartOffset;

    private final List<String> launchPrefix;

    private AgentInNamespace(Testbed testbed, String namespace, Path dir, String password, List<String> launchPrefix) {
        this.testbed = testbed;
        this.namespace = namespace;
        this.dir = dir;
        this.password = password;
        this.launchPrefix = launchPrefix;
    }

    /** Writes a configuration into {@code dir} and starts the agent; call {@link #awaitListening} next. */
    static AgentInNamespace start(Testbed testbed, String namespace, Path dir) throws IOException {
        return start(testbed, namespace, dir, "");
    }

    /** Like {@link #start(Testbed, String, Path)}, with {@code extraSettings} appended (a later key wins). */
    static AgentInNamespace start(Testbed testbed, String namespace, Path dir, String extraSettings)
            throws IOException {
        return start(testbed, namespace, dir, extraSettings, List.of());
    }

    /**
     * Like {@link #start(Testbed, String, Path, String)}, the launcher run through {@code launchPrefix}
     * (inside the namespace: {@code setpriv ... env ...} to run it as another user with other
     * capabilities and environment; that user must be able to write {@code dir}).
     */
    static AgentInNamespace start(Testbed testbed, String namespace, Path dir, String extraSettings,
                                  List<String> launchPrefix) throws IOException {
        Files.createDirectories(dir);
        byte[] pw = new byte[12];
        new SecureRandom().nextBytes(pw);
        String password = HexFormat.of().formatHex(pw);
        Files.writeString(dir.resolve("agent.conf"), "netconf.port = " + PORT + "\n"
                + "netconf.listen-address = ::1\n"
                + "netconf.user." + USER + ".password-hash = " + Crypt.crypt(password, "$6$stampdnetns") + "\n"
                + "stampd.state-dir = state\n" + extraSettings);
        AgentInNamespace agent = new AgentInNamespace(testbed, namespace, dir, password, List.copyOf(launchPrefix));
        agent.launch();
        return agent;
    }

    private void launch() {
        startedAtMillis = System.currentTimeMillis();
        // sh execs the launcher, which execs java: the process we hold is the agent's JVM.
        List<String> command = new ArrayList<>(launchPrefix);
        command.addAll(List.of("sh", "-c", "exec \"$0\" agent --config \"$1\" >>\"$2\" 2>&1",
                testbed.stampd(), dir.resolve("agent.conf").toString(), log().toString()));
        process = testbed.start(namespace, command.toArray(String[]::new));
    }

    /** Waits until the agent prints that it listens; returns the milliseconds since it was started. */
    long awaitListening(Duration timeout) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        long readyAt;
        while (true) {
            String log = log(lastStartOffset);
            if (log.contains(AgentMain.READY)) {
                readyAt = System.currentTimeMillis();
                break;
            }
            if (!process.isAlive()) {
                throw new AssertionError("agent in " + namespace + " exited with " + process.exitValue() + ":\n"
                        + log);
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("agent in " + namespace + " not listening after " + timeout + ":\n" + log);
            }
            Thread.sleep(20);
        }
        return readyAt - startedAtMillis;
    }

    /** SIGKILL: no chance to stop sessions or save anything. */
    void kill9() throws InterruptedException {
        process.destroyForcibly();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            throw new AssertionError("agent in " + namespace + " survived SIGKILL");
        }
    }

    /** The agent's JVM: the process started (sh and the launcher exec it). */
    long pid() {
        return process.pid();
    }

    /** SIGSTOP: the agent holds everything it was doing (its sockets keep receiving) until {@link #resume}. */
    void pause() throws IOException, InterruptedException {
        signal("STOP");
    }

    /** SIGCONT after {@link #pause}. */
    void resume() throws IOException, InterruptedException {
        signal("CONT");
    }

    private void signal(String name) throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).inheritIO().start();
        if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
            throw new AssertionError("kill -" + name + " " + process.pid() + " failed");
        }
    }

    /** Starts the agent again with the same directory (configuration and saved running). */
    void restart() throws IOException {
        lastStartOffset = Files.exists(log()) ? Files.size(log()) : 0;
        launch();
    }

    /** Wall-clock time (ms) of the last start. */
    long startedAtMillis() {
        return startedAtMillis;
    }

    /** SIGTERM and the exit code. */
    int terminate() throws InterruptedException {
        process.toHandle().destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("agent in " + namespace + " did not stop within 30 s of SIGTERM");
        }
        return process.exitValue();
    }

    String user() {
        return USER;
    }

    String password() {
        return password;
    }

    NetconfClient client() {
        return new NetconfClient(testbed, namespace, PORT, USER, password, dir);
    }

    Path dir() {
        return dir;
    }

    Path log() {
        return dir.resolve("agent.log");
    }

    String log(long fromOffset) throws IOException {
        if (!Files.exists(log())) {
            return "";
        }
        byte[] all = Files.readAllBytes(log());
        int from = (int) Math.min(all.length, fromOffset);
        return new String(all, from, all.length - from, StandardCharsets.UTF_8);
    }

    String fullLog() throws IOException {
        return log(0);
    }

    @Override
    public void close() throws InterruptedException {
        if (process != null && process.isAlive()) {
            terminate();
        }
    }
}
