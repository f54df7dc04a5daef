package io.stampd.netconf;

import io.stampd.dataplane.PlaneSettings;
import io.stampd.dataplane.codec.HexKey;
import io.stampd.dataplane.codec.TimestampFormat;
import io.stampd.dataplane.session.ClassOfServicePolicy;
import io.stampd.dataplane.session.ClassOfServiceRequest;
import io.stampd.dataplane.session.Ecn;
import io.stampd.dataplane.session.Ipv6Addresses;
import io.stampd.dataplane.session.PeerAddresses;
import io.stampd.dataplane.session.RateLimit;
import io.stampd.dataplane.session.ReflectorSessionConfig;
import io.stampd.dataplane.session.SenderSessionConfig;
import io.stampd.dataplane.session.SenderStatistics;
import io.stampd.sys.bpf.Xdp;
import java.net.Inet6Address;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.opendaylight.yangtools.yang.common.ErrorTag;
import org.opendaylight.yangtools.yang.common.QName;
import org.opendaylight.yangtools.yang.data.api.YangInstanceIdentifier.NodeIdentifier;
import org.opendaylight.yangtools.yang.data.api.schema.ContainerNode;
import org.opendaylight.yangtools.yang.data.api.schema.DataContainerChild;
import org.opendaylight.yangtools.yang.data.api.schema.DataContainerNode;
import org.opendaylight.yangtools.yang.data.api.schema.LeafNode;
import org.opendaylight.yangtools.yang.data.api.schema.LeafSetEntryNode;
import org.opendaylight.yangtools.yang.data.api.schema.LeafSetNode;
import org.opendaylight.yangtools.yang.data.api.schema.MapEntryNode;
import org.opendaylight.yangtools.yang.data.api.schema.MapNode;

/**
 * Checks a proposed /stamp configuration against the data plane's own rules, by building the
 * engine's session configurations from it: what YANG cannot express (a forward segment list ends
 * at the reflector, a return path at the sender, key chains exist, reflector sessions do not
 * claim the same packets) is refused here, before it becomes running. Leaves that are absent get
 * the defaults of stampd-stamp.yang.
 *
 * <p>Whether the node's data plane can run it (ports free, the interface there) is the engine's
 * check, through the data plane itself, after this one.
 */
public final class StampConfigCheck implements ConfigCommitHook {

    /**
     * The engine's view of a configuration: the sessions it would run, and the node's limit of
     * answers per source address (null: none).
     */
    public record Sessions(List<SenderSessionConfig> senders, List<ReflectorSessionConfig> reflectors,
                           RateLimit perSourceRateLimit) {
    }

    /**
     * The data plane /stamp/data-plane asks for (socket when absent). The YANG model says most of
     * it (an enumeration, the must on interface); what it does not: the socket plane binds to no
     * interface, and OpenDaylight does not evaluate must statements.
     */
    public static PlaneSettings plane(DataContainerNode stamp) throws CommitVetoException {
        DataContainerNode plane = child(stamp, "data-plane").orElse(null);
        String type = plane == null ? "socket" : leaf(plane, "type").orElse("socket");
        Optional<String> device = plane == null ? Optional.empty() : leaf(plane, "interface");
        PlaneSettings.Kind kind;
        try {
            kind = PlaneSettings.Kind.parse(type);
        } catch (IllegalArgumentException e) {
            throw new CommitVetoException("/stamp/data-plane/type", ErrorTag.INVALID_VALUE, e.getMessage());
        }
        switch (kind) {
            case SOCKET -> {
                if (device.isPresent()) {
                    throw new CommitVetoException("/stamp/data-plane/interface", ErrorTag.INVALID_VALUE,
                            "the socket data plane does not bind to an interface; remove /stamp/data-plane/interface"
                            + " (or choose type xdp or af-packet to attach to " + device.get() + ")");
                }
                return PlaneSettings.SOCKET;
            }
            case XDP -> {
                if (device.isEmpty()) {
                    throw new CommitVetoException("/stamp/data-plane/interface", ErrorTag.DATA_MISSING,
                            "the xdp data plane needs an interface: set /stamp/data-plane/interface");
                }
                String mode = leaf(plane, "xdp-mode").orElse("native");
                return PlaneSettings.xdp(device.get(), Xdp.Mode.parse(mode));
            }
            case AF_PACKET -> {
                if (device.isEmpty()) {
                    throw new CommitVetoException("/stamp/data-plane/interface", ErrorTag.DATA_MISSING,
                            "the af-packet data plane needs an interface: set /stamp/data-plane/interface");
                }
                return PlaneSettings.afPacket(device.get());
            }
            default -> throw new CommitVetoException("/stamp/data-plane/type", ErrorTag.OPERATION_NOT_SUPPORTED,
                    "data plane " + type + " is not supported by this agent; use socket, af-packet or xdp");
        }
    }

