package io.stampd.netconf.engine;

import static io.stampd.netconf.engine.StampNames.id;
import static io.stampd.netconf.engine.StampNames.qname;

import io.stampd.dataplane.DataPlaneCounters;
import io.stampd.dataplane.PlaneSettings;
import io.stampd.dataplane.ReflectorCounters;
import io.stampd.dataplane.SendTiming;
import io.stampd.dataplane.SenderHandle;
import io.stampd.dataplane.codec.TimestampFormat;
import io.stampd.dataplane.session.ClassOfServiceSummary;
import io.stampd.dataplane.session.DelayStatistic;
import io.stampd.dataplane.session.Ecn;
import io.stampd.dataplane.session.Ipv6Addresses;
import io.stampd.dataplane.session.ReflectorSessionConfig;
import io.stampd.dataplane.session.SenderSessionConfig;
import io.stampd.dataplane.session.SenderStatistics;
import io.stampd.dataplane.session.StampRecord;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.opendaylight.yangtools.yang.common.Decimal64;
import org.opendaylight.yangtools.yang.common.Empty;
import org.opendaylight.yangtools.yang.common.QName;
import org.opendaylight.yangtools.yang.common.Uint16;
import org.opendaylight.yangtools.yang.common.Uint32;
import org.opendaylight.yangtools.yang.common.Uint64;
import org.opendaylight.yangtools.yang.common.Uint8;
import org.opendaylight.yangtools.yang.data.api.YangInstanceIdentifier.NodeIdentifierWithPredicates;
import org.opendaylight.yangtools.yang.data.api.schema.ContainerNode;
import org.opendaylight.yangtools.yang.data.api.schema.DataContainerChild;
import org.opendaylight.yangtools.yang.data.api.schema.MapEntryNode;
import org.opendaylight.yangtools.yang.data.api.schema.UserMapNode;
import org.opendaylight.yangtools.yang.data.api.schema.builder.DataContainerNodeBuilder;
import org.opendaylight.yangtools.yang.data.spi.node.ImmutableNodes;

/**
 * Builds stampd-stamp.yang's {@code stamp-state} container from what the engine measured: the
 * data plane's counters, each sender session's state, statistics and latest records, each
 * reflector session's counters. Delays are nanoseconds; one-way delays between unsynchronised
 * clocks can be negative, which the gauge64 statistics show as 0 (records keep the sign).
 */
final class StateTree {
    static final QName STAMP_STATE = qname("stamp-state");

    /**
     * What the state shows of one sender session, read once per refresh.
     *
     * @param history whether its history-stats are shown (a filter that cannot select them saves building them)
     */
    record SenderReading(SenderSession session, SenderStatistics.Snapshot snapshot, List<StampRecord> records,
                         long pendingRecords, boolean history) {
        SenderReading(SenderSession session, SenderStatistics.Snapshot snapshot, List<StampRecord> records,
                      long pendingRecords) {
            this(session, snapshot, records, pendingRecords, true);
        }
    }

    private StateTree() {
    }

