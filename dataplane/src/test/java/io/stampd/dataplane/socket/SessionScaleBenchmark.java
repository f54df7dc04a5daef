package io.stampd.dataplane.socket;

import io.stampd.dataplane.SendTiming;
import io.stampd.dataplane.SenderHandle;
import io.stampd.dataplane.codec.TimestampFormat;
import io.stampd.dataplane.session.Ipv6Addresses;
import io.stampd.dataplane.session.ReflectorSessionConfig;
import io.stampd.dataplane.session.SenderListener;
import io.stampd.dataplane.session.SenderSessionConfig;

import java.lang.management.ManagementFactory;
import java.net.Inet6Address;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.LongAdder;

/**
 * Benchmark of issue 11's target on the socket plane alone: {@code sessions} Session-Senders at
 * {@code pps} packets per second each (10,000 × 10 by default) from one data plane, towards a
 * reflector plane in the same process on ::1 (both I/O threads on this machine's CPUs, as the
 * agent and the reflector share them in experiment (e)). After a warm-up, a measured window:
 * the share of the schedule sent, the send-time error (T1 against the scheduled time) of every
 * packet sent in it, replies received, and the sender I/O thread's CPU time per packet. The
 * sessions' listener only counts (no statistics), so what is measured is the data plane.
 * Bounded: the sessions are closed after the window (and would stop 120 s after it), at most 600 s.
 *
 * <p>Usage: {@code SessionScaleBenchmark [sessions] [pps] [window s] [warm-up s]} (defaults 10000,
 * 10, 20, 5).
 */
public final class SessionScaleBenchmark {
    private static final Inet6Address LOOPBACK = Ipv6Addresses.parse("::1", "benchmark address");

    private SessionScaleBenchmark() {
    }

    /** Counts replies; nothing else. */
    private static final class Counting implements SenderListener {
        final LongAdder replies = new LongAdder();

        @Override
        public void onSent(long seq, long t1, long monoNanos) {
        }

        @Override
        public void onReply(long senderSeq, long t1, long t2, long t3, long t4, int senderTtl, long reflectorSeq,
                            long monoNanos) {
            replies.increment();
        }

        @Override
        public void onRejected(String reason) {
        }

        @Override
        public void onMalformed(String reason) {
        }
    }

    public static void main(String[] args) throws Exception {
        int sessions = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
        int pps = args.length > 1 ? Integer.parseInt(args[1]) : 10;
        int window = args.length > 2 ? Integer.parseInt(args[2]) : 20;
        int warmup = args.length > 3 ? Integer.parseInt(args[3]) : 5;
        if (sessions < 1 || sessions > 65_535 || pps < 1 || pps > 1000 || window < 1 || warmup < 0
                || window + warmup > 600) {
            throw new IllegalArgumentException("sessions 1..65535, pps 1..1000, window + warm-up <= 600 s");
        }
        int port = 40_000 + (int) (ProcessHandle.current().pid() % 20_000);
        long interval = 1_000_000_000L / pps;
        // Enough for the start, the warm-up and the window; the sessions are closed after the window.
        long packetCount = (long) pps * (window + warmup + 120);
        try (SocketDataPlane reflector = new SocketDataPlane();
             SocketDataPlane sender = new SocketDataPlane()) {
            reflector.startReflector(new ReflectorSessionConfig(1, ReflectorSessionConfig.ANY_SSID, null, 0, null,
                    port, List.of(), TimestampFormat.NTP, false, null));
            Thread senderLoop = sender.loop.call(Thread::currentThread);
            Counting counting = new Counting();
            List<SenderHandle> handles = new ArrayList<>();
            long started = System.nanoTime();
            for (int i = 0; i < sessions; i++) {
                handles.add(sender.startSender(SenderSessionConfig.builder().id(i).ssid(1 + i % 65_535)
                        .reflectorAddress(LOOPBACK).reflectorPort(port).intervalNanos(interval)
                        .packetCount(packetCount).build(), counting));
            }
            long startSpan = System.nanoTime() - started;
            Thread.sleep(warmup * 1000L);
            var mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
            SendTiming timing0 = sender.sendTiming().orElseThrow();
            long sent0 = sent(handles);
            long replies0 = counting.replies.sum();
            long cpu0 = mx.getThreadCpuTime(senderLoop.threadId());
            long t0 = System.nanoTime();
            String load0 = loadAverage();
            Thread.sleep(window * 1000L);
            long sent1 = sent(handles);
            long replies1 = counting.replies.sum();
            long cpu1 = mx.getThreadCpuTime(senderLoop.threadId());
            long t1 = System.nanoTime();
            SendTiming timing = sender.sendTiming().orElseThrow().since(timing0);
            long sent = sent1 - sent0;
            double expected = (double) sessions * pps * (t1 - t0) / 1e9;
            System.out.printf(Locale.ROOT, "sessions %d at %d pps (%d sender sockets, started in %.1f s), window %.1f s,"
                    + " load average %s at its start, %s at its end%n", sessions, pps, sender.senderSockets(),
                    startSpan / 1e9, (t1 - t0) / 1e9, load0, loadAverage());
            System.out.printf(Locale.ROOT, "sent %d of %.0f scheduled (%.3f %%), replies %d, send errors %d%n",
                    sent, expected, 100.0 * sent / expected, replies1 - replies0, sendErrors(handles));
            System.out.printf(Locale.ROOT, "send-time error: p50 %.1f us, p99 %.1f us, p99.9 %.1f us, max %.1f us%n",
                    timing.percentileNanos(50) / 1e3, timing.percentileNanos(99) / 1e3,
                    timing.percentileNanos(99.9) / 1e3, timing.maxNanos() / 1e3);
            System.out.printf(Locale.ROOT, "sender I/O thread: %.0f ns CPU per test packet (its replies, and its polling"
                    + " before deadlines, included), %.0f %% of a CPU%n", (double) (cpu1 - cpu0) / sent,
                    100.0 * (cpu1 - cpu0) / (t1 - t0));
            handles.forEach(SenderHandle::close);
        }
    }

    /** The 1-minute load average: what else this machine ran meanwhile. */
    private static String loadAverage() {
        try {
            return java.nio.file.Files.readString(java.nio.file.Path.of("/proc/loadavg")).split(" ")[0];
        } catch (java.io.IOException e) {
            return "?";
        }
    }

    private static long sent(List<SenderHandle> handles) {
        return handles.stream().mapToLong(SenderHandle::sent).sum();
    }

    private static long sendErrors(List<SenderHandle> handles) {
        return handles.stream().mapToLong(SenderHandle::sendErrors).sum();
    }
}