    @Override
    public void validate(ConfigChange change) throws CommitVetoException {
        sessions(change.after());
    }

    /** Builds the engine's sessions from the configuration root, or says what is wrong. */
    public static Sessions sessions(Optional<ContainerNode> root) throws CommitVetoException {
        List<SenderSessionConfig> senders = new ArrayList<>();
        List<ReflectorSessionConfig> reflectors = new ArrayList<>();
        DataContainerNode stamp = root.flatMap(r -> child(r, "stamp")).orElse(null);
        if (stamp == null) {
            return new Sessions(senders, reflectors, null);
        }
        PlaneSettings plane = plane(stamp);
        DataContainerNode keyChains = child(stamp, "key-chains").orElse(null);

        var senderContainer = child(stamp, "stamp-session-sender");
        if (senderContainer.isPresent()) {
            // YANG unique "ssid session-reflector-ip session-reflector-udp-port" (OpenDaylight does
            // not enforce unique), on the effective values; hashed, for ten thousand sessions.
            Map<List<Object>, SenderSessionConfig> unique = new HashMap<>();
            for (MapEntryNode e : entries(senderContainer.get(), "sender-test-session")) {
                String path = "/stamp/stamp-session-sender/sender-test-session[stamp-session-id='"
                        + leaf(e, "stamp-session-id").orElse("?") + "']";
                SenderSessionConfig s = sender(e, keyChains, path);
                SenderSessionConfig other = unique.putIfAbsent(List.of(s.ssid(), s.reflectorAddress(),
                        s.reflectorPort()), s);
                if (other != null) {
                    throw new CommitVetoException(path, ErrorTag.DATA_EXISTS, "sender session " + s.id()
                            + " has the same ssid " + s.ssid() + ", reflector and reflector port as sender"
                            + " session " + other.id());
                }
                thresholds(e, path);
                delayBinEdges(e, path);
                Ipv4Sessions.checkPlane(plane, s, path);
                senders.add(s);
            }
        }
        var reflectorContainer = child(stamp, "stamp-session-reflector");
        RateLimit perSource = null;
        if (reflectorContainer.isPresent()) {
            perSource = rateLimit(reflectorContainer.get(), "per-source-rate-limit",
                    "/stamp/stamp-session-reflector");
            boolean stateful = leaf(reflectorContainer.get(), "reflector-mode-state").orElse("stateless")
                    .equals("stateful");
            for (MapEntryNode e : entries(reflectorContainer.get(), "reflector-test-session")) {
                String path = "/stamp/stamp-session-reflector/reflector-test-session[session-index='"
                        + leaf(e, "session-index").orElse("?") + "']";
                ReflectorSessionConfig r = reflector(e, keyChains, stateful, path);
                Ipv4Sessions.checkPlane(plane, r, path);
                for (ReflectorSessionConfig other : reflectors) {
                    if (r.overlaps(other)) {
                        throw new CommitVetoException(path, ErrorTag.DATA_EXISTS, "reflector session " + r.id()
                                + " would answer the same test packets as reflector session " + other.id()
                                + " (same port, and SSID, addresses and sender port not told apart)");
                    }
                }
                reflectors.add(r);
            }
        }
        return new Sessions(senders, reflectors, perSource);
    }