    static ContainerNode build(PlaneSettings plane, DesiredSessions running, DataPlaneCounters counters,
                               Optional<SendTiming> sendTiming, Map<String, Long> programCounters,
                               List<SenderReading> senders, List<ReflectorSession> reflectors) {
        var state = ImmutableNodes.newContainerBuilder().withNodeIdentifier(id("stamp-state"));
        var planeState = ImmutableNodes.newContainerBuilder().withNodeIdentifier(id("data-plane"))
                .withChild(leaf("type", plane.kind().yangName))
                .withChild(leaf("unmatched-packets", u64(counters.unmatched())))
                .withChild(leaf("malformed-packets", u64(counters.malformed())))
                .withChild(leaf("source-rate-limited-packets", u64(counters.sourceRateLimited())))
                .withChild(leaf("send-errors", u64(counters.sendErrors())))
                .withChild(leaf("internal-errors", u64(counters.internalErrors())))
                .withChild(ImmutableNodes.newContainerBuilder().withNodeIdentifier(id("timestamp-sources"))
                        .withChild(leaf("kernel-transmit", u64(counters.kernelTxTimestamps())))
                        .withChild(leaf("user-space-transmit", u64(counters.userSpaceTxTimestamps())))
                        .withChild(leaf("user-space-receive", u64(counters.userSpaceRxTimestamps())))
                        .build());
        if (plane.device() != null) {
            planeState.withChild(leaf("interface", plane.device()));
        }
        if (plane.xdpMode() != null) {
            planeState.withChild(leaf("xdp-mode", plane.xdpMode().toString()));
        }
        sendTiming.ifPresent(t -> planeState.withChild(sendTiming(t)));
        if (!programCounters.isEmpty()) {
            var list = ImmutableNodes.newUserMapBuilder().withNodeIdentifier(id("program-counter"));
            programCounters.forEach((name, packets) -> list.withChild(ImmutableNodes.newMapEntryBuilder()
                    .withNodeIdentifier(key("program-counter", "name", name))
                    .withChild(leaf("name", name))
                    .withChild(leaf("packets", u64(packets)))
                    .build()));
            planeState.withChild(list.build());
        }
        state.withChild(planeState.build());

        if (!senders.isEmpty()) {
            var list = ImmutableNodes.newUserMapBuilder().withNodeIdentifier(id("test-session-state"));
            for (SenderReading r : senders) {
                list.withChild(sender(r));
            }
            state.withChild(ImmutableNodes.newContainerBuilder().withNodeIdentifier(id("stamp-session-sender-state"))
                    .withChild(list.build()).build());
        }

        var refl = ImmutableNodes.newContainerBuilder().withNodeIdentifier(id("stamp-session-refl-state"))
                .withChild(leaf("reflector-light-admin-status", running.reflectorEnable()));
        if (!reflectors.isEmpty()) {
            var list = ImmutableNodes.newUserMapBuilder().withNodeIdentifier(id("test-session-state"));
            for (ReflectorSession r : reflectors) {
                list.withChild(reflector(r));
            }
            refl.withChild(list.build());
        }
        state.withChild(refl.build());
        return state.build();
    }

    private static ContainerNode sendTiming(SendTiming t) {
        return ImmutableNodes.newContainerBuilder().withNodeIdentifier(id("send-timing"))
                .withChild(leaf("packets", u64(t.count())))
                .withChild(leaf("p50", u64(t.percentileNanos(50))))
                .withChild(leaf("p99", u64(t.percentileNanos(99))))
                .withChild(leaf("max", u64(t.maxNanos())))
                .build();
    }

    private static MapEntryNode sender(SenderReading reading) {
        SenderSession s = reading.session();
        SenderSessionConfig c = s.config;
        SenderStatistics.Snapshot st = reading.snapshot();
        var entry = ImmutableNodes.newMapEntryBuilder()
                .withNodeIdentifier(key("test-session-state", "session-index", Uint32.valueOf(c.id())))
                .withChild(leaf("session-index", Uint32.valueOf(c.id())))
                .withChild(leaf("sender-session-state", s.state().yangName));
        if (s.failureReason() != null) {
            entry.withChild(leaf("failure-reason", s.failureReason()));
        }
        entry.withChild(leaf("liveness", s.liveness().yangName));
        SenderHandle h = s.handle();
        if (h != null && h.collectedInKernel() > 0) {
            entry.withChild(leaf("in-kernel-packets", u64(h.collectedInKernel())));
        }
        long acrossClockStep = s.statistics().clockStepRecords();
        if (acrossClockStep > 0) {
            entry.withChild(leaf("clock-step-replies", u64(acrossClockStep)));
        }
        ClassOfServiceSummary cos = s.statistics().classOfService();
        if (cos != null) {
            entry.withChild(classOfServiceResults(cos));
        }
        entry.withChild(currentStats(s, st));
        IntervalRecorder intervals = s.intervals();
        var history = intervals == null || !reading.history() ? null
                : IntervalState.history(intervals.history(), c.intervalNanos());
        if (history != null) {
            entry.withChild(history);
        }
        entry.withChild(records(reading));
        return entry.build();
    }

