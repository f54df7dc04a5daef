package io.stampd.tools;

import io.stampd.tools.testing.StartedProcesses;

import io.stampd.tools.testing.TestEnv;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * Two network namespaces of the traffic generator tests, {@code tg-ID-gen} (fd00:7a::1 on veth
 * tgIDg) and {@code tg-ID-sink} (fd00:7a::2 on veth tgIDs), joined by one veth pair. Commands run
 * only inside these two namespaces, each with a timeout; {@link #close()} deletes both (and with
 * them the veth pair and any XDP program on it).
 */
final class GenSinkNamespaces implements AutoCloseable {
    static final String GEN_ADDR = "fd00:7a::1";
    static final String SINK_ADDR = "fd00:7a::2";
    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    final String id;
    final String genNs;
    final String sinkNs;
    final String genDev;
    final String sinkDev;
    private final StartedProcesses started = new StartedProcesses();
    private boolean closed;

    private GenSinkNamespaces(String id) {
        this.id = id;
        this.genNs = "tg-" + id + "-gen";
        this.sinkNs = "tg-" + id + "-sink";
        this.genDev = "tg" + id + "g";
        this.sinkDev = "tg" + id + "s";
    }

    /** Creates both namespaces, the veth pair and the addresses (no DAD, so they are usable at once). */
    static GenSinkNamespaces create() {
        String id = HexFormat.of().toHexDigits((short) ThreadLocalRandom.current().nextInt(1 << 16));
        GenSinkNamespaces n = new GenSinkNamespaces(id);
        try {
            run(List.of("ip", "netns", "add", n.genNs)).requireSuccess();
            run(List.of("ip", "netns", "add", n.sinkNs)).requireSuccess();
            run(List.of("ip", "link", "add", n.genDev, "netns", n.genNs, "type", "veth", "peer", "name", n.sinkDev,
                    "netns", n.sinkNs)).requireSuccess();
            for (String[] side : new String[][] {{n.genNs, n.genDev, GEN_ADDR}, {n.sinkNs, n.sinkDev, SINK_ADDR}}) {
                n.exec(side[0], "ip", "link", "set", "lo", "up").requireSuccess();
                n.exec(side[0], "ip", "addr", "add", side[2] + "/64", "dev", side[1], "nodad").requireSuccess();
                n.exec(side[0], "ip", "link", "set", side[1], "up").requireSuccess();
            }
            return n;
        } catch (RuntimeException | AssertionError e) {
            n.close();
            throw e;
        }
    }

    String stampd() {
        return TestEnv.projectRoot().resolve("tools/stampd").toString();
    }

    /** Runs {@code cmd} in one of the two namespaces and waits for it (at most a minute). */
    Result exec(String ns, String... cmd) {
        return run(inNamespace(ns, cmd));
    }

    /** Starts {@code cmd} in one of the two namespaces; {@link #close()} kills it if still running. */
    Process start(String ns, String... cmd) {
        try {
            Process p = new ProcessBuilder(inNamespace(ns, cmd)).start();
            started.track(p);
            return p;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + String.join(" ", cmd), e);
        }
    }

    /** The MAC address of {@code dev} in {@code ns}. */
    String mac(String ns, String dev) {
        return exec(ns, "cat", "/sys/class/net/" + dev + "/address").requireSuccess().stdout().strip();
    }

    /** A counter of /proc/net/snmp6 in {@code ns}, e.g. Udp6InCsumErrors. */
    long snmp6(String ns, String name) {
        for (String line : exec(ns, "cat", "/proc/net/snmp6").requireSuccess().stdout().split("\n")) {
            String[] f = line.trim().split("\\s+");
            if (f.length == 2 && f[0].equals(name)) {
                return Long.parseLong(f[1]);
            }
        }
        throw new AssertionError("/proc/net/snmp6 of " + ns + " has no " + name);
    }

    /**
     * Every drop counter the two veth ends report: the kernel's rx/tx_dropped of both and the
     * driver's ring drops and XDP transmit errors (ethtool -S, when ethtool is there; not
     * xdp_drops, which are the XDP program's own verdicts).
     */
    long vethDrops() {
        long sum = 0;
        for (String[] side : new String[][] {{genNs, genDev}, {sinkNs, sinkDev}}) {
            for (String file : List.of("rx_dropped", "tx_dropped")) {
                sum += Long.parseLong(exec(side[0], "cat", "/sys/class/net/" + side[1] + "/statistics/" + file)
                        .requireSuccess().stdout().strip());
            }
            if (hasEthtool()) {
                for (String line : exec(side[0], "ethtool", "-S", side[1]).stdout().split("\n")) {
                    String[] kv = line.trim().split(":\\s*");
                    if (kv.length == 2 && kv[0].matches("rx_queue_\\d+_drops|.*xdp_tx_errors|.*xdp_xmit_errors") && kv[1].matches("\\d+")) {
                        sum += Long.parseLong(kv[1]);
                    }
                }
            }
        }
        return sum;
    }

    static boolean hasEthtool() {
        return Files.isExecutable(Path.of("/usr/sbin/ethtool")) || Files.isExecutable(Path.of("/sbin/ethtool"));
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        started.killAll();
        run(List.of("ip", "netns", "del", genNs));
        run(List.of("ip", "netns", "del", sinkNs));
    }

    /** Whether a namespace of this pair still exists. */
    boolean anyLeft() {
        return Files.exists(Path.of("/run/netns", genNs)) || Files.exists(Path.of("/run/netns", sinkNs));
    }

    private List<String> inNamespace(String ns, String... cmd) {
        if (!ns.equals(genNs) && !ns.equals(sinkNs)) {
            throw new IllegalArgumentException("namespace '" + ns + "' is not " + genNs + " or " + sinkNs);
        }
        List<String> command = new ArrayList<>(List.of("ip", "netns", "exec", ns));
        command.addAll(Arrays.asList(cmd));
        return command;
    }

    record Result(List<String> command, int exitCode, String stdout, String stderr) {
        Result requireSuccess() {
            if (exitCode != 0) {
                throw new AssertionError(String.join(" ", command) + " exited with " + exitCode + ": " + stderr.strip());
            }
            return this;
        }

        Map<String, String> keyValues() {
            Map<String, String> values = new LinkedHashMap<>();
            for (String line : stdout.split("\n")) {
                int eq = line.indexOf('=');
                if (eq > 0) {
                    values.put(line.substring(0, eq), line.substring(eq + 1).strip());
                }
            }
            return values;
        }
    }

    private static Result run(List<String> command) {
        Path out = null;
        Path err = null;
        try {
            out = Files.createTempFile("tg-out", ".txt");
            err = Files.createTempFile("tg-err", ".txt");
            Process p = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
            if (!p.waitFor(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
                p.waitFor(5, TimeUnit.SECONDS);
                throw new AssertionError(String.join(" ", command) + " did not finish within " + TIMEOUT);
            }
            return new Result(List.copyOf(command), p.exitValue(), Files.readString(out), Files.readString(err));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + String.join(" ", command), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + String.join(" ", command), e);
        } finally {
            for (Path f : new Path[] {out, err}) {
                if (f != null) {
                    try {
                        Files.deleteIfExists(f);
                    } catch (IOException ignored) {
                        // a leftover temporary file is harmless
                    }
                }
            }
        }
    }
}
