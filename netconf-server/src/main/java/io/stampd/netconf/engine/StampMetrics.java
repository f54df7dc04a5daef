package io.stampd.netconf.engine;

import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.CounterSnapshot.CounterDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot.GaugeDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import io.prometheus.metrics.model.snapshots.Quantile;
import io.prometheus.metrics.model.snapshots.Quantiles;
import io.prometheus.metrics.model.snapshots.SummarySnapshot;
import io.prometheus.metrics.model.snapshots.SummarySnapshot.SummaryDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.Unit;
import io.stampd.dataplane.DataPlaneCounters;
import io.stampd.dataplane.ReflectorCounters;
import io.stampd.dataplane.session.DelayStatistic;
import io.stampd.dataplane.session.Ipv6Addresses;
import io.stampd.dataplane.session.ReflectorSessionConfig;
import io.stampd.dataplane.session.SenderStatistics;
import java.net.Inet6Address;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;
import java.util.function.ToLongFunction;

/**
 * The engine's state as Prometheus metrics, computed when the endpoint is scraped: one {@link
 * SenderStatistics#snapshot} per sender session (as a {@code <get>} of /stamp-state takes), the
 * reflectors' and the data plane's counters. Nothing is updated on the data plane's I/O threads.
 *
 * <p>Delays are the session's statistics since its start or last clear-statistics (what
 * /stamp-state shows): min, max, mean and standard deviation as gauges, and a summary whose
 * quantiles are the session's HdrHistogram percentiles (the median and the configured
 * percentiles), with _sum = mean x count. No Prometheus histogram: HdrHistogram's buckets are
 * thousands of fine log-linear ones, which would be thousands of series per session; rate() over
 * the summary's _sum/_count gives the mean over any window.
 *
 * <p>Every per-session series carries {@code role}, {@code session_id}, {@code ssid} ("any" for a
 * reflector that matches any) and {@code peer} (the reflector's address for a sender, the sender's
 * for a reflector, "any" if unmatched; RFC 5952 text): one fixed set of series per configured session, gone from
 * the next scrape once the session is removed from running.
 */
public final class StampMetrics implements MultiCollector {
    private static final double NANOS = 1e-9;
    private static final String[] SESSION_LABELS = {"role", "session_id", "ssid", "peer"};

    private final Supplier<SessionManager> sessions;
    private final LongSupplier commits;
    private final StateClock clock;

    StampMetrics(Supplier<SessionManager> sessions, LongSupplier commits, StateClock clock) {
        this.sessions = sessions;
        this.commits = commits;
        this.clock = clock;
    }

    @Override
    public MetricSnapshots collect() {
        List<MetricSnapshot> out = new ArrayList<>();
        SessionManager m = sessions.get();
        List<SenderSession> senders = m == null ? List.of() : m.senders();
        List<ReflectorSession> reflectors = m == null ? List.of() : m.reflectors();
        sessionsPerState(out, senders, reflectors);
        out.add(CounterSnapshot.builder().name("stampd_commits")
                .help("Commits of running applied to the sessions (NETCONF and gRPC) since the agent started")
                .dataPoint(CounterDataPointSnapshot.builder().value(commits.getAsLong()).build()).build());
        if (m != null) {
            dataPlane(out, m);
        }
        senders(out, senders);
        senderLiveness(out, senders);
        reflectors(out, reflectors);
        return new MetricSnapshots(out);
    }

    private static void sessionsPerState(List<MetricSnapshot> out, List<SenderSession> senders,
                                         List<ReflectorSession> reflectors) {
        var b = GaugeSnapshot.builder().name("stampd_sessions")
                .help("Configured test sessions per role and state (YANG test-session-state)");
        countStates(b, "sender", senders.stream().map(SenderSession::state).toList());
        countStates(b, "reflector", reflectors.stream().map(ReflectorSession::state).toList());
        out.add(b.build());
    }