    private static ContainerNode classOfServiceResults(ClassOfServiceSummary cos) {
        var c = ImmutableNodes.newContainerBuilder().withNodeIdentifier(id("class-of-service-results"))
                .withChild(leaf("replies", u64(cos.replies())))
                .withChild(leaf("forward-dscp-changed", u64(cos.forwardDscpChanged())))
                .withChild(leaf("forward-ecn-changed", u64(cos.forwardEcnChanged())))
                .withChild(leaf("forward-congestion-marked", u64(cos.forwardCongestionMarked())))
                .withChild(leaf("reply-dscp-refused", u64(cos.replyDscpRefused())))
                .withChild(leaf("reply-ecn-refused", u64(cos.replyEcnRefused())))
                .withChild(leaf("reply-ecn-not-supported", u64(cos.replyEcnNotSupported())))
                .withChild(leaf("backward-dscp-changed", u64(cos.backwardDscpChanged())))
                .withChild(leaf("backward-ecn-changed", u64(cos.backwardEcnChanged())))
                .withChild(leaf("backward-congestion-marked", u64(cos.backwardCongestionMarked())));
        if (cos.lastDscp2() >= 0) {
            c.withChild(leaf("last-forward-dscp", Uint8.valueOf(cos.lastDscp2())))
                    .withChild(leaf("last-forward-ecn", Ecn.name(cos.lastEcn2())));
        }
        if (cos.lastReplyTrafficClass() >= 0) {
            c.withChild(leaf("last-reply-dscp", Uint8.valueOf(cos.lastReplyTrafficClass() >>> 2)))
                    .withChild(leaf("last-reply-ecn", Ecn.name(cos.lastReplyTrafficClass())));
        }
        return c.build();
    }

    private static ContainerNode currentStats(SenderSession s, SenderStatistics.Snapshot st) {
        SenderSessionConfig c = s.config;
        long start = st.startUnixNanos();
        var stats = ImmutableNodes.newContainerBuilder().withNodeIdentifier(id("current-stats"))
                .withChild(leaf("start-time", dateAndTime(start)))
                .withChild(leaf("interval", Uint32.valueOf(Math.min(0xFFFF_FFFFL, c.intervalNanos() / 1000))))
                .withChild(leaf("duplicate-packets", u64(st.duplicates())))
                .withChild(leaf("reordered-packets", u64(st.reordered())))
                .withChild(leaf("sender-timestamp-format", format(c.timestampFormat())))
                .withChild(leaf("dscp", Uint8.valueOf(c.dscp())));
        delays(stats, "two-way-delay", st.roundTrip(), st.roundTripVariation());
        delays(stats, "one-way-delay-far-end", st.forward(), st.forwardVariation());
        delays(stats, "one-way-delay-near-end", st.backward(), st.backwardVariation());
        String[] names = {"low-percentile", "mid-percentile", "high-percentile"};
        double[] p = st.percentiles();
        if (st.roundTrip().count() > 0) {
            for (int i = 0; i < names.length && i < p.length; i++) {
                stats.withChild(percentile(names[i], p[i], i, st));
            }
        }
        long known = st.sent() - st.inFlight();
        stats.withChild(loss("two-way-loss", st.lost(), known));
        // The data plane's forward loss (sender to reflector) is what the YANG model calls far end (RFC 6374).
        if (st.forwardLost() >= 0) {
            stats.withChild(loss("one-way-loss-far-end", st.forwardLost(), known));
        }
        if (st.backwardLost() >= 0) {
            stats.withChild(loss("one-way-loss-near-end", st.backwardLost(), known));
        }

        if (c.senderAddress() != null) {
            stats.withChild(leaf("sender-ip", Ipv6Addresses.format(c.senderAddress())));
        }
        SenderHandle h = s.handle();
        int port = h != null ? h.localPort() : c.senderPort();
        if (port != 0) {
            stats.withChild(leaf("session-sender-udp-port", Uint16.valueOf(port)));
        }
        stats.withChild(leaf("stamp-session-id", Uint32.valueOf(c.id())))
                .withChild(leaf("ssid", Uint16.valueOf(c.ssid())))
                .withChild(leaf("session-reflector-ip", Ipv6Addresses.format(c.reflectorAddress())))
                .withChild(leaf("session-reflector-udp-port", Uint16.valueOf(c.reflectorPort())))
                .withChild(leaf("sent-packets", u64(st.sent())))
                .withChild(leaf("rcv-packets", u64(st.received())))
                .withChild(leaf("sent-packets-error", u64(h != null ? h.sendErrors() : 0)))
                .withChild(leaf("rcv-packets-error", u64(st.rejected() + st.malformed())))
                .withChild(leaf("rejected-packets", u64(st.rejected())))
                .withChild(leaf("malformed-packets", u64(st.malformed())));
        if (st.lastSentSeq() >= 0) {
            stats.withChild(leaf("last-sent-seq", u32(st.lastSentSeq())));
        }
        if (st.lastReceivedSeq() >= 0) {
            stats.withChild(leaf("last-rcv-seq", u32(st.lastReceivedSeq())));
        }
        return stats.build();
    }

