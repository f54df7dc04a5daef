package io.stampd.tools.watch;

import io.stampd.tools.Durations;
import io.stampd.tools.ProbeRun;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code stampd watch}: the sender sessions of a running agent (NETCONF over SSH), redrawn every
 * second in the terminal: latest forward, backward and round-trip delay, loss, liveness and a
 * sparkline of the last minute's round-trip delay.
 */
@Command(name = "watch", mixinStandardHelpOptions = true,
        description = {"Live view of the sender sessions of a running agent, read over NETCONF (one <get> per"
                + " refresh), or of a probe run in this process (--probe): per session the latest forward, backward"
                + " and round-trip delay, loss, liveness and a sparkline of the last minute's round-trip delay"
                + " (--sparkline: or forward or backward)."
                + " Ctrl-C quits.",
                "The password comes from an environment variable (default STAMPD_NETCONF_PASSWORD) or a file,"
                        + " never from the command line; or log in with --identity."},
        footer = {"", "Example: STAMPD_NETCONF_PASSWORD=... stampd watch --host ::1 --user admin",
                "         stampd watch --host 2001:db8::1 --user ops -i ~/.ssh/id_ecdsa --once",
                "         stampd watch --probe -- --reflector fd00::2 --interval 10ms"})
public final class WatchCommand implements Callable<Integer> {
    static final String DEFAULT_PASSWORD_ENV = "STAMPD_NETCONF_PASSWORD";
    private static final Duration WINDOW = Duration.ofSeconds(60);
    private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'")
            .withZone(ZoneOffset.UTC);

    @Spec
    CommandSpec spec;

    @Option(names = "--host", defaultValue = "::1", paramLabel = "ADDRESS",
            description = "Address or name of the agent (default ${DEFAULT-VALUE}).")
    String host;

    @Option(names = "--port", defaultValue = "830", paramLabel = "PORT",
            description = "NETCONF port of the agent (default ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--user", paramLabel = "NAME", description = "NETCONF user of the agent (needed unless --probe).")
    String user;

    @Option(names = "--probe", description = "Instead of an agent, run a probe session in this process and watch it;"
            + " the probe's options follow '--' (as for stampd probe; without --count it runs until Ctrl-C).")
    boolean probe;

    @Parameters(paramLabel = "PROBE-OPTIONS", arity = "0..*",
            description = "With --probe, after '--': the options of stampd probe, e.g. -- --reflector fd00::2.")
    List<String> probeOptions = new ArrayList<>();

    @Option(names = "--password-env", defaultValue = DEFAULT_PASSWORD_ENV, paramLabel = "VARIABLE",
            description = "Environment variable holding the password (default ${DEFAULT-VALUE}).")
    String passwordEnv;

    @Option(names = "--password-file", paramLabel = "FILE",
            description = "File whose first line is the password (instead of the environment variable).")
    Path passwordFile;

    @Option(names = {"--identity", "-i"}, paramLabel = "FILE",
            description = "OpenSSH private key (unencrypted) for public-key login.")
    Path identity;

    @Option(names = "--host-key-fingerprint", paramLabel = "SHA256:...",
            description = "Refuse the agent unless its host key has this fingerprint (the agent logs it at start);"
                    + " without it the fingerprint is shown in the title, not checked.")
    String hostKeyFingerprint;

    @Option(names = "--timeout", defaultValue = "10s", paramLabel = "DURATION", converter = Durations.class,
            description = "Connection, login and reply timeout (default ${DEFAULT-VALUE}).")
    long timeoutNanos;

    @Option(names = "--refresh", defaultValue = "1s", paramLabel = "DURATION", converter = Durations.class,
            description = "Time between refreshes, at least 100ms (default ${DEFAULT-VALUE}); the sparkline has a"
                    + " column per refresh.")
    long refreshNanos;

    @Option(names = "--sparkline", defaultValue = "round-trip", paramLabel = "round-trip|forward|backward",
            description = "The delay the sparkline follows (default ${DEFAULT-VALUE}; one-way delays need"
                    + " synchronised clocks).")
    String sparkline;

    @Option(names = "--once", description = "Print one frame as plain text and exit (for scripts).")
    boolean once;

    @Option(names = "--count", paramLabel = "N", defaultValue = "0",
            description = "Exit after N refreshes, leaving the last frame on the screen (default: until Ctrl-C).")
    long count;

    /** Where frames go: standard output in UTF-8 whatever the locale (the sparkline is Unicode). */
    PrintStream out = new PrintStream(new FileOutputStream(FileDescriptor.out), false, StandardCharsets.UTF_8);

