package io.stampd.tools.bench.footprint;

import io.stampd.dataplane.session.DelayStatistic;
import io.stampd.dataplane.session.Ipv6Addresses;
import io.stampd.dataplane.session.SenderSessionConfig;
import io.stampd.dataplane.session.SenderStatistics;
import org.HdrHistogram.AbstractHistogram;
import org.HdrHistogram.IntCountsHistogram;
import org.HdrHistogram.PackedHistogram;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.function.Supplier;

/**
 * {@code stampd bench-footprint}: the retained heap of one Session-Sender's statistics at 10 pps,
 * per component, from many sessions fed {@link ReplyWorkload}'s replies; and the two HdrHistogram
 * layouts a delay series could use (IntCountsHistogram, PackedHistogram), compared on the same
 * values in the same run: retained bytes, nanoseconds per recordValue, identical percentiles.
 * The per-session figure of README.md ("Memory per session") and of the launcher's heap sizing
 * comes from here.
 */
@Command(name = "bench-footprint", mixinStandardHelpOptions = true,
        description = "Retained heap per sender session (statistics, records) and histogram layout costs.")
public final class FootprintCommand implements Callable<Integer> {
    private static final double[] SUMMARY_PERCENTILES = {50, 95, 99, 99.9};

    @Option(names = "--sessions", paramLabel = "N", description = "Sessions measured together (default: ${DEFAULT-VALUE}).")
    int sessions = 10_000;

    @Option(names = "--replies", paramLabel = "N", description = "Replies per session, at 10 pps (default: ${DEFAULT-VALUE}: 5 minutes).")
    int replies = 3_000;

    @Option(names = "--record-capacity", paramLabel = "N", description = "YANG record-capacity (default: ${DEFAULT-VALUE}).")
    int recordCapacity = 256;

    @Option(names = "--timing-replies", paramLabel = "N",
            description = "Values per histogram in the recordValue timing (default: ${DEFAULT-VALUE}).")
    int timingReplies = 1_000;

    @Override
    public Integer call() {
        System.out.printf(Locale.ROOT, "# %,d sender sessions at 10 pps, %,d replies each (one 100-150 ms spike per %d),"
                + " record-capacity %d; bytes retained per session%n", sessions, replies, ReplyWorkload.SPIKE_EVERY,
                recordCapacity);
        double fresh = RetainedHeap.perInstance(sessions, i -> session(i, recordCapacity, 0));
        double full = RetainedHeap.perInstance(sessions, i -> session(i, recordCapacity, replies));
        double oneRecord = RetainedHeap.perInstance(sessions, i -> session(i, 1, replies));
        double series = RetainedHeap.perInstance(sessions, i -> delaySeries(i, replies));
        row("session, before any reply", fresh);
        row("session, after the replies", full);
        row("  six delay series (histograms, min/max/mean)", series);
        row("  record ring (" + recordCapacity + " records)", full - oneRecord);
        row("  the rest (loss window, variation rings, counters)", oneRecord - series);

        System.out.printf(Locale.ROOT, "%n# HdrHistogram layouts, forward delays of %,d sessions, 3 digits,"
                + " lowest 1,000 ns, initial range 1 ms, auto-resize%n", sessions);
        int[][] values = forwardDelays(sessions, timingReplies);
        compare("IntCountsHistogram", () -> new IntCountsHistogram(1_000, 1_000_000, 3), values,
                "PackedHistogram", () -> new PackedHistogram(1_000, 1_000_000, 3));
        return 0;
    }

    private static void row(String what, double bytes) {
        System.out.printf(Locale.ROOT, "%-55s %,10.0f B%n", what, bytes);
    }

    private static SenderStatistics session(int n, int capacity, int replies) {
        SenderSessionConfig c = SenderSessionConfig.builder().reflectorAddress(Ipv6Addresses.parse("2001:db8::1", "bench"))
                .ssid(n % 65536).intervalNanos(ReplyWorkload.INTERVAL_NANOS).recordCapacity(capacity).build();
        SenderStatistics st = SenderStatistics.forSession(c);
        ReplyWorkload w = new ReplyWorkload(n);
        long[] t = new long[4];
        for (long seq = 0; seq < replies; seq++) {
            w.reply(seq, t);
            st.onSent(seq, t[0], ReplyWorkload.sentMono(seq));
            st.onReply(seq, t[0], t[1], t[2], t[3], 64, seq, ReplyWorkload.sentMono(seq) + t[3] - t[0]);
        }
        return st;
    }

    /** The six series SenderStatistics keeps for these replies, on their own (none lost or reordered). */
    private static DelayStatistic[] delaySeries(int n, int replies) {
        DelayStatistic[] s = {new DelayStatistic(), new DelayStatistic(), new DelayStatistic(),
                new DelayStatistic(2), new DelayStatistic(2), new DelayStatistic(2)};
        ReplyWorkload w = new ReplyWorkload(n);
        long[] t = new long[4];
        long[] previous = null;
        for (long seq = 0; seq < replies; seq++) {
            w.reply(seq, t);
            long[] d = {t[1] - t[0], t[3] - t[2], (t[3] - t[0]) - (t[2] - t[1])};
            for (int k = 0; k < 3; k++) {
                s[k].record(d[k]);
                if (previous != null) {
                    s[3 + k].record(Math.abs(d[k] - previous[k]));
                }
            }
            previous = d;
        }
        return s;
    }