    private static void delays(DataContainerNodeBuilder<?, ?> stats, String name, DelayStatistic.Summary delay,
                               DelayStatistic.Summary variation) {
        if (delay.count() == 0) {
            return;
        }
        var c = ImmutableNodes.newContainerBuilder().withNodeIdentifier(id(name))
                .withChild(minMaxAvg("delay", delay));
        if (variation.count() > 0) {
            c.withChild(minMaxAvg("delay-variation", variation));
        }
        stats.withChild(c.build());
    }

    private static ContainerNode minMaxAvg(String name, DelayStatistic.Summary s) {
        return ImmutableNodes.newContainerBuilder().withNodeIdentifier(id(name))
                .withChild(leaf("min", u64(s.min())))
                .withChild(leaf("max", u64(s.max())))
                .withChild(leaf("avg", u64(s.mean())))
                .build();
    }

    private static ContainerNode percentile(String name, double percentile, int i, SenderStatistics.Snapshot st) {
        return ImmutableNodes.newContainerBuilder().withNodeIdentifier(id(name))
                .withChild(leaf("percentile", Decimal64.valueOf(BigDecimal.valueOf(percentile)
                        .setScale(2, RoundingMode.HALF_UP))))
                .withChild(ImmutableNodes.newContainerBuilder().withNodeIdentifier(id("delay-percentile"))
                        .withChild(leaf("rtt-delay", u64(st.roundTrip().percentiles()[i])))
                        .withChild(leaf("near-end-delay", u64(st.backward().percentiles()[i])))
                        .withChild(leaf("far-end-delay", u64(st.forward().percentiles()[i])))
                        .build())
                .withChild(ImmutableNodes.newContainerBuilder().withNodeIdentifier(id("delay-variation-percentile"))
                        .withChild(leaf("rtt-delay-variation", u64(st.roundTripVariation().percentiles()[i])))
                        .withChild(leaf("near-end-delay-variation", u64(st.backwardVariation().percentiles()[i])))
                        .withChild(leaf("far-end-delay-variation", u64(st.forwardVariation().percentiles()[i])))
                        .build())
                .build();
    }

    private static ContainerNode loss(String name, long lost, long known) {
        var c = ImmutableNodes.newContainerBuilder().withNodeIdentifier(id(name))
                .withChild(leaf("loss-count", u64(lost)));
        if (known > 0) {
            c.withChild(leaf("loss-ratio", percent(100.0 * lost / known)));
        }
        return c.build();
    }

    private static ContainerNode records(SenderReading reading) {
        var c = ImmutableNodes.newContainerBuilder().withNodeIdentifier(id("records"))
                .withChild(leaf("pending-records", u64(reading.pendingRecords())));
        if (!reading.records().isEmpty()) {
            c.withChild(recordList(reading.records()));
        }
        return c.build();
    }

    /** The YANG list of measurement records (state and fetch-records output share it). */
    static UserMapNode recordList(List<StampRecord> records) {
        var list = ImmutableNodes.newUserMapBuilder().withNodeIdentifier(id("record"));
        for (StampRecord r : records) {
            Uint32 seq = u32(r.seq());
            var entry = ImmutableNodes.newMapEntryBuilder()
                    .withNodeIdentifier(key("record", "sequence-number", seq))
                    .withChild(leaf("sequence-number", seq))
                    .withChild(leaf("reflector-sequence-number", u32(r.reflectorSeq())))
                    .withChild(leaf("t1", u64(r.t1())))
                    .withChild(leaf("t2", u64(r.t2())))
                    .withChild(leaf("t3", u64(r.t3())))
                    .withChild(leaf("t4", u64(r.t4())))
                    .withChild(leaf("two-way-delay", r.roundTripNanos()))
                    .withChild(leaf("one-way-delay-far-end", r.forwardNanos()))
                    .withChild(leaf("one-way-delay-near-end", r.backwardNanos()))
                    .withChild(leaf("sender-ttl", Uint8.valueOf(Math.max(0, Math.min(255, r.senderTtl())))));
            if (r.clockStep()) {
                entry.withChild(leaf("clock-step", Empty.value()));
            }
            list.withChild(entry.build());
        }
        return list.build();
    }