    private static void countStates(GaugeSnapshot.Builder b, String role, List<SessionState> states) {
        Map<SessionState, Integer> n = new EnumMap<>(SessionState.class);
        for (SessionState s : SessionState.values()) {
            n.put(s, 0);
        }
        states.forEach(s -> n.merge(s, 1, Integer::sum));
        n.forEach((state, count) -> b.dataPoint(GaugeDataPointSnapshot.builder()
                .labels(Labels.of("role", role, "state", state.yangName)).value(count).build()));
    }

    private static void dataPlane(List<MetricSnapshot> out, SessionManager m) {
        DataPlaneCounters c = m.dataPlaneCounters();
        Labels plane = Labels.of("plane", m.dataPlaneName());
        Map<String, long[]> counters = new LinkedHashMap<>();
        counters.put("unmatched", new long[] {c.unmatched()});
        counters.put("malformed", new long[] {c.malformed()});
        counters.put("send_errors", new long[] {c.sendErrors()});
        counters.put("internal_errors", new long[] {c.internalErrors()});
        counters.put("user_space_rx_timestamps", new long[] {c.userSpaceRxTimestamps()});
        counters.put("kernel_tx_timestamps", new long[] {c.kernelTxTimestamps()});
        counters.put("user_space_tx_timestamps", new long[] {c.userSpaceTxTimestamps()});
        counters.put("source_rate_limited", new long[] {c.sourceRateLimited()});
        String[] help = {
            "Test packets that matched no provisioned session (discarded, RFC 8972 section 3)",
            "Packets too short, truncated or with invalid fields",
            "Send system calls that failed",
            "Internal failures of the I/O loop (which survives them)",
            "Packets received without a kernel receive timestamp (T2/T4 read in user space)",
            "Replies whose T1 is the kernel's transmit timestamp",
            "Replies whose T1 was read in user space before the send system call",
            "Test packets dropped unanswered over the per-source rate limit (per-source-rate-limit)"};
        int i = 0;
        for (var e : counters.entrySet()) {
            out.add(CounterSnapshot.builder().name("stampd_dataplane_" + e.getKey())
                    .help(help[i++] + "; since start or clear-statistics")
                    .dataPoint(CounterDataPointSnapshot.builder().labels(plane).value(e.getValue()[0]).build())
                    .build());
        }
    }

    /** One sender session read at scrape time. */
    private record Reading(Labels labels, SenderStatistics.Snapshot s) {
    }

