package io.stampd.dataplane.bench;

import io.stampd.sys.bpf.Xdp;

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
    static final CountingXdpProgram PROGRAM = new CountingXdpProgram("/io/stampd/ebpf/xdp_sink.bpf.o", "xdp_sink",
            "xdp_sink_cfg", "xdp_sink_stats", 5, "ebpf/xdp_sink.h");

    private final CountingXdpProgram.Attached attached;

    private XdpSink(CountingXdpProgram.Attached attached) {
        this.attached = attached;
    }

    /** struct xdp_sink_stats summed over CPUs. */
    public record Counts(long packets, long bytes, long portPackets, long portBytes, long passed) {
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
        return new XdpSink(PROGRAM.attach(dev, mode, port));
    }

    /**
     * The sink attached to {@code dev}, empty when no XDP program is attached.
     *
     * @throws IllegalStateException if another XDP program is attached there
     */
    public static Optional<XdpSink> find(String dev) {
        return PROGRAM.find(dev).map(XdpSink::new);
    }

    public String device() {
        return attached.device();
    }

    public Xdp.Mode mode() {
        return attached.mode();
    }

    public int programId() {
        return attached.program().id();
    }

    /** The UDP destination port counted apart (0 = none). */
    public int port() {
        return attached.port();
    }

    /** The counters since the sink was attached, summed over CPUs. */
    public Counts counts() {
        long[] c = attached.counters();
        return new Counts(c[0], c[1], c[2], c[3], c[4]);
    }

    /** Detaches the sink, only if it is still the program attached (another one is left in place). */
    public void detach() {
        attached.detach();
    }
}