    private static MapEntryNode reflector(ReflectorSession r) {
        ReflectorSessionConfig c = r.config;
        ReflectorCounters n = r.counters();
        var entry = ImmutableNodes.newMapEntryBuilder()
                .withNodeIdentifier(key("test-session-state", "session-index", Uint32.valueOf(c.id())))
                .withChild(leaf("session-index", Uint32.valueOf(c.id())))
                .withChild(leaf("reflector-session-state", r.state().yangName));
        if (r.failureReason() != null) {
            entry.withChild(leaf("failure-reason", r.failureReason()));
        }
        entry.withChild(leaf("reflector-timestamp-format", format(c.timestampFormat())));
        if (n.inKernel() > 0) {
            entry.withChild(leaf("in-kernel-packets", u64(n.inKernel())));
        }
        entry.withChild(leaf("rate-limited-packets", u64(n.rateLimited())))
                .withChild(leaf("hmac-failures", u64(n.rejected())));
        if (c.senderAddress() != null) {
            entry.withChild(leaf("sender-ip", Ipv6Addresses.format(c.senderAddress())));
        }
        if (c.senderPort() != 0) {
            entry.withChild(leaf("session-sender-udp-port", Uint16.valueOf(c.senderPort())));
        }
        if (c.ssid() != ReflectorSessionConfig.ANY_SSID) {
            entry.withChild(leaf("ssid", Uint16.valueOf(c.ssid())));
        }
        if (c.reflectorAddress() != null) {
            entry.withChild(leaf("session-reflector-ip", Ipv6Addresses.format(c.reflectorAddress())));
        }
        entry.withChild(leaf("session-reflector-udp-port", Uint16.valueOf(c.reflectorPort())))
                .withChild(leaf("sent-packets", u64(n.reflected())))
                .withChild(leaf("rcv-packets", u64(n.received())))
                .withChild(leaf("rcv-packets-error", u64(n.rejected())))
                .withChild(leaf("rejected-packets", u64(n.rejected())));
        if (n.lastReflectorSeq() >= 0) {
            entry.withChild(leaf("last-sent-seq", u32(n.lastReflectorSeq())));
        }
        if (n.lastSenderSeq() >= 0) {
            entry.withChild(leaf("last-rcv-seq", u32(n.lastSenderSeq())));
        }
        return entry.build();
    }

    // ---- small helpers -----------------------------------------------------------------------

    static DataContainerChild leaf(String name, Object value) {
        return ImmutableNodes.leafNode(id(name), value);
    }

    static NodeIdentifierWithPredicates key(String list, String keyLeaf, Object value) {
        return NodeIdentifierWithPredicates.of(qname(list), qname(keyLeaf), value);
    }

    static Uint64 u64(long v) {
        return Uint64.valueOf(Math.max(0, v));
    }

    /** Sequence numbers are unwrapped to 64 bits by the data plane; YANG has the 32 wire bits. */
    static Uint32 u32(long v) {
        return Uint32.valueOf(v & 0xFFFF_FFFFL);
    }

    /** A YANG percentage (decimal64, 5 fraction digits, 0..100). */
    static Decimal64 percent(double value) {
        return Decimal64.valueOf(BigDecimal.valueOf(Math.max(0, Math.min(100, value)))
                .setScale(5, RoundingMode.HALF_UP));
    }

    static String format(TimestampFormat f) {
        return f == TimestampFormat.PTP ? "ptp-format" : "ntp-format";
    }

    /** yang:date-and-time in UTC; the Unix epoch when nothing was sent yet. */
    static String dateAndTime(long unixNanos) {
        return Instant.ofEpochSecond(Math.floorDiv(unixNanos, 1_000_000_000L), Math.floorMod(unixNanos,
                1_000_000_000L)).toString();
    }
}