    @Override
    public Integer call() throws Exception {
        if (refreshNanos < 100_000_000L) {
            throw new ParameterException(spec.commandLine(), "--refresh: " + refreshNanos / 1_000_000 + " ms is"
                    + " shorter than 100 ms");
        }
        if (timeoutNanos < 1_000_000L) {
            throw new ParameterException(spec.commandLine(), "--timeout: must be at least 1 ms");
        }
        if (count < 0) {
            throw new ParameterException(spec.commandLine(), "--count: " + count + " is negative");
        }
        if (port < 1 || port > 65535) {
            throw new ParameterException(spec.commandLine(), "--port: " + port + " is not a port number 1..65535");
        }
        SparkMetric metric;
        try {
            metric = SparkMetric.parse(sparkline);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), "--sparkline: " + e.getMessage());
        }
        if (probe) {
            if (probeOptions.isEmpty()) {
                throw new ParameterException(spec.commandLine(), "--probe: the probe's options follow '--', e.g."
                        + " stampd watch --probe -- --reflector fd00::2");
            }
            ProbeRun started;
            try {
                started = ProbeRun.start(probeOptions);
            } catch (ParameterException e) {
                throw new ParameterException(spec.commandLine(), "--probe: " + e.getMessage());
            }
            try (SessionSource source = new ProbeSource(started)) {
                return run(source, metric);
            }
        }
        if (!probeOptions.isEmpty()) {
            throw new ParameterException(spec.commandLine(), "unexpected arguments " + probeOptions
                    + " (probe options need --probe)");
        }
        if (user == null) {
            throw new ParameterException(spec.commandLine(), "--user: the agent's NETCONF user is needed (or --probe)");
        }
        NetconfLogin login = new NetconfLogin(host, port, user, password(), identity, hostKeyFingerprint,
                Duration.ofNanos(timeoutNanos));
        try (SessionSource source = AgentSource.connect(login)) {
            return run(source, metric);
        }
    }

    private String password() throws IOException {
        if (passwordFile != null) {
            if (!Files.isReadable(passwordFile)) {
                throw new ParameterException(spec.commandLine(), "--password-file: " + passwordFile
                        + " is not a readable file");
            }
            List<String> lines = Files.readAllLines(passwordFile, StandardCharsets.UTF_8);
            if (lines.isEmpty() || lines.getFirst().isEmpty()) {
                throw new ParameterException(spec.commandLine(), "--password-file: " + passwordFile
                        + " has no password on its first line");
            }
            return lines.getFirst();
        }
        String pw = System.getenv(passwordEnv);
        if ((pw == null || pw.isEmpty()) && identity == null) {
            throw new ParameterException(spec.commandLine(), "no credentials: set the environment variable "
                    + passwordEnv + ", or give --password-file or --identity");
        }
        return pw == null || pw.isEmpty() ? null : pw;
    }

    private int run(SessionSource source, SparkMetric metric) throws InterruptedException {
        long bucket = refreshNanos;
        DelayHistory history = new DelayHistory(bucket, (int) Math.max(1, WINDOW.toNanos() / bucket), metric);
        String window = WINDOW.toSeconds() + " s";
        if (once) {
            if (source instanceof ProbeSource) {
                // a probe started a moment ago has measured nothing yet: one refresh's worth first
                Thread.sleep(Duration.ofNanos(bucket));
            }
            out.println(String.join("\n", frame(source, history, window, Terminal.width())));
            out.flush();
            return 0;
        }
        Terminal terminal = new Terminal(out);
        Thread restore = new Thread(() -> {
            terminal.restore();
            source.close();
        });
        Runtime.getRuntime().addShutdownHook(restore);
        List<String> last = List.of();
        long next = System.nanoTime();
        for (long n = 1; count == 0 || n <= count; n++) {
            last = frame(source, history, window, Terminal.width());
            terminal.draw(last);
            next += bucket;
            long wait = next - System.nanoTime();
            if (wait > 0 && (count == 0 || n < count)) {
                Thread.sleep(Duration.ofNanos(wait));
            } else if (wait <= 0) {
                next = System.nanoTime();
            }
        }
        terminal.restore();
        try {
            Runtime.getRuntime().removeShutdownHook(restore);
        } catch (IllegalStateException ignored) {
            // already shutting down
        }
        // the alternate screen is gone: the last frame stays in the scrollback for the record
        out.println(String.join("\n", last));
        out.flush();
        return 0;
    }

    /** Polls once and renders; a failed poll becomes the status line (the next refresh tries again). */
    private List<String> frame(SessionSource source, DelayHistory history, String window, int width) {
        long now = Instant.now().toEpochMilli() * 1_000_000L;
        String status;
        List<SessionSample> sessions = List.of();
        try {
            sessions = source.poll();
            history.add(sessions, now);
            status = sessions.isEmpty() ? "no sender test sessions configured on this agent" : null;
        } catch (IOException | RuntimeException e) {
            status = "error: " + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage())
                    + " (retrying every refresh)";
        }
        List<WatchScreen.Row> rows = new ArrayList<>();
        for (SessionSample s : sessions) {
            rows.add(new WatchScreen.Row(s, history.millis(s.id(), now)));
        }
        String title = "stampd watch: " + source.describe() + "   " + CLOCK.format(Instant.ofEpochMilli(now / 1_000_000L))
                + "   refresh " + refreshNanos / 1_000_000 + " ms";
        return WatchScreen.render(title, status, rows, history.metric(), window, width);
    }
}
