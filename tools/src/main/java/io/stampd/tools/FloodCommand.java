package io.stampd.tools;

import io.stampd.dataplane.session.Ipv6Addresses;
import io.stampd.dataplane.socket.StampLoadGenerator;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Load generator for benchmarks: floods a Session-Reflector with STAMP test packets at a fixed rate
 * and counts the replies. Output is JSON lines on stdout: a "measuring" line when the measured
 * phase starts (after the warm-up) and a "summary" line at the end.
 */
@Command(name = "flood", mixinStandardHelpOptions = true,
        description = {"Send unauthenticated STAMP test packets to a reflector at a given rate (sendmmsg batches)"
                + " and count the replies: a load generator for benchmarks, not a measurement tool.",
                "Prints JSON lines: {\"type\":\"measuring\"} when the measured phase starts, then a summary."
                + " Pacing: bursts of up to 32 packets on a busy-waited schedule (parks only when the next burst"
                + " is more than 0.5 ms away), so packets leave up to (burst-1)/rate early and the mean rate is"
                + " exact while the generator keeps up; lag_max_us shows when it did not."})
final class FloodCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    TargetOptions target;

    @Option(names = "--rate", defaultValue = "10000", paramLabel = "PPS",
            description = "Packets per second, 0 = as fast as possible (default ${DEFAULT-VALUE}).")
    long rate;

    @Option(names = "--duration", defaultValue = "5s", converter = Durations.class, paramLabel = "DURATION",
            description = "Length of the measured phase, at most 1h (default ${DEFAULT-VALUE}).")
    long durationNanos;

    @Option(names = "--warmup", defaultValue = "0s", converter = Durations.class, paramLabel = "DURATION",
            description = "Send at the same rate this long first, uncounted: warms the JIT of both ends"
                    + " (default ${DEFAULT-VALUE}).")
    long warmupNanos;

    @Option(names = "--count", paramLabel = "N", defaultValue = "0",
            description = "Stop the measured phase after this many packets, 0 = at the end of --duration.")
    long count;

    @Option(names = "--burst", defaultValue = "0",
            description = "Packets per sendmmsg, 1-32; 0 = automatic: what falls due in 20 us, 32 unpaced"
                    + " (default ${DEFAULT-VALUE}).")
    int burst;

    @Option(names = "--drain", defaultValue = "100ms", converter = Durations.class, paramLabel = "DURATION",
            description = "After the last send, wait for replies until none came for this long (at most 10s;"
                    + " default ${DEFAULT-VALUE}).")
    long drainNanos;

    @Override
    public Integer call() throws Exception {
        StampLoadGenerator.Config config = buildConfig();
        PrintWriter out = spec.commandLine().getOut();
        try (StampLoadGenerator gen = StampLoadGenerator.open(config)) {
            CountDownLatch done = new CountDownLatch(1);
            // On SIGINT/SIGTERM, stop the run and let it print its (partial) summary before exiting.
            StopFlag stop = new StopFlag();
            Thread hook = new Thread(() -> {
                stop.stopped = true;
                try {
                    done.await(3, TimeUnit.SECONDS);
                } catch (InterruptedException ignored) {
                    Thread.currentThread().interrupt();
                }
            });
            Runtime.getRuntime().addShutdownHook(hook);
            StampLoadGenerator.Result r;
            long[] cpuAtStart = new long[1];
            long[] allocAtStart = new long[1];
            try {
                r = gen.run(() -> stop.stopped, () -> {
                    cpuAtStart[0] = processCpuNanos();
                    Map<String, Object> m = new LinkedHashMap<>();
                    m.put("type", "measuring");
                    m.put("local_port", gen.localPort());
                    m.put("unix_ms", System.currentTimeMillis());
                    out.println(Json.object(m));
                    out.flush();
                    allocAtStart[0] = threadAllocatedBytes(); // last: the marker itself allocates
                });
                long allocated = threadAllocatedBytes() - allocAtStart[0];
                long cpu = processCpuNanos() - cpuAtStart[0];
                Map<String, Object> m = summary(config, r, stop.stopped);
                // CPU of the whole generator process (all threads, and the softirq work the kernel
                // charged to it) over the measured phase and drain.
                m.put("cpu_pct", cpuAtStart[0] < 0 || r.elapsedNanos() <= 0 ? null
                        : round(100.0 * cpu / r.elapsedNanos(), 1));
                // Heap allocated by the generator thread over the measured phase and drain (0: nothing per packet).
                m.put("allocated_bytes", allocAtStart[0] < 0 ? null : allocated);
                out.println(Json.object(m));
                out.flush();
            } finally {
                done.countDown();
            }
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException ignored) {
                // already shutting down
            }
            return r.sent() > 0 ? 0 : 1;
        }
    }

    /** Heap bytes allocated so far by the calling thread, or -1 if the JVM does not tell. */
    private static long threadAllocatedBytes() {
        if (java.lang.management.ManagementFactory.getThreadMXBean() instanceof com.sun.management.ThreadMXBean t) {
            return t.getCurrentThreadAllocatedBytes();
        }
        return -1;
    }

    /** CPU time of this process in ns, or -1 if the JVM does not tell. */
    private static long processCpuNanos() {
        if (java.lang.management.ManagementFactory.getOperatingSystemMXBean()
                instanceof com.sun.management.OperatingSystemMXBean os) {
            return os.getProcessCpuTime();
        }
        return -1;
    }

    private static final class StopFlag {
        volatile boolean stopped;
    }

    private static Map<String, Object> summary(StampLoadGenerator.Config c, StampLoadGenerator.Result r,
                                               boolean interrupted) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("type", "summary");
        m.put("reflector", Ipv6Addresses.format(c.reflector()));
        m.put("port", c.port());
        m.put("segments", c.segments().stream().map(Ipv6Addresses::format).toList());
        m.put("rate_pps", c.ratePps());
        m.put("burst", c.effectiveBurst());
        m.put("interrupted", interrupted);
        m.put("sent", r.sent());
        m.put("send_errors", r.sendErrors());
        m.put("received", r.received());
        m.put("lost", Math.max(0, r.sent() - r.received()));
        m.put("loss_pct", round(r.lossPercent(), 4));
        m.put("ignored", r.ignored());
        m.put("send_s", round(r.sendNanos() / 1e9, 6));
        m.put("elapsed_s", round(r.elapsedNanos() / 1e9, 6));
        m.put("sent_pps", round(r.sentPps(), 1));
        m.put("received_pps", round(r.receivedPps(), 1));
        m.put("idle_pct", round(r.sendNanos() > 0 ? 100.0 * r.idleNanos() / r.sendNanos() : 0, 2));
        m.put("bursts", r.bursts());
        m.put("lag_max_us", round(r.maxLagNanos() / 1e3, 1));
        m.put("lag_mean_us", round(r.meanLagNanos() / 1e3, 2));
        m.put("rtt_count", r.rttCount());
        m.put("rtt_min_us", r.rttCount() > 0 ? round(r.rttMinNanos() / 1e3, 1) : null);
        m.put("rtt_mean_us", r.rttCount() > 0 ? round(r.rttSumNanos() / 1e3 / r.rttCount(), 1) : null);
        m.put("rtt_max_us", r.rttCount() > 0 ? round(r.rttMaxNanos() / 1e3, 1) : null);
        return m;
    }

    private static double round(double v, int digits) {
        double f = Math.pow(10, digits);
        return Math.round(v * f) / f;
    }

    private StampLoadGenerator.Config buildConfig() {
        try {
            TargetOptions.Target t = target.resolve();
            if (io.stampd.dataplane.session.PeerAddresses.isIpv4(t.reflector())) {
                throw new IllegalArgumentException("--reflector " + target.reflector.trim() + " is IPv4: flood sends"
                        + " IPv6 test packets only (probe and reflect take IPv4)");
            }
            return new StampLoadGenerator.Config(t.reflector(), target.port, t.source(), t.path(), target.ssid, rate,
                    durationNanos, warmupNanos, count, burst, drainNanos);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), Options.nameIn(e.getMessage(),
                    "reflector port", "--port", "rate", "--rate", "duration", "--duration", "warm-up", "--warmup",
                    "packet count", "--count", "burst", "--burst", "drain", "--drain", "ssid", "--ssid"));
        }
    }
}
