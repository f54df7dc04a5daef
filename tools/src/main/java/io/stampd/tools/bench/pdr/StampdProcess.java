package io.stampd.tools.bench.pdr;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * stampd running a {@link StampRole} on the router, pinned to the router's CPU. Its JSON "counters"
 * lines (every 50 ms) give the STAMP packets it processed, read as the paper read its SUT's count
 * over the API after each trial.
 */
final class StampdProcess implements StampHandler {
    private static final Pattern FIELD = Pattern.compile("\"(\\w+)\":(-?\\d+)");
    private static final long READY_TIMEOUT_MS = 30_000;
    /** Live processes, so that Ctrl-C on the benchmark can stop them too. */
    private static final Set<StampdProcess> RUNNING = ConcurrentHashMap.newKeySet();

    private final Process process;
    private final StampRole role;
    private final Thread reader;
    private final StringBuilder errors = new StringBuilder();
    private volatile long processed = -1;
    private volatile long linesSeen;

    private StampdProcess(Process process, StampRole role) {
        this.process = process;
        this.role = role;
        RUNNING.add(this);
        this.reader = Thread.ofPlatform().daemon().name("stampd-" + role.label() + "-out").start(this::readLines);
        Thread.ofPlatform().daemon().name("stampd-" + role.label() + "-err").start(this::readErrors);
    }

    static StampdProcess start(Path root, RouterTopology topo, StampRole role, RouterPlane plane) {
        List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", topo.routerNs(), "taskset", "-c",
                Integer.toString(topo.routerCpu()), root.resolve("tools/stampd").toString()));
        cmd.addAll(role.stampdArguments(topo, plane));
        try {
            StampdProcess p = new StampdProcess(new ProcessBuilder(cmd).start(), role);
            p.awaitCounters();
            return p;
        } catch (IOException e) {
            throw new IllegalStateException("cannot start " + String.join(" ", cmd) + ": " + e.getMessage(), e);
        }
    }

    /** STAMP packets processed so far: reflected by a reflector; accounted for (any verdict) by a collector. */
    long processed() {
        return processed;
    }

    /**
     * Waits until a counters line printed after this call has arrived, so that {@link #processed()}
     * includes everything that was queued when it was called.
     */
    @Override
    public long freshProcessed() {
        long seen = linesSeen;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        // Two lines: the first may have been in the pipe already.
        while (linesSeen < seen + 2) {
            if (!process.isAlive() || System.nanoTime() > deadline) {
                throw new IllegalStateException("stampd " + role.label() + " printed no counters (alive="
                        + process.isAlive() + "): " + errors);
            }
            sleepMillis(5);
        }
        return processed;
    }

    /** The JVM's threads' run time (tools/stampd execs it, so the process started is the JVM). */
    @Override
    public long cpuNanos() {
        return CpuTime.processNanos(process.pid());
    }

    /**
     * Waits (at most 15 s) until the JVM has settled: below 4 % of a CPU over two 250 ms samples.
     * A fresh JVM keeps compiling for seconds after its first packets, on the router's CPU where
     * it is pinned, and the first search after a start would measure that instead of stampd.
     */
    @Override
    public void awaitIdle() {
        Path stat = Path.of("/proc", Long.toString(process.pid()), "stat");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        long before = cpuTicks(stat);
        int quiet = 0;
        while (quiet < 2 && System.nanoTime() < deadline && process.isAlive()) {
            sleepMillis(250);
            long now = cpuTicks(stat);
            quiet = now - before <= 1 ? quiet + 1 : 0;
            before = now;
        }
    }

    /** utime + stime of the process, in clock ticks (10 ms). */
    private static long cpuTicks(Path stat) {
        try {
            String s = Files.readString(stat);
            String[] f = s.substring(s.lastIndexOf(')') + 2).split(" ");
            return Long.parseLong(f[11]) + Long.parseLong(f[12]);
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    private void awaitCounters() {
        long deadline = System.currentTimeMillis() + READY_TIMEOUT_MS;
        while (processed < 0) {
            if (!process.isAlive() || System.currentTimeMillis() > deadline) {
                close();
                throw new IllegalStateException("stampd " + role.label() + " did not start: " + errors);
            }
            sleepMillis(20);
        }
    }

    private void readLines() {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                if (line.contains("\"type\":\"counters\"")) {
                    processed = count(line);
                    linesSeen++;
                }
            }
        } catch (IOException ignored) {
            // the process ended
        }
    }

    private void readErrors() {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getErrorStream(),
                StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                synchronized (errors) {
                    if (errors.length() < 4000) {
                        errors.append(line).append(' ');
                    }
                }
            }
        } catch (IOException ignored) {
            // the process ended
        }
    }

    private long count(String line) {
        long received = 0;
        long reflected = 0;
        long rejected = 0;
        long duplicates = 0;
        long malformed = 0;
        Matcher m = FIELD.matcher(line);
        while (m.find()) {
            long v = Long.parseLong(m.group(2));
            switch (m.group(1)) {
                case "received" -> received = v;
                case "reflected" -> reflected = v;
                case "rejected" -> rejected = v;
                case "duplicates" -> duplicates = v;
                case "malformed" -> malformed = v;
                default -> { }
            }
        }
        // A collector has no test packets of its own for these replies: they are rejected as
        // "never sent", after being parsed and checked like any reply; all of them count as collected.
        return role == StampRole.REFLECTOR ? reflected : received + rejected + duplicates + malformed;
    }

    /** Stops every stampd process still running (the benchmark's shutdown hook). */
    static void closeAllRunning() {
        for (StampdProcess p : List.copyOf(RUNNING)) {
            p.close();
        }
    }

    @Override
    public void close() {
        RUNNING.remove(this);
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(5, TimeUnit.SECONDS);
            }
            reader.join(2000);
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    /** Sleeps; an interrupt ends the benchmark (flag kept, exception thrown). */
    static void sleepMillis(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