    private static SenderSessionConfig sender(MapEntryNode e, DataContainerNode keyChains, String path)
            throws CommitVetoException {
        long id = number(e, "stamp-session-id", 0, path);
        Inet6Address reflector = address(e, "session-reflector-ip", path);
        Inet6Address senderIp = leaf(e, "sender-ip").isPresent() ? address(e, "sender-ip", path) : null;
        List<Inet6Address> forward = segments(e, "forward-path", path);
        List<Inet6Address> back = segments(e, "return-path", path);
        Ipv4Sessions.checkSender(id, senderIp, reflector, forward, back, path);
        if (!back.isEmpty() && senderIp != null && !back.getLast().equals(senderIp)) {
            throw new CommitVetoException(path + "/return-path", "return segment list must end at the sender "
                    + Ipv6Addresses.format(senderIp) + ", but its last segment is "
                    + Ipv6Addresses.format(back.getLast()));
        }
        String count = leaf(e, "number-of-packets").orElse("forever");
        try {
            return SenderSessionConfig.builder()
                    .id(id)
                    .ssid((int) number(e, "ssid", id & 0xFFFF, path))
                    .senderAddress(senderIp)
                    .senderPort((int) number(e, "session-sender-udp-port", 0, path))
                    .reflectorAddress(reflector)
                    .reflectorPort((int) number(e, "session-reflector-udp-port", 862, path))
                    .forwardSegments(forward)
                    .intervalNanos(number(e, "interval", 1_000_000, path) * 1000)
                    .packetCount(count.equals("forever") ? 0 : Long.parseLong(count))
                    .timestampFormat(format(leaf(e, "sender-timestamp-format").orElse("ntp-format")))
                    .hmacKey(key(e, keyChains, path))
                    .packetLength((int) number(e, "packet-length", 0, path))
                    .dscp((int) number(e, "dscp-value", 0, path))
                    .lossTimeoutNanos(number(e, "loss-timeout", 2000, path) * 1_000_000)
                    .percentiles(new double[] {
                        decimal(e, "first-percentile", 95.0), decimal(e, "second-percentile", 99.0),
                        decimal(e, "third-percentile", 99.9)})
                    .recordCapacity((int) number(e, "record-capacity", 256, path))
                    .reflectorMode(leaf(e, "test-session-reflector-mode").map(m -> m.equals("stateful")
                            ? SenderStatistics.ReflectorMode.STATEFUL : SenderStatistics.ReflectorMode.STATELESS)
                            .orElse(SenderStatistics.ReflectorMode.AUTO))
                    .followUpTelemetry(leaf(e, "follow-up-telemetry").map(Boolean::parseBoolean).orElse(false))
                    .ecn(Ecn.parse(leaf(e, "ecn-value").orElse("not-ect")))
                    .classOfService(classOfServiceRequest(e, path))
                    .build();
        } catch (IllegalArgumentException ex) {
            throw new CommitVetoException(path, ex.getMessage());
        }
    }

    /** The Class of Service TLV a sender session asks for, or null without container class-of-service. */
    private static ClassOfServiceRequest classOfServiceRequest(MapEntryNode e, String path) throws CommitVetoException {
        var cos = child(e, "class-of-service");
        if (cos.isEmpty()) {
            return null;
        }
        return new ClassOfServiceRequest((int) number(cos.get(), "reply-dscp", 0, path + "/class-of-service"),
                Ecn.parse(leaf(cos.get(), "reply-ecn").orElse("not-ect")));
    }

    /** How a reflector session's replies get their DSCP and ECN. */
    private static ClassOfServicePolicy classOfServicePolicy(MapEntryNode e, String path) throws CommitVetoException {
        boolean configured = leaf(e, "dscp-handling-mode").orElse("copy-received-value").equals("use-configured-value");
        return new ClassOfServicePolicy(
                configured ? (int) number(e, "dscp-value", 0, path) : ClassOfServicePolicy.COPY_RECEIVED,
                leaf(e, "allow-reply-dscp").map(Boolean::parseBoolean).orElse(true),
                leaf(e, "allow-reply-ecn").map(Boolean::parseBoolean).orElse(true));
    }

    /** delay-bin-edge when absent (its YANG defaults, which OpenDaylight leaves out of the data tree). */
    public static final List<Long> DEFAULT_DELAY_BIN_EDGES = List.of(0L, 5_000L, 10_000L, 20_000L, 50_000L);

    /**
     * A sender session's delay-bin-edge values in microseconds, in the operator's order, which
     * must be strictly increasing (each edge is the lower bound of its bin).
     */
    public static List<Long> delayBinEdges(DataContainerNode session, String path) throws CommitVetoException {
        DataContainerChild list = session == null ? null : session.childByArg(id("delay-bin-edge"));
        if (!(list instanceof LeafSetNode<?> set) || set.body().isEmpty()) {
            return DEFAULT_DELAY_BIN_EDGES;
        }
        List<Long> edges = new ArrayList<>();
        for (LeafSetEntryNode<?> e : set.body()) {
            long edge = Long.parseLong(e.body().toString());
            if (!edges.isEmpty() && edge <= edges.getLast()) {
                throw new CommitVetoException(path + "/delay-bin-edge", "delay-bin-edge must be strictly"
                        + " increasing (each is the lower bound of its bin, in microseconds), but " + edge
                        + " follows " + edges.getLast() + " in " + set.body().stream()
                        .map(x -> x.body().toString()).toList());
            }
            edges.add(edge);
        }
        return edges;
    }