    private void senders(List<MetricSnapshot> out, List<SenderSession> senders) {
        long now = clock.monotonicNanos();
        List<Reading> readings = new ArrayList<>(senders.size());
        for (SenderSession s : senders) {
            var c = s.config;
            readings.add(new Reading(sessionLabels("sender", s.id(), Integer.toString(c.ssid()),
                    c.reflectorAddress()), s.statistics().snapshot(now, true)));
        }
        counter(out, readings, "stampd_sender_packets_sent", "Test packets sent", r -> r.s.sent());
        counter(out, readings, "stampd_sender_packets_received", "Replies received (first copy of each)",
                r -> r.s.received());
        counter(out, readings, "stampd_sender_packets_lost",
                "Round-trip loss: test packets without a reply within the loss timeout", r -> r.s.lost());
        gauge(out, readings, "stampd_sender_packets_in_flight",
                "Test packets sent and still within their loss timeout", null, r -> r.s.inFlight());
        gauge(out, readings, "stampd_sender_loss_ratio",
                "Round-trip loss ratio (0..1) of the packets whose fate is known", null,
                r -> r.s.lossPercent() / 100);
        // Forward (near) and backward (far) loss exist with a stateful reflector only: no series otherwise.
        var oneWay = CounterSnapshot.builder().name("stampd_sender_packets_lost_one_way")
                .help("Loss per direction, known with a stateful reflector (forward: sender to reflector)");
        for (Reading r : readings) {
            if (r.s.forwardLost() >= 0) {
                oneWay.dataPoint(CounterDataPointSnapshot.builder()
                        .labels(r.labels.add("direction", "forward")).value(r.s.forwardLost()).build());
                oneWay.dataPoint(CounterDataPointSnapshot.builder()
                        .labels(r.labels.add("direction", "backward")).value(r.s.backwardLost()).build());
            }
        }
        out.add(oneWay.build());
        counter(out, readings, "stampd_sender_duplicates", "Duplicate replies", r -> r.s.duplicates());
        counter(out, readings, "stampd_sender_reordered", "Replies that came after a later-sent packet's",
                r -> r.s.reordered());
        counter(out, readings, "stampd_sender_malformed", "Replies that could not be parsed", r -> r.s.malformed());
        counter(out, readings, "stampd_sender_rejected",
                "Replies that failed verification or named a sequence number never sent", r -> r.s.rejected());

        List<IntervalMetrics.Last> lastIntervals = new ArrayList<>();
        for (int i = 0; i < senders.size(); i++) {
            IntervalRecorder r = senders.get(i).intervals();
            ClosedInterval last = r == null ? null : r.last();
            if (last != null) {
                lastIntervals.add(new IntervalMetrics.Last(readings.get(i).labels(), last));
            }
        }
        IntervalMetrics.add(out, lastIntervals);
        delays(out, readings, "stampd_sender_delay", "Delay", List.of(
                new Direction("forward", SenderStatistics.Snapshot::forward),
                new Direction("backward", SenderStatistics.Snapshot::backward),
                new Direction("round_trip", SenderStatistics.Snapshot::roundTrip)));
        delays(out, readings, "stampd_sender_delay_variation",
                "Delay variation (IPDV, RFC 5481, absolute value) between consecutive packets", List.of(
                new Direction("forward", SenderStatistics.Snapshot::forwardVariation),
                new Direction("backward", SenderStatistics.Snapshot::backwardVariation),
                new Direction("round_trip", SenderStatistics.Snapshot::roundTripVariation)));
    }

    /** The liveness last reported (state leaf liveness): 1 up, 0 down or pending. */
    private static void senderLiveness(List<MetricSnapshot> out, List<SenderSession> senders) {
        var b = GaugeSnapshot.builder().name("stampd_sender_up")
                .help("1 while the sender session's reflector answers (liveness up), 0 when down or pending");
        for (SenderSession s : senders) {
            b.dataPoint(GaugeDataPointSnapshot.builder()
                    .labels(sessionLabels("sender", s.id(), Integer.toString(s.config.ssid()),
                            s.config.reflectorAddress()))
                    .value(s.liveness() == io.stampd.dataplane.session.Liveness.State.UP ? 1 : 0).build());
        }
        out.add(b.build());
    }

    private record Direction(String name, java.util.function.Function<SenderStatistics.Snapshot,
            DelayStatistic.Summary> summary) {
    }

    private static void delays(List<MetricSnapshot> out, List<Reading> readings, String name, String what,
                               List<Direction> directions) {
        var summary = SummarySnapshot.builder().name(name + "_seconds").unit(Unit.SECONDS)
                .help(what + " since the session's start or clear-statistics; quantiles from its histogram");
        Map<String, GaugeSnapshot.Builder> gauges = new LinkedHashMap<>();
        for (String stat : List.of("min", "max", "mean", "stddev")) {
            gauges.put(stat, GaugeSnapshot.builder().name(name + "_" + stat + "_seconds").unit(Unit.SECONDS)
                    .help(what + ": " + stat + " since the session's start or clear-statistics"));
        }
        for (Reading r : readings) {
            for (Direction d : directions) {
                DelayStatistic.Summary s = d.summary.apply(r.s);
                if (s.count() == 0) {
                    continue; // nothing measured yet: no value rather than a made-up 0
                }
                Labels labels = r.labels.add("direction", d.name);
                List<Quantile> q = new ArrayList<>();
                q.add(new Quantile(0.5, s.median() * NANOS));
                double[] p = r.s.percentiles();
                for (int i = 0; i < p.length && i < s.percentiles().length; i++) {
                    if (p[i] / 100 != 0.5) {
                        q.add(new Quantile(p[i] / 100, s.percentiles()[i] * NANOS));
                    }
                }
                q.sort(java.util.Comparator.comparingDouble(Quantile::getQuantile));
                summary.dataPoint(SummaryDataPointSnapshot.builder().labels(labels).quantiles(Quantiles.of(q))
                        .count(s.count()).sum((double) s.mean() * s.count() * NANOS).build());
                long[] v = {s.min(), s.max(), s.mean(), s.stddev()};
                int i = 0;
                for (GaugeSnapshot.Builder g : gauges.values()) {
                    g.dataPoint(GaugeDataPointSnapshot.builder().labels(labels).value(v[i++] * NANOS).build());
                }
            }
        }
        out.add(summary.build());
        gauges.values().forEach(g -> out.add(g.build()));
    }

