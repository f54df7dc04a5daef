package io.stampd.dataplane.bench;

import io.stampd.sys.bpf.BpfMap;
import io.stampd.sys.bpf.BpfObject;
import io.stampd.sys.bpf.BpfProgramInfo;
import io.stampd.sys.bpf.NetInterfaces;
import io.stampd.sys.bpf.Xdp;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Optional;

/**
 * The counting XDP sink (ebpf/xdp_sink.bpf.c) on one interface: drops and counts every IPv6 frame
 * but ICMPv6, counting UDP to one port (STAMP's 862) apart. It stays attached after the process
 * exits; {@link #find} reaches it again through the interface (attached program, then its maps),
 * so nothing is pinned.
 *
 * <p>{@link #attach}, {@link #find} and {@link #detach} act on the interface in the calling
 * thread's network namespace (use {@link io.stampd.sys.bpf.NetNamespace#callIn});
 * {@link #counts()} works from anywhere.
 */
public final class XdpSink {
    static final String OBJECT_RESOURCE = "/io/stampd/ebpf/xdp_sink.bpf.o";
    static final String PROGRAM = "xdp_sink";
    static final String CONFIG_MAP = "xdp_sink_cfg";
    static final String STATS_MAP = "xdp_sink_stats";
    static final int CFG_SIZE = 4;
    static final int STATS_SIZE = 40;

    private final String device;
    private final int ifindex;
    private final Xdp.Mode mode;
    private final BpfProgramInfo program;

    private XdpSink(String device, int ifindex, Xdp.Mode mode, BpfProgramInfo program) {
        this.device = device;
        this.ifindex = ifindex;
        this.mode = mode;
        this.program = program;
    }

    /** struct xdp_sink_stats summed over CPUs. */
    public record Counts(long packets, long bytes, long portPackets, long portBytes, long passed) {
        static Counts sum(byte[][] perCpu) {
            long[] total = new long[5];
            for (byte[] value : perCpu) {
                ByteBuffer b = ByteBuffer.wrap(value).order(ByteOrder.nativeOrder());
                for (int i = 0; i < total.length; i++) {
                    total[i] += b.getLong(i * 8);
                }
            }
            return new Counts(total[0], total[1], total[2], total[3], total[4]);
        }

        /** These counts minus earlier ones. */
        public Counts minus(Counts earlier) {
            return new Counts(packets - earlier.packets, bytes - earlier.bytes, portPackets - earlier.portPackets,
                    portBytes - earlier.portBytes, passed - earlier.passed);
        }
    }

    /**
     * Loads a sink counting UDP port {@code port} apart (0 = none) and attaches it to {@code dev}.
     *
     * @throws IllegalStateException if an XDP program is already attached there
     */
    public static XdpSink attach(String dev, Xdp.Mode mode, int port) {
        if (port < 0 || port > 65_535) {
            throw new IllegalArgumentException("port must be from 0 to 65535, got " + port);
        }
        int ifindex = NetInterfaces.indexOf(dev);
        int existing = Xdp.attachedProgramId(ifindex);
        if (existing != 0) {
            throw new IllegalStateException("interface " + dev + " already has XDP program '"
                    + BpfProgramInfo.ofId(existing).name() + "' (id " + existing + "); detach it first");
        }
        try (BpfObject object = BpfObject.openResource(OBJECT_RESOURCE).load()) {
            BpfMap cfg = object.map(CONFIG_MAP);
            requireValueSize(cfg, CFG_SIZE);
            requireValueSize(object.map(STATS_MAP), STATS_SIZE);
            cfg.update(BpfMap.indexKey(0), ByteBuffer.allocate(CFG_SIZE).order(ByteOrder.nativeOrder())
                    .putShort((short) port).putShort((short) 0).array());
            Xdp.attach(ifindex, object.programFd(PROGRAM), mode);
        }
        return find(dev).orElseThrow(() -> new IllegalStateException("the sink attached to " + dev + " vanished"));
    }

    /**
     * The sink attached to {@code dev}, empty when no XDP program is attached.
     *
     * @throws IllegalStateException if another XDP program is attached there
     */
    public static Optional<XdpSink> find(String dev) {
        int ifindex = NetInterfaces.indexOf(dev);
        return Xdp.findNamed(dev, ifindex, PROGRAM)
                .map(found -> new XdpSink(dev, ifindex, found.mode(), found.program()));
    }

    public String device() {
        return device;
    }

    public Xdp.Mode mode() {
        return mode;
    }

    public int programId() {
        return program.id();
    }

    /** The UDP destination port counted apart (0 = none). */
    public int port() {
        try (BpfMap cfg = program.openMap(CONFIG_MAP)) {
            byte[] value = cfg.lookup(BpfMap.indexKey(0)).orElseThrow(
                    () -> new IllegalStateException("map " + CONFIG_MAP + " has no entry 0"));
            return Short.toUnsignedInt(ByteBuffer.wrap(value).order(ByteOrder.nativeOrder()).getShort(0));
        }
    }

    /** The counters since the sink was attached, summed over CPUs. */
    public Counts counts() {
        try (BpfMap stats = program.openMap(STATS_MAP)) {
            requireValueSize(stats, STATS_SIZE);
            return Counts.sum(stats.lookupPerCpu(BpfMap.indexKey(0)).orElseThrow(
                    () -> new IllegalStateException("map " + STATS_MAP + " has no entry 0")));
        }
    }

    /** Detaches the sink, only if it is still the program attached (another one is left in place). */
    public void detach() {
        Xdp.detach(ifindex, mode, program.id());
    }

    private static void requireValueSize(BpfMap map, int expected) {
        if (map.valueSize() != expected) {
            throw new IllegalStateException("map " + map.name() + " holds " + map.valueSize()
                    + "-byte values, expected " + expected + ": ebpf/xdp_sink.h and XdpSink disagree");
        }
    }
}