    private static int[][] forwardDelays(int sessions, int replies) {
        int[][] v = new int[sessions][replies];
        long[] t = new long[4];
        for (int s = 0; s < sessions; s++) {
            ReplyWorkload w = new ReplyWorkload(s);
            for (int r = 0; r < replies; r++) {
                w.reply(r, t);
                v[s][r] = Math.toIntExact(t[1] - t[0]);
            }
        }
        return v;
    }

    /**
     * Both layouts record the same values, one histogram per session, sessions interleaved as the
     * I/O thread sees them (so caches are as cold as with many sessions); five rounds each,
     * alternating, the fastest reported. The first pass fills fresh histograms (a packed one grows
     * as buckets fill), the second records the same values again (steady state). Reading is timed
     * too: the four percentiles a session's summary asks of each series (50 and the YANG defaults).
     */
    private void compare(String nameA, Supplier<AbstractHistogram> a, int[][] values, String nameB,
                         Supplier<AbstractHistogram> b) {
        double[] firstA = {Double.MAX_VALUE}, againA = {Double.MAX_VALUE};
        double[] firstB = {Double.MAX_VALUE}, againB = {Double.MAX_VALUE};
        double readA = Double.MAX_VALUE, readB = Double.MAX_VALUE;
        AbstractHistogram[] lastA = null, lastB = null;
        for (int round = 0; round < 5; round++) {
            lastA = time(a, values, firstA, againA);
            lastB = time(b, values, firstB, againB);
            readA = Math.min(readA, readAll(lastA));
            readB = Math.min(readB, readAll(lastB));
        }
        long mismatches = 0;
        for (int s = 0; s < values.length; s++) {
            for (double p : new double[] {50, 95, 99, 99.9, 100}) {
                if (lastA[s].getValueAtPercentile(p) != lastB[s].getValueAtPercentile(p)) {
                    mismatches++;
                }
            }
        }
        double bytesA = RetainedHeap.perInstance(values.length, i -> filled(a, values[i]));
        double bytesB = RetainedHeap.perInstance(values.length, i -> filled(b, values[i]));
        String format = "%-20s %,8.0f B retained  %6.1f ns/recordValue (filling)  %6.1f ns (again)"
                + "  %,8.0f ns per 4 percentiles%n";
        System.out.printf(Locale.ROOT, format, nameA, bytesA, firstA[0], againA[0], readA);
        System.out.printf(Locale.ROOT, format, nameB, bytesB, firstB[0], againB[0], readB);
        System.out.printf(Locale.ROOT, "%s/%s: memory %.2f, record time %.2f (filling), %.2f (again), percentile"
                        + " time %.2f; percentiles 50/95/99/99.9/100 differing: %d of %d%n", nameB, nameA,
                bytesB / bytesA, firstB[0] / firstA[0], againB[0] / againA[0], readB / readA, mismatches,
                values.length * 5L);
    }

    private static AbstractHistogram filled(Supplier<AbstractHistogram> make, int[] values) {
        AbstractHistogram h = make.get();
        h.setAutoResize(true);
        for (int v : values) {
            h.recordValue(v);
        }
        return h;
    }

    private static AbstractHistogram[] time(Supplier<AbstractHistogram> make, int[][] values, double[] first,
                                            double[] again) {
        AbstractHistogram[] h = new AbstractHistogram[values.length];
        for (int s = 0; s < h.length; s++) {
            h[s] = make.get();
            h[s].setAutoResize(true);
        }
        first[0] = Math.min(first[0], recordAll(h, values));
        again[0] = Math.min(again[0], recordAll(h, values));
        return h;
    }

    /** Nanoseconds per histogram to answer the four percentiles of a summary. */
    private static double readAll(AbstractHistogram[] h) {
        long sink = 0;
        long t0 = System.nanoTime();
        for (AbstractHistogram x : h) {
            for (double p : SUMMARY_PERCENTILES) {
                sink += x.getValueAtPercentile(p);
            }
        }
        double ns = (double) (System.nanoTime() - t0) / h.length;
        return sink == Long.MIN_VALUE ? -1 : ns; // keeps the reads from being optimised away
    }

    /** Nanoseconds per recordValue, recording reply r of every session before reply r + 1 of any. */
    private static double recordAll(AbstractHistogram[] h, int[][] values) {
        int replies = values[0].length;
        long t0 = System.nanoTime();
        for (int r = 0; r < replies; r++) {
            for (int s = 0; s < h.length; s++) {
                h[s].recordValue(values[s][r]);
            }
        }
        return (double) (System.nanoTime() - t0) / ((long) replies * h.length);
    }
}
