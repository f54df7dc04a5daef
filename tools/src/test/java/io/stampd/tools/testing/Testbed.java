package io.stampd.tools.testing;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

/**
 * A running tools/testbed (three namespaces: sender, SRv6 transit, reflector, with the XDP
 * delay line on the transit -> reflector link), for tests. {@link #close()} takes it down.
 *
 * <pre>{@code
 * try (Testbed tb = Testbed.up(5000, 0)) {
 *     Testbed.Result r = tb.exec(tb.senderNs(), "ping", "-6", "-c", "3", tb.reflectorAddr());
 * }
 * }</pre>
 *
 * Commands only run inside this test bed's own namespaces, so tests cannot send traffic
 * anywhere else by mistake; every command has a timeout.
 */
public final class Testbed implements AutoCloseable {
    /** Timeout of {@link #exec(String, String...)} and of set/down. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);
    /** up starts the JVM-based CLI and waits for the path; the script itself gives up after 5 s of pinging. */
    private static final Duration UP_TIMEOUT = Duration.ofSeconds(120);

    private final Path root;
    private final Map<String, String> values;
    private final StartedProcesses started = new StartedProcesses();
    private boolean closed;

    private Testbed(Path root, Map<String, String> values) {
        this.root = root;
        this.values = values;
    }

    /** Runs {@code tools/testbed up} with the given delay (µs) and loss (%) and parses its KEY=VALUE output. */
    public static Testbed up(long delayUs, double lossPct) {
        Path root = TestEnv.projectRoot();
        Result result = run(UP_TIMEOUT, List.of(root.resolve("tools/testbed").toString(), "up",
                "--delay-us", Long.toString(delayUs), "--loss-pct", format(lossPct)));
        if (result.exitCode() != 0) {
            throw new IllegalStateException("testbed up failed (exit " + result.exitCode() + "): "
                    + result.stderr().strip());
        }
        Map<String, String> values = parse(result.stdout());
        for (String key : List.of("TESTBED_ID", "SENDER_NS", "TRANSIT_NS", "REFLECTOR_NS", "SENDER_ADDR",
                "REFLECTOR_ADDR", "SENDER_ADDR4", "REFLECTOR_ADDR4", "TRANSIT_SID", "FORWARD_SEGMENTS", "RETURN_SEGMENTS",
                "DELAY_NS", "DELAY_DEV")) {
            if (!values.containsKey(key)) {
                Testbed partial = new Testbed(root, values);
                partial.downQuietly();
                throw new IllegalStateException("testbed up printed no " + key + ": " + result.stdout().strip());
            }
        }
        return new Testbed(root, values);
    }

    /** KEY=VALUE lines into a map; other lines are ignored. */
    static Map<String, String> parse(String output) {
        Map<String, String> values = new LinkedHashMap<>();
        for (String line : output.split("\n")) {
            int eq = line.indexOf('=');
            if (eq > 0 && line.substring(0, eq).matches("[A-Z][A-Z0-9_]*")) {
                values.put(line.substring(0, eq), line.substring(eq + 1).strip());
            }
        }
        return values;
    }

    public String id() {
        return get("TESTBED_ID");
    }

    public String senderNs() {
        return get("SENDER_NS");
    }

    public String transitNs() {
        return get("TRANSIT_NS");
    }

    public String reflectorNs() {
        return get("REFLECTOR_NS");
    }

    public String senderDev() {
        return get("SENDER_DEV");
    }

    public String reflectorDev() {
        return get("REFLECTOR_DEV");
    }

    public String senderAddr() {
        return get("SENDER_ADDR");
    }

    public String reflectorAddr() {
        return get("REFLECTOR_ADDR");
    }

    /** The sender's IPv4 address (10.12.0.1): the links carry IPv4 too. */
    public String senderAddr4() {
        return get("SENDER_ADDR4");
    }

    /** The reflector's IPv4 address (10.23.0.3). */
    public String reflectorAddr4() {
        return get("REFLECTOR_ADDR4");
    }

    public String transitSid() {
        return get("TRANSIT_SID");
    }

    /** Segments sender -> reflector: the transit End SID, then the reflector. */
    public List<String> forwardSegments() {
        return List.of(get("FORWARD_SEGMENTS").split(","));
    }

    /** Segments reflector -> sender: the transit End SID, then the sender. */
    public List<String> returnSegments() {
        return List.of(get("RETURN_SEGMENTS").split(","));
    }

    /** Namespace of the delay line (the reflector's). */
    public String delayNs() {
        return get("DELAY_NS");
    }

    /** Interface the delay line is attached to (rfl0). */
    public String delayDev() {
        return get("DELAY_DEV");
    }

    /** The delay line's current delay in microseconds, as last set through this object. */
    public long delayUs() {
        return Long.parseLong(get("DELAY_US"));
    }

    /** The delay line's current loss in percent, as last set through this object. */
    public String lossPct() {
        return get("LOSS_PCT");
    }

    /** Any value printed by testbed up/set. */
    public String get(String key) {
        String value = values.get(key);
        if (value == null) {
            throw new IllegalStateException("testbed output has no " + key + " (keys: " + values.keySet() + ")");
        }
        return value;
    }