    /** The must statements of the thresholds (OpenDaylight does not evaluate must). */
    private static void thresholds(MapEntryNode session, String path) throws CommitVetoException {
        var t = child(session, "thresholds");
        if (t.isEmpty()) {
            return;
        }
        for (MapEntryNode d : entries(t.get(), "delay-threshold")) {
            String metric = leaf(d, "metric").orElse("?");
            String p = path + "/thresholds/delay-threshold[metric='" + metric + "']";
            if (metric.equals("two-way-loss")) {
                throw new CommitVetoException(p + "/metric", "two-way-loss is bounded by loss-threshold");
            }
            clearNotAboveRaise(d, p);
        }
        var loss = child(t.get(), "loss-threshold");
        if (loss.isPresent()) {
            clearNotAboveRaise(loss.get(), path + "/thresholds/loss-threshold");
        }
    }

    private static void clearNotAboveRaise(DataContainerNode bound, String path) throws CommitVetoException {
        Optional<String> raise = leaf(bound, "raise");
        Optional<String> clear = leaf(bound, "clear");
        if (raise.isPresent() && clear.isPresent()
                && new java.math.BigDecimal(clear.get()).compareTo(new java.math.BigDecimal(raise.get())) > 0) {
            throw new CommitVetoException(path + "/clear", "clear " + clear.get() + " must not exceed raise "
                    + raise.get());
        }
    }

    private static ReflectorSessionConfig reflector(MapEntryNode e, DataContainerNode keyChains, boolean stateful,
                                                    String path) throws CommitVetoException {
        long id = number(e, "session-index", 0, path);
        String ssid = leaf(e, "ssid").orElse("any");
        String senderPort = leaf(e, "sender-udp-port").orElse("any");
        Inet6Address senderIp = anyOrAddress(e, "sender-ip", path);
        Ipv4Sessions.checkReflector(id, senderIp, anyOrAddress(e, "reflector-ip", path),
                segments(e, "return-path", path), path);
        try {
            return new ReflectorSessionConfig(id,
                    ssid.equals("any") ? ReflectorSessionConfig.ANY_SSID : Integer.parseInt(ssid),
                    senderIp,
                    senderPort.equals("any") ? 0 : Integer.parseInt(senderPort),
                    anyOrAddress(e, "reflector-ip", path),
                    (int) number(e, "reflector-udp-port", 862, path),
                    segments(e, "return-path", path),
                    format(leaf(e, "reflector-timestamp-format").orElse("ntp-format")),
                    stateful,
                    key(e, keyChains, path),
                    leaf(e, "accept-short-test-packets").map(Boolean::parseBoolean).orElse(false),
                    classOfServicePolicy(e, path),
                    rateLimit(e, "rate-limit", path));
        } catch (IllegalArgumentException ex) {
            throw new CommitVetoException(path, ex.getMessage());
        }
    }

    /**
     * A token-bucket container ({@code container} of {@code parent}, at {@code path}), or null when
     * absent (unlimited); its YANG range and mandatory leaf are checked here again, by name.
     */
    private static RateLimit rateLimit(DataContainerNode parent, String container, String path)
            throws CommitVetoException {
        var c = child(parent, container);
        if (c.isEmpty()) {
            return null;
        }
        String at = path + "/" + container;
        if (leaf(c.get(), "packets-per-second").isEmpty()) {
            throw new CommitVetoException(at + "/packets-per-second", ErrorTag.DATA_MISSING,
                    container + " needs packets-per-second (the steady rate of answers)");
        }
        long pps = number(c.get(), "packets-per-second", 0, at);
        long burst = number(c.get(), "burst", RateLimit.DEFAULT_BURST, at);
        try {
            return new RateLimit(pps, burst);
        } catch (IllegalArgumentException ex) {
            throw new CommitVetoException(at, container + ": " + ex.getMessage());
        }
    }

