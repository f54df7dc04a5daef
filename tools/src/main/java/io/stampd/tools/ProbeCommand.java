package io.stampd.tools;

import io.stampd.dataplane.DataPlane;
import io.stampd.dataplane.DataPlaneCounters;
import io.stampd.dataplane.SenderHandle;
import io.stampd.dataplane.codec.HexKey;
import io.stampd.dataplane.codec.TimestampFormat;
import io.stampd.dataplane.node.NodeDataPlane;
import io.stampd.dataplane.session.ClassOfServiceRequest;
import io.stampd.dataplane.session.ClassOfServiceSummary;
import io.stampd.dataplane.session.DelayStatistic;
import io.stampd.dataplane.session.Ecn;
import io.stampd.dataplane.session.Ipv6Addresses;
import io.stampd.dataplane.session.PeerAddresses;
import io.stampd.dataplane.session.SenderSessionConfig;
import io.stampd.dataplane.session.SenderStatistics;
import io.stampd.dataplane.session.StampRecord;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** One-shot Session-Sender in the style of twping: per-packet delays, then a summary. */
@Command(name = "probe", mixinStandardHelpOptions = true,
        description = "Send STAMP test packets along an SRv6 path and print forward, backward and round-trip delays.")
final class ProbeCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    DataPlaneOptions plane;

    @Mixin
    TargetOptions target;

    @Option(names = "--source-port", paramLabel = "PORT", defaultValue = "0", description = "Source UDP port (default: ephemeral).")
    int sourcePort;

    @Option(names = "--count", paramLabel = "N", defaultValue = "10", description = "Test packets to send, 0 = until interrupted (default ${DEFAULT-VALUE}).")
    long count;

    @Option(names = "--interval", paramLabel = "DURATION", defaultValue = "100ms", converter = Durations.class,
            description = "Time between test packets, with unit us/ms/s, at least 1ms (default ${DEFAULT-VALUE}).")
    long intervalNanos;

    @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "2s", converter = Durations.class,
            description = "How long to wait for a reply before counting the packet lost (default ${DEFAULT-VALUE}).")
    long timeoutNanos;

    @Option(names = "--timestamp", defaultValue = "ntp", paramLabel = "ntp|ptp", description = "Timestamp format (default ${DEFAULT-VALUE}).")
    String timestamp;

    @Option(names = "--key", paramLabel = "HEX", description = "HMAC-SHA-256 key in hex: authenticated mode.")
    String key;

    @Option(names = "--length", defaultValue = "0", paramLabel = "OCTETS",
            description = "UDP payload length; octets past the base packet are an Extra Padding TLV (default: base packet).")
    int length;

    @Option(names = "--dscp", paramLabel = "0-63", defaultValue = "0", description = "DSCP of the test packets (default ${DEFAULT-VALUE}).")
    int dscp;

    @Option(names = "--ecn", paramLabel = "not-ect|ect1|ect0|ce", defaultValue = "not-ect",
            description = "ECN of the test packets (default ${DEFAULT-VALUE}).")
    String ecn;

    @Option(names = "--cos", paramLabel = "DSCP[,ECN]",
            description = "Send a Class of Service TLV (RFC 8972, with the ECN of draft-ietf-ippm-stamp-cos-ecn):"
                    + " the reflector reports the DSCP and ECN each test packet arrived with and answers with this"
                    + " DSCP and ECN (default not-ect), so that re-marking and congestion marks show on both paths.")
    String cos;

    @Option(names = "--percentiles", defaultValue = "95,99,99.9", split = ",", paramLabel = "P1,P2,P3",
            description = "The three percentiles to report (default ${DEFAULT-VALUE}).")
    double[] percentiles;

    @Option(names = "--spin", paramLabel = "DURATION", defaultValue = "200us", converter = Durations.class,
            description = "Poll instead of sleeping this long before each send: on-time sends from a warm CPU,"
                    + " at that much CPU per packet; 0 to always sleep (default ${DEFAULT-VALUE}).")
    long spinNanos;

    @Option(names = "--reflector-mode", defaultValue = "auto", paramLabel = "auto|stateless|stateful",
            description = "What the reflector's sequence numbers mean; stateful splits loss into forward and backward"
                    + " (default ${DEFAULT-VALUE}: stateful once its numbers differ from ours).")
    String reflectorMode;

    @Option(names = "--follow-up", description = "Ask the reflector (it must be stateful) for Follow-Up Telemetry"
            + " (RFC 8972): the time each reply really left it, used as that reply's T3, so the backward delay"
            + " leaves out the reflector's send path. Each record then appears one reply later.")
    boolean followUp;

    @Option(names = "--json", description = "One JSON object per record, then a summary object.")
    boolean json;

    @Option(names = {"-q", "--quiet"}, description = "Print only the summary.")
    boolean quiet;

    @Option(names = "--stats-interval", paramLabel = "DURATION", defaultValue = "0s", converter = Durations.class,
            description = "Also print the running counters this often, e.g. 100ms (default: only at the end).")
    long statsIntervalNanos;

    /** The running session, once started (its in-kernel count goes into the summary). */
    private volatile SenderHandle handle;

    @Override
    public Integer call() throws Exception {
        SenderSessionConfig config = buildConfig();
        plane.checkIpv4(plane.settings(), config.reflectorAddress(), "--reflector");
        PrintWriter out = spec.commandLine().getOut();
        SenderStatistics stats = SenderStatistics.forSession(config);
        AtomicBoolean summarised = new AtomicBoolean();
        try (DataPlane dp = NodeDataPlane.open(plane.settings(), 32, spinNanos)) {
            SenderHandle h = dp.startSender(config, stats);
            handle = h;
            // A signal ends an endless probe here: summarise, then close the data plane, which
            // detaches its XDP programs (the try-with-resources below never runs then).
            Thread hook = new Thread(() -> {
                summarise(out, config, stats, dp, summarised);
                dp.close();
            });
            Runtime.getRuntime().addShutdownHook(hook);
            if (!json) {
                System.err.printf("STAMP probe to %s from port %d, ssid %d%s%n",
                        PeerAddresses.withPort(config.reflectorAddress(), config.reflectorPort()), h.localPort(),
                        config.ssid(), config.forwardSegments().isEmpty() ? ""
                                : " via " + String.join(",", config.forwardSegments().stream().map(Ipv6Addresses::format).toList()));
            }
            long doneSince = -1;
            long nextCounters = System.nanoTime() + statsIntervalNanos;
            while (true) {
                Thread.sleep(20);
                printRecords(out, stats.drainRecords());
                if (statsIntervalNanos > 0 && System.nanoTime() - nextCounters >= 0) {
                    nextCounters += statsIntervalNanos;
                    printCounters(out, stats.snapshot(System.nanoTime()));
                }
                if (h.finished()) {
                    long now = System.nanoTime();
                    if (doneSince < 0) {
                        doneSince = now;
                    }
                    SenderStatistics.Snapshot snap = stats.snapshot(now);
                    if (snap.inFlight() == 0 || now - doneSince > timeoutNanos) {
                        break;
                    }
                }
            }
            h.close();
            stats.flushPending();
            printRecords(out, stats.drainRecords());
            summarise(out, config, stats, dp, summarised);
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException ignored) {
                // already shutting down
            }
            return stats.snapshot(System.nanoTime()).received() > 0 ? 0 : 1;
        }
    }

    SenderSessionConfig buildConfig() {
        try {
            TargetOptions.Target t = target.resolve();
            return SenderSessionConfig.builder()
                    .ssid(target.ssid)
                    .reflectorAddress(t.reflector())
                    .reflectorPort(target.port)
                    .senderAddress(t.source())
                    .senderPort(sourcePort)
                    .forwardSegments(t.path())
                    .packetCount(count)
                    .intervalNanos(intervalNanos)
                    .lossTimeoutNanos(timeoutNanos)
                    .timestampFormat(TimestampFormat.parse(timestamp))
                    .hmacKey(key == null ? null : HexKey.parse(key))
                    .packetLength(length)
                    .dscp(dscp)
                    .percentiles(percentiles)
                    .recordCapacity(65536)
                    .reflectorMode(parseMode(reflectorMode))
                    .followUpTelemetry(followUp)
                    .ecn(Ecn.parse(ecn))
                    .classOfService(cos == null ? null : classOfService(cos))
                    .build();
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), Options.nameIn(e.getMessage(), "ECN '", "--ecn"));
        }
    }

    /** {@code DSCP[,ECN]} of --cos. */
    private static ClassOfServiceRequest classOfService(String text) {
        String[] parts = text.split(",", -1);
        if (parts.length > 2) {
            throw new IllegalArgumentException("--cos '" + text + "' is not DSCP[,ECN]");
        }
        int dscp;
        try {
            dscp = Integer.parseInt(parts[0].trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--cos '" + text + "': DSCP '" + parts[0] + "' is not a number 0..63");
        }
        try {
            return new ClassOfServiceRequest(dscp, parts.length == 2 ? Ecn.parse(parts[1].trim()) : 0);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--cos '" + text + "': " + e.getMessage());
        }
    }

    private static SenderStatistics.ReflectorMode parseMode(String text) {
        try {
            return SenderStatistics.ReflectorMode.valueOf(text.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("reflector mode '" + text + "' is not one of: auto, stateless, stateful");
        }
    }

    private void printRecords(PrintWriter out, List<StampRecord> records) {
        if (quiet) {
            return;
        }
        for (StampRecord r : records) {
            if (json) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("type", "record");
                m.put("ssid", r.ssid());
                m.put("seq", r.seq());
                m.put("t1_ns", r.t1());
                m.put("t2_ns", r.t2());
                m.put("t3_ns", r.t3());
                m.put("t4_ns", r.t4());
                m.put("forward_ns", r.forwardNanos());
                m.put("backward_ns", r.backwardNanos());
                m.put("rtt_ns", r.roundTripNanos());
                m.put("ttl", r.senderTtl());
                m.put("reflector_seq", r.reflectorSeq());
                out.println(Json.object(m));
            } else {
                out.printf(Locale.ROOT, "seq=%d forward=%s backward=%s rtt=%s ttl=%d%n", r.seq(),
                        ms(r.forwardNanos()), ms(r.backwardNanos()), ms(r.roundTripNanos()), r.senderTtl());
            }
        }
        out.flush();
    }

    /** The running counters, between records: a "counters" object with --json, else one line. */
    private void printCounters(PrintWriter out, SenderStatistics.Snapshot s) {
        if (json) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("type", "counters");
            m.put("sent", s.sent());
            m.put("received", s.received());
            m.put("duplicates", s.duplicates());
            m.put("rejected", s.rejected());
            m.put("malformed", s.malformed());
            m.put("lost", s.lost());
            out.println(Json.object(m));
        } else {
            out.printf(Locale.ROOT, "counters: %d sent, %d received, %d duplicates, %d rejected, %d malformed, %d lost%n",
                    s.sent(), s.received(), s.duplicates(), s.rejected(), s.malformed(), s.lost());
        }
        out.flush();
    }

    private void summarise(PrintWriter out, SenderSessionConfig c, SenderStatistics stats, DataPlane dp,
                           AtomicBoolean done) {
        if (!done.compareAndSet(false, true)) {
            return;
        }
        stats.flushPending(); // the last reply's follow-up will not come
        SenderStatistics.Snapshot s = stats.snapshot(System.nanoTime());
        DataPlaneCounters d = dp.counters();
        double[] p = s.percentiles();
        if (json) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("type", "summary");
            m.put("ssid", c.ssid());
            m.put("reflector", Ipv6Addresses.format(c.reflectorAddress()));
            m.put("port", c.reflectorPort());
            m.put("sent", s.sent());
            m.put("received", s.received());
            m.put("lost", s.lost());
            m.put("loss_pct", s.lossPercent());
            m.put("duplicates", s.duplicates());
            m.put("reordered", s.reordered());
            m.put("rejected", s.rejected());
            m.put("malformed", s.malformed());
            m.put("replies_with_unrecognized_tlv", s.repliesWithUnrecognizedTlv());
            m.put("replies_with_malformed_tlv", s.repliesWithMalformedTlv());
            m.put("replies_with_integrity_failure", s.repliesWithIntegrityFailure());
            if (s.forwardLost() >= 0) {
                m.put("forward_lost", s.forwardLost());
                m.put("backward_lost", s.backwardLost());
            }
            if (handle != null && handle.sendErrors() > 0) {
                m.put("send_errors", handle.sendErrors());
                m.put("last_send_error", sendError(handle.lastSendErrno()));
            }
            m.put("data_plane", dp.name());
            if (handle != null && handle.collectedInKernel() > 0) {
                m.put("collected_in_kernel", handle.collectedInKernel());
            }
            Map<String, Long> programs = dp.programCounters();
            if (!programs.isEmpty()) {
                m.put("programs", new LinkedHashMap<String, Object>(programs));
            }
            m.put("t1_kernel_transmit", d.kernelTxTimestamps());
            m.put("t3_follow_up", stats.followUps());
            m.put("t1_user_space", d.userSpaceTxTimestamps());
            m.put("forward", delays(s.forward(), p));
            m.put("backward", delays(s.backward(), p));
            m.put("rtt", delays(s.roundTrip(), p));
            m.put("forward_variation", delays(s.forwardVariation(), p));
            m.put("backward_variation", delays(s.backwardVariation(), p));
            m.put("rtt_variation", delays(s.roundTripVariation(), p));
            ClassOfServiceSummary cosResults = stats.classOfService();
            if (cosResults != null) {
                m.put("class_of_service", ClassOfServiceReport.json(cosResults));
            }
            out.println(Json.object(m));
        } else {
            out.printf(Locale.ROOT, "--- %s STAMP statistics, ssid %d ---%n",
                    PeerAddresses.withPort(c.reflectorAddress(), c.reflectorPort()), c.ssid());
            out.printf(Locale.ROOT, "%d sent, %d received, %d lost (%.1f%%), %d duplicates, %d reordered, %d rejected,"
                    + " %d malformed%n", s.sent(), s.received(), s.lost(), s.lossPercent(), s.duplicates(),
                    s.reordered(), s.rejected(), s.malformed());
            if (s.repliesWithUnrecognizedTlv() + s.repliesWithMalformedTlv() + s.repliesWithIntegrityFailure() > 0) {
                out.printf(Locale.ROOT, "reflector flagged TLVs: %d replies not understood (U), %d malformed (M),"
                        + " %d failed integrity (I)%n", s.repliesWithUnrecognizedTlv(), s.repliesWithMalformedTlv(),
                        s.repliesWithIntegrityFailure());
            }
            if (s.forwardLost() >= 0) {
                out.printf(Locale.ROOT, "stateful reflector: %d lost forward, %d lost backward%n",
                        s.forwardLost(), s.backwardLost());
            }
            ClassOfServiceSummary cosResults = stats.classOfService();
            if (cosResults != null) {
                out.println(ClassOfServiceReport.text(c, cosResults));
            }
            if (handle != null && handle.collectedInKernel() > 0) {
                out.printf(Locale.ROOT, "%d replies collected in the kernel (%s)%n", handle.collectedInKernel(),
                        dp.plane());
            }
            if (d.userSpaceTxTimestamps() > 0) {
                out.printf(Locale.ROOT, "T1 of %d replies is the clock reading before the send system call (no kernel"
                        + " transmit timestamp): their forward delay includes the sender's send path%n",
                        d.userSpaceTxTimestamps());
            }
            if (s.received() == 0) {
                // Not a table of zeros: there is nothing to measure, and the operator should hear why.
                out.println(noReply(s));
                out.flush();
                return;
            }
            out.printf(Locale.ROOT, "%-12s %10s %10s %10s %10s %10s %10s %10s %10s%n", "delay (ms)", "min", "median",
                    "mean", "p" + fmt(p[0]), "p" + fmt(p[1]), "p" + fmt(p[2]), "max", "stddev");
            row(out, "forward", s.forward());
            row(out, "backward", s.backward());
            row(out, "round-trip", s.roundTrip());
            row(out, "rtt ipdv", s.roundTripVariation());
        }
        out.flush();
    }

    /**
     * What the summary says instead of a delay table when no reply came: how many were sent and,
     * if the kernel refused sends, how many and why. (ICMPv6 errors such as port unreachable are
     * not read: the socket does not ask for them.)
     */
    private String noReply(SenderStatistics.Snapshot s) {
        StringBuilder b = new StringBuilder(s.rejected() + s.malformed() > 0 ? "no valid reply received (" : "no reply received (")
                .append(s.sent()).append(" sent");
        if (handle != null && handle.sendErrors() > 0) {
            b.append("; ").append(handle.sendErrors()).append(handle.sendErrors() == 1 ? " send" : " sends")
                    .append(" refused by the kernel: ").append(sendError(handle.lastSendErrno()));
        }
        if (s.rejected() + s.malformed() > 0) {
            b.append("; ").append(s.rejected()).append(" rejected, ").append(s.malformed()).append(" malformed");
        }
        return b.append(")").toString();
    }

    private static String sendError(int errno) {
        return errno > 0 ? io.stampd.sys.Libc.strerror(errno) : "unknown error";
    }

    private static Map<String, Object> delays(DelayStatistic.Summary d, double[] p) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("count", d.count());
        m.put("min_ns", d.min());
        m.put("median_ns", d.median());
        m.put("mean_ns", d.mean());
        m.put("max_ns", d.max());
        m.put("stddev_ns", d.stddev());
        for (int i = 0; i < p.length; i++) {
            m.put("p" + fmt(p[i]) + "_ns", d.percentiles()[i]);
        }
        return m;
    }

    private static void row(PrintWriter out, String name, DelayStatistic.Summary d) {
        out.printf(Locale.ROOT, "%-12s %10s %10s %10s %10s %10s %10s %10s %10s%n", name, ms(d.min()), ms(d.median()),
                ms(d.mean()), ms(d.percentiles()[0]), ms(d.percentiles()[1]), ms(d.percentiles()[2]), ms(d.max()),
                ms(d.stddev()));
    }

    private static String ms(long ns) {
        return String.format(Locale.ROOT, "%.3f", ns / 1e6);
    }

    private static String fmt(double p) {
        return p == Math.rint(p) ? String.valueOf((long) p) : String.valueOf(p);
    }
}