    /** Changes the delay line: {@code tools/testbed set}. */
    public void set(long delayUs, double lossPct) {
        checkOpen();
        Result result = run(DEFAULT_TIMEOUT, List.of(root.resolve("tools/testbed").toString(), "set",
                "--id", id(), "--delay-us", Long.toString(delayUs), "--loss-pct", format(lossPct)));
        if (result.exitCode() != 0) {
            throw new IllegalStateException("testbed set failed (exit " + result.exitCode() + "): "
                    + result.stderr().strip());
        }
        values.putAll(parse(result.stdout()));
    }

    /** Path of the tools/stampd launcher, to run the CLI inside a namespace. */
    public String stampd() {
        return root.resolve("tools/stampd").toString();
    }

    /** Runs {@code cmd} in namespace {@code ns} of this test bed and waits up to {@link #DEFAULT_TIMEOUT}. */
    public Result exec(String ns, String... cmd) {
        return exec(DEFAULT_TIMEOUT, ns, cmd);
    }

    /** Runs {@code cmd} in namespace {@code ns}; kills it and throws if it outlives {@code timeout}. */
    public Result exec(Duration timeout, String ns, String... cmd) {
        checkOpen();
        return run(timeout, inNamespace(ns, cmd));
    }

    /**
     * Starts {@code cmd} in namespace {@code ns} and returns at once, stdout and stderr piped. The
     * caller stops it; whatever still runs at {@link #close()} is killed then.
     */
    public Process start(String ns, String... cmd) {
        checkOpen();
        try {
            Process process = new ProcessBuilder(inNamespace(ns, cmd)).start();
            started.track(process);
            return process;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + String.join(" ", cmd) + " in " + ns, e);
        }
    }

    /**
     * Runs {@code body} in this JVM on a thread that has joined namespace {@code ns} of this test
     * bed, and returns its result: a way to open sockets inside the test bed (they stay in it
     * whichever thread uses them later) and to send hand-built packets from the test itself.
     */
    public <T> T call(String ns, Callable<T> body) throws Exception {
        checkOpen();
        checkOwn(ns);
        return io.stampd.sys.bpf.NetNamespace.callIn(ns, body);
    }

    /** The id of the XDP program attached to interface {@code dev} of namespace {@code ns}, 0 for none. */
    public int xdpProgramOn(String ns, String dev) throws Exception {
        return call(ns, () -> io.stampd.sys.bpf.Xdp.attachedProgramId(io.stampd.sys.bpf.NetInterfaces.indexOf(dev)));
    }

    /** Kills what {@link #start} started and runs {@code tools/testbed down}. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        started.killAll();
        Result result = run(DEFAULT_TIMEOUT, List.of(root.resolve("tools/testbed").toString(), "down", "--id", id()));
        if (result.exitCode() != 0) {
            throw new IllegalStateException("testbed down --id " + id() + " failed (exit " + result.exitCode()
                    + "): " + result.stderr().strip());
        }
    }

    private void downQuietly() {
        if (values.containsKey("TESTBED_ID")) {
            run(DEFAULT_TIMEOUT, List.of(root.resolve("tools/testbed").toString(), "down", "--id", id()));
        }
    }

    private List<String> inNamespace(String ns, String... cmd) {
        checkOwn(ns);
        if (cmd.length == 0) {
            throw new IllegalArgumentException("no command given to run in " + ns);
        }
        List<String> command = new ArrayList<>(List.of("ip", "netns", "exec", ns));
        command.addAll(Arrays.asList(cmd));
        return command;
    }

    private void checkOwn(String ns) {
        Set<String> own = Set.of(senderNs(), transitNs(), reflectorNs());
        if (!own.contains(ns)) {
            throw new IllegalArgumentException("namespace '" + ns + "' is not part of test bed " + id() + " " + own);
        }
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("test bed " + id() + " is already down");
        }
    }

    private static String format(double lossPct) {
        return BigDecimal.valueOf(lossPct).stripTrailingZeros().toPlainString();
    }

    /** Outcome of a finished command. */
    public record Result(List<String> command, int exitCode, String stdout, String stderr) {
        /** Returns this if the command exited with 0, else throws with its stderr. */
        public Result requireSuccess() {
            if (exitCode != 0) {
                throw new AssertionError(String.join(" ", command) + " exited with " + exitCode + ": "
                        + stderr.strip());
            }
            return this;
        }

        /** stdout as KEY=VALUE pairs. */
        public Map<String, String> keyValues() {
            return parse(stdout);
        }
    }

    /** Runs a command with output into temporary files (no pipe can fill up), bounded by {@code timeout}. */
    static Result run(Duration timeout, List<String> command) {
        Path out = null;
        Path err = null;
        try {
            out = Files.createTempFile("testbed-out", ".txt");
            err = Files.createTempFile("testbed-err", ".txt");
            Process process = new ProcessBuilder(command).redirectOutput(out.toFile())
                    .redirectError(err.toFile()).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .start();
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
                process.waitFor(5, TimeUnit.SECONDS);
                throw new AssertionError(String.join(" ", command) + " did not finish within " + timeout
                        + "; stderr so far: " + Files.readString(err).strip());
            }
            return new Result(List.copyOf(command), process.exitValue(), Files.readString(out), Files.readString(err));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + String.join(" ", command), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + String.join(" ", command), e);
        } finally {
            deleteQuietly(out);
            deleteQuietly(err);
        }
    }

    private static void deleteQuietly(Path file) {
        if (file != null) {
            try {
                Files.deleteIfExists(file);
            } catch (IOException e) {
                // A leftover temporary file is harmless; the test result matters more.
            }
        }
    }
}