    private static byte[] key(DataContainerNode session, DataContainerNode keyChains, String path)
            throws CommitVetoException {
        var security = child(session, "security");
        if (security.isEmpty()) {
            return null;
        }
        // The key's leaves sit in choice key-source, a node of its own in the data tree.
        DataContainerNode source = child(security.get(), "key-source").orElse(security.get());
        Optional<String> inline = leaf(source, "key");
        if (inline.isPresent()) {
            return HexKey.parse(inline.get());
        }
        Optional<String> chain = leaf(source, "key-chain");
        if (chain.isEmpty()) {
            throw new CommitVetoException(path + "/security", ErrorTag.DATA_MISSING,
                    "security needs a key or a key-chain");
        }
        if (keyChains != null) {
            for (MapEntryNode kc : entries(keyChains, "key-chain")) {
                if (leaf(kc, "name").orElse("").equals(chain.get())) {
                    return HexKey.parse(leaf(kc, "key").orElseThrow());
                }
            }
        }
        throw new CommitVetoException(path + "/security/key-chain", ErrorTag.DATA_MISSING,
                "key chain '" + chain.get() + "' is not configured under /stamp/key-chains");
    }

    private static TimestampFormat format(String yang) {
        return yang.equals("ptp-format") ? TimestampFormat.PTP : TimestampFormat.NTP;
    }

    private static List<Inet6Address> segments(DataContainerNode session, String container, String path)
            throws CommitVetoException {
        List<Inet6Address> out = new ArrayList<>();
        var c = child(session, container);
        if (c.isEmpty()) {
            return out;
        }
        DataContainerChild list = c.get().childByArg(id("segment"));
        if (list instanceof LeafSetNode<?> set) {
            for (LeafSetEntryNode<?> s : set.body()) {
                String text = s.body().toString();
                try {
                    out.add(Ipv6Addresses.parseUnicast(text, "segment"));
                } catch (IllegalArgumentException ex) {
                    throw new CommitVetoException(path + "/" + container + "/segment", ex.getMessage());
                }
            }
        }
        try {
            Ipv6Addresses.checkSegments(out, container);
        } catch (IllegalArgumentException ex) {
            throw new CommitVetoException(path + "/" + container, ex.getMessage());
        }
        return out;
    }

    private static Inet6Address address(DataContainerNode n, String name, String path) throws CommitVetoException {
        Optional<String> text = leaf(n, name);
        if (text.isEmpty()) {
            throw new CommitVetoException(path + "/" + name, ErrorTag.DATA_MISSING, name + " is missing");
        }
        try {
            return PeerAddresses.parseUnicast(text.get(), name);
        } catch (IllegalArgumentException ex) {
            throw new CommitVetoException(path + "/" + name, ex.getMessage());
        }
    }

    private static Inet6Address anyOrAddress(DataContainerNode n, String name, String path)
            throws CommitVetoException {
        String v = leaf(n, name).orElse("any");
        return v.equals("any") ? null : address(n, name, path);
    }

    private static long number(DataContainerNode n, String name, long dflt, String path)
            throws CommitVetoException {
        Optional<String> v = leaf(n, name);
        try {
            return v.isEmpty() ? dflt : Long.parseLong(v.get());
        } catch (NumberFormatException ex) {
            throw new CommitVetoException(path + "/" + name, name + " '" + v.get() + "' is not a number");
        }
    }

    private static double decimal(DataContainerNode n, String name, double dflt) {
        return leaf(n, name).map(Double::parseDouble).orElse(dflt);
    }

    private static NodeIdentifier id(String localName) {
        return NodeIdentifier.create(QName.create(YangModels.STAMP_MODULE, localName));
    }

    static Optional<DataContainerNode> child(DataContainerNode parent, String name) {
        return parent.childByArg(id(name)) instanceof DataContainerNode c ? Optional.of(c) : Optional.empty();
    }

    private static Optional<String> leaf(DataContainerNode parent, String name) {
        return parent.childByArg(id(name)) instanceof LeafNode<?> l ? Optional.of(l.body().toString())
                : Optional.empty();
    }

    /**
     * A list's entries in the order of their keys: a system-ordered list has no order of its own,
     * and which of two conflicting entries an error names must not depend on hashing.
     */
    private static Collection<MapEntryNode> entries(DataContainerNode parent, String list) {
        if (!(parent.childByArg(id(list)) instanceof MapNode m)) {
            return List.of();
        }
        List<MapEntryNode> sorted = new ArrayList<>(m.body());
        sorted.sort(StampConfigCheck::byKey);
        return sorted;
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static int byKey(MapEntryNode a, MapEntryNode b) {
        Object x = a.name().values().iterator().next();
        Object y = b.name().values().iterator().next();
        if (x instanceof Comparable cx && x.getClass() == y.getClass()) {
            return cx.compareTo(y);
        }
        return String.valueOf(x).compareTo(String.valueOf(y));
    }
}
