package io.stampd.netconf.engine;

import static io.stampd.netconf.engine.ConfigNodes.child;
import static io.stampd.netconf.engine.ConfigNodes.entries;
import static io.stampd.netconf.engine.ConfigNodes.flag;
import static io.stampd.netconf.engine.ConfigNodes.leaf;

import io.stampd.dataplane.PlaneSettings;
import io.stampd.dataplane.session.Liveness;
import io.stampd.dataplane.session.RateLimit;
import io.stampd.dataplane.session.ReflectorSessionConfig;
import io.stampd.dataplane.session.SenderSessionConfig;
import io.stampd.netconf.CommitVetoException;
import io.stampd.netconf.StampConfigCheck;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.opendaylight.yangtools.yang.common.ErrorTag;
import org.opendaylight.yangtools.yang.data.api.schema.ContainerNode;
import org.opendaylight.yangtools.yang.data.api.schema.DataContainerNode;
import org.opendaylight.yangtools.yang.data.api.schema.MapEntryNode;

/**
 * The sessions a configuration asks for, keyed by their operator ids: StampConfigCheck's data
 * plane sessions (which also validates them) plus what only the engine cares about (enable
 * switches, thresholds, the data plane's interface).
 */
record DesiredSessions(Map<Long, SenderIntent> senders, Map<Long, ReflectorIntent> reflectors,
                       boolean senderEnable, boolean reflectorEnable, PlaneSettings plane,
                       RateLimit perSourceRateLimit) {

    static final DesiredSessions NONE = new DesiredSessions(Map.of(), Map.of(), true, true, PlaneSettings.SOCKET,
            null);

    /** Sessions on a node without a per-source rate limit. */
    DesiredSessions(Map<Long, SenderIntent> senders, Map<Long, ReflectorIntent> reflectors, boolean senderEnable,
                    boolean reflectorEnable, PlaneSettings plane) {
        this(senders, reflectors, senderEnable, reflectorEnable, plane, null);
    }

    DesiredSessions {
        senders = Collections.unmodifiableMap(new LinkedHashMap<>(senders));
        reflectors = Collections.unmodifiableMap(new LinkedHashMap<>(reflectors));
    }

    /** Reads a configuration root; a CommitVetoException names what is wrong and where. */
    static DesiredSessions of(Optional<ContainerNode> root) throws CommitVetoException {
        StampConfigCheck.Sessions sessions = StampConfigCheck.sessions(root);
        DataContainerNode stamp = root.flatMap(r -> child(r, "stamp")).orElse(null);
        DataContainerNode senderContainer = child(stamp, "stamp-session-sender").orElse(null);
        DataContainerNode reflectorContainer = child(stamp, "stamp-session-reflector").orElse(null);
        boolean senderEnable = flag(senderContainer, "sender-enable", true);
        boolean reflectorEnable = flag(reflectorContainer, "reflector-enable", true);

        Map<Long, MapEntryNode> senderEntries = new LinkedHashMap<>();
        for (MapEntryNode e : entries(senderContainer, "sender-test-session")) {
            senderEntries.put(Long.parseLong(leaf(e, "stamp-session-id").orElseThrow()), e);
        }
        Map<Long, SenderIntent> senders = new LinkedHashMap<>();
        for (SenderSessionConfig c : sessions.senders()) {
            MapEntryNode e = senderEntries.get(c.id());
            String path = "/stamp/stamp-session-sender/sender-test-session[stamp-session-id='" + c.id() + "']";
            boolean enabled = senderEnable && flag(e, "test-session-enable", true);
            senders.put(c.id(), new SenderIntent(c, enabled, thresholds(e, path), liveness(e, path),
                    intervals(e, path)));
        }
        Map<Long, MapEntryNode> reflectorEntries = new LinkedHashMap<>();
        for (MapEntryNode e : entries(reflectorContainer, "reflector-test-session")) {
            reflectorEntries.put(Long.parseLong(leaf(e, "session-index").orElseThrow()), e);
        }
        Map<Long, ReflectorIntent> reflectors = new LinkedHashMap<>();
        for (ReflectorSessionConfig c : sessions.reflectors()) {
            boolean enabled = reflectorEnable && flag(reflectorEntries.get(c.id()), "test-session-enable", true);
            reflectors.put(c.id(), new ReflectorIntent(c, enabled));
        }
        PlaneSettings plane = stamp == null ? PlaneSettings.SOCKET : StampConfigCheck.plane(stamp);
        return new DesiredSessions(senders, reflectors, senderEnable, reflectorEnable, plane,
                sessions.perSourceRateLimit());
    }

    /** The liveness container; its leaves' YANG ranges are checked here again, by name. */
    private static Liveness.Settings liveness(MapEntryNode session, String path) throws CommitVetoException {
        DataContainerNode l = child(session, "liveness").orElse(null);
        if (l == null) {
            return Liveness.Settings.DEFAULT;
        }
        try {
            return new Liveness.Settings(
                    leaf(l, "down-after-lost").map(Long::parseLong).orElse((long) Liveness.DEFAULT_DOWN_AFTER_LOST),
                    leaf(l, "up-after-received").map(Long::parseLong)
                            .orElse((long) Liveness.DEFAULT_UP_AFTER_RECEIVED));
        } catch (IllegalArgumentException ex) {
            throw new CommitVetoException(path + "/liveness", ex.getMessage());
        }
    }

    /** measurement-interval, history-size and delay-bin-edge (StampConfigCheck has checked the edges). */
    private static IntervalSettings intervals(MapEntryNode session, String path) throws CommitVetoException {
        try {
            return new IntervalSettings(
                    leaf(session, "measurement-interval").map(Integer::parseInt)
                            .orElse(IntervalSettings.DEFAULT.lengthSeconds()),
                    leaf(session, "history-size").map(Integer::parseInt).orElse(IntervalSettings.DEFAULT.historySize()),
                    StampConfigCheck.delayBinEdges(session, path));
        } catch (IllegalArgumentException ex) {
            throw new CommitVetoException(path, ex.getMessage());
        }
    }

    /** The thresholds container (StampConfigCheck has already checked its must statements). */
    private static Thresholds thresholds(MapEntryNode session, String path) throws CommitVetoException {
        DataContainerNode t = child(session, "thresholds").orElse(null);
        if (t == null) {
            return Thresholds.NONE;
        }
        int interval = leaf(t, "evaluation-interval").map(Integer::parseInt).orElse(10);
        List<Thresholds.DelayBound> delays = new ArrayList<>();
        for (MapEntryNode d : entries(t, "delay-threshold")) {
            String metric = leaf(d, "metric").orElseThrow();
            try {
                long raise = Long.parseLong(leaf(d, "raise").orElseThrow(() -> new CommitVetoException(
                        path + "/thresholds/delay-threshold[metric='" + metric + "']/raise",
                        ErrorTag.DATA_MISSING, "raise is missing")));
                long clear = leaf(d, "clear").map(Long::parseLong).orElse(raise);
                delays.add(new Thresholds.DelayBound(Thresholds.Metric.of(metric),
                        Thresholds.Statistic.of(leaf(d, "statistic").orElse("avg")), raise, clear,
                        Thresholds.Kind.of(leaf(d, "kind").orElse("accelerated")),
                        leaf(d, "minimum-change").map(Long::parseLong).orElse(0L) * 1000));
            } catch (IllegalArgumentException ex) {
                throw new CommitVetoException(path + "/thresholds/delay-threshold[metric='" + metric + "']",
                        ex.getMessage());
            }
        }
        Thresholds.LossBound loss = null;
        Optional<DataContainerNode> l = child(t, "loss-threshold");
        if (l.isPresent()) {
            BigDecimal raise = new BigDecimal(leaf(l.get(), "raise").orElseThrow(() -> new CommitVetoException(
                    path + "/thresholds/loss-threshold/raise",
                    ErrorTag.DATA_MISSING, "raise is missing")));
            BigDecimal clear = leaf(l.get(), "clear").map(BigDecimal::new).orElse(raise);
            loss = new Thresholds.LossBound(raise, clear,
                    Thresholds.Kind.of(leaf(l.get(), "kind").orElse("accelerated")));
        }
        return new Thresholds(interval, delays, loss);
    }
}