    private static void reflectors(List<MetricSnapshot> out, List<ReflectorSession> reflectors) {
        List<Labels> labels = new ArrayList<>();
        List<ReflectorCounters> counters = new ArrayList<>();
        for (ReflectorSession r : reflectors) {
            ReflectorSessionConfig c = r.config;
            labels.add(sessionLabels("reflector", r.id(),
                    c.ssid() == ReflectorSessionConfig.ANY_SSID ? "any" : Integer.toString(c.ssid()),
                    c.senderAddress()));
            counters.add(r.counters());
        }
        reflectorCounter(out, labels, counters, "stampd_reflector_packets_received",
                "Test packets matched to the session", ReflectorCounters::received);
        reflectorCounter(out, labels, counters, "stampd_reflector_packets_reflected", "Test packets answered",
                ReflectorCounters::reflected);
        reflectorCounter(out, labels, counters, "stampd_reflector_packets_rejected",
                "Test packets matched but failing HMAC verification (YANG hmac-failures): discarded unanswered",
                ReflectorCounters::rejected);
        reflectorCounter(out, labels, counters, "stampd_reflector_packets_rate_limited",
                "Test packets matched but dropped unanswered over the session's rate-limit",
                ReflectorCounters::rateLimited);
        reflectorCounter(out, labels, counters, "stampd_reflector_packets_in_kernel",
                "Of the reflected test packets, those an in-kernel data plane (XDP) answered itself",
                ReflectorCounters::inKernel);
    }

    private static void reflectorCounter(List<MetricSnapshot> out, List<Labels> labels,
                                         List<ReflectorCounters> counters, String name, String help,
                                         ToLongFunction<ReflectorCounters> value) {
        var b = CounterSnapshot.builder().name(name).help(help + "; since the session's start or clear-statistics");
        for (int i = 0; i < labels.size(); i++) {
            b.dataPoint(CounterDataPointSnapshot.builder().labels(labels.get(i))
                    .value(value.applyAsLong(counters.get(i))).build());
        }
        out.add(b.build());
    }

    private static void counter(List<MetricSnapshot> out, List<Reading> readings, String name, String help,
                                ToLongFunction<Reading> value) {
        var b = CounterSnapshot.builder().name(name).help(help + "; since the session's start or clear-statistics");
        for (Reading r : readings) {
            b.dataPoint(CounterDataPointSnapshot.builder().labels(r.labels).value(value.applyAsLong(r)).build());
        }
        out.add(b.build());
    }

    private static void gauge(List<MetricSnapshot> out, List<Reading> readings, String name, String help, Unit unit,
                              ToDoubleFunction<Reading> value) {
        var b = GaugeSnapshot.builder().name(name).help(help);
        if (unit != null) {
            b.unit(unit);
        }
        for (Reading r : readings) {
            b.dataPoint(GaugeDataPointSnapshot.builder().labels(r.labels).value(value.applyAsDouble(r)).build());
        }
        out.add(b.build());
    }

    /** The peer in RFC 5952 form, as /stamp-state shows it. */
    private static Labels sessionLabels(String role, long id, String ssid, Inet6Address peer) {
        return Labels.of(SESSION_LABELS, new String[] {role, Long.toString(id), ssid,
            peer == null ? "any" : Ipv6Addresses.format(peer)});
    }
}
