package io.stampd.dataplane.bench;

import io.stampd.sys.bpf.Xdp;

import java.util.Optional;

/**
 * The benchmark's yardstick for the XDP STAMP reflector (ebpf/xdp_swap_reflector.bpf.c): answers
 * every IPv6/UDP frame to one port by swapping addresses and ports and sending it back with
 * XDP_TX, without reading or writing a STAMP field. What the STAMP reflector costs beyond that is
 * what its parsing, session look-up, timestamps and checksum cost.
 *
 * <p>Like {@link XdpSink}, it acts on the interface in the calling thread's network namespace and
 * stays attached after the process exits.
 */
public final class XdpSwapReflector {
    static final CountingXdpProgram PROGRAM = new CountingXdpProgram("/io/stampd/ebpf/xdp_swap_reflector.bpf.o",
            "xdp_swap_reflector", "xdp_swap_cfg", "xdp_swap_stats", 2, "ebpf/xdp_swap_reflector.h");

    private final CountingXdpProgram.Attached attached;

    private XdpSwapReflector(CountingXdpProgram.Attached attached) {
        this.attached = attached;
    }

    /** struct xdp_swap_stats summed over CPUs. */
    public record Counts(long reflected, long passed) {
    }

    /**
     * Loads the swap reflector answering UDP port {@code port} and attaches it to {@code dev}. Port
     * 0 answers nothing: every frame is looked at and passed, the least any XDP program costs the
     * frames it does not take.
     *
     * @throws IllegalStateException if an XDP program is already attached there
     */
    public static XdpSwapReflector attach(String dev, Xdp.Mode mode, int port) {
        return new XdpSwapReflector(PROGRAM.attach(dev, mode, port));
    }

    /** The swap reflector attached to {@code dev}, empty when no XDP program is attached. */
    public static Optional<XdpSwapReflector> find(String dev) {
        return PROGRAM.find(dev).map(XdpSwapReflector::new);
    }

    public String device() {
        return attached.device();
    }

    public int port() {
        return attached.port();
    }

    public Counts counts() {
        long[] c = attached.counters();
        return new Counts(c[0], c[1]);
    }

    /** Detaches it, only if it is still the program attached. */
    public void detach() {
        attached.detach();
    }
}
