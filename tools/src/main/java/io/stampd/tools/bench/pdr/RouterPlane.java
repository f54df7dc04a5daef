package io.stampd.tools.bench.pdr;

import java.util.Locale;

/**
 * What handles the STAMP frames on the router in a search: stampd on one of its data planes, or
 * a yardstick XDP program that does the least an in-kernel reflector or collector must do, to
 * measure stampd's XDP programs against in the same run.
 */
enum RouterPlane {
    /** stampd with the kernel-socket data plane. */
    SOCKET("socket"),
    /**
     * stampd with the AF_PACKET data plane on the router's ingress interface: a TPACKET_V3 ring
     * behind a socket filter that admits only STAMP packets, replies sent as whole frames (issue 10).
     */
    AF_PACKET("af-packet"),
    /** stampd with the XDP data plane on the router's ingress interface (native mode). */
    XDP("xdp"),
    /** ebpf/xdp_swap_reflector.bpf.c: swaps addresses and ports and sends the frame back. Reflector only. */
    XDP_SWAP("xdp-swap"),
    /** ebpf/xdp_sink.bpf.c: counts and drops. Collector only. */
    XDP_DROP("xdp-drop"),
    /**
     * ebpf/xdp_swap_reflector.bpf.c answering no port: looks at each frame's headers and passes
     * it, what any XDP program costs forwarded traffic (on a veth, mostly the kernel's copy of
     * each frame into an XDP buffer). At 0 % STAMP only, under the reflector role.
     */
    XDP_PASS("xdp-pass");

    private final String label;

    RouterPlane(String label) {
        this.label = label;
    }

    /** The name in pdr.csv's dataplane column and on the command line. */
    String label() {
        return label;
    }

    /**
     * A yardstick program rather than stampd: measured only at the share where it is the ceiling,
     * 100 % STAMP (swap, drop) or 0 % (pass).
     */
    boolean yardstick() {
        return this == XDP_SWAP || this == XDP_DROP || this == XDP_PASS;
    }

    /**
     * An XDP program on the router's ingress interface (stampd's XDP plane or a yardstick), whose
     * own cost per frame the kernel's run-time statistics can measure.
     */
    boolean attachesXdp() {
        return this != SOCKET && this != AF_PACKET;
    }

    /** Whether this plane can play {@code role}. */
    boolean plays(StampRole role) {
        return switch (this) {
            case SOCKET, AF_PACKET, XDP -> role != StampRole.NONE;
            case XDP_SWAP, XDP_PASS -> role == StampRole.REFLECTOR;
            case XDP_DROP -> role == StampRole.COLLECTOR;
        };
    }

    static RouterPlane parse(String text) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        for (RouterPlane p : values()) {
            if (p.label.equals(t)) {
                return p;
            }
        }
        throw new IllegalArgumentException("'" + text + "' is not one of socket, af-packet, xdp, xdp-swap, xdp-drop, xdp-pass");
    }
}
