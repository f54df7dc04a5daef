package io.stampd.dataplane.bench;

import java.util.Locale;

/** How the traffic generator puts its frames on the wire. */
public enum SendMethod {
    /**
     * ebpf/traffic_gen.bpf.c run with BPF_PROG_RUN and BPF_F_TEST_XDP_LIVE_FRAMES: each invocation
     * builds one frame in a page-pool frame and redirects it out of the device. The fastest; some
     * kernels (a security policy, or before Linux 5.18) refuse it.
     */
    LIVE_FRAMES("live-frames"),
    /**
     * ebpf/traffic_gen_tc.bpf.c on the device's TC egress hook: each trigger frame sent from an
     * AF_PACKET socket becomes a burst of frames sent with bpf_clone_redirect. Needs no live frames.
     */
    TC_CLONE("tc-clone");

    private final String label;

    SendMethod(String label) {
        this.label = label;
    }

    /** "live-frames" or "tc-clone" (also "live" and "tc"), in any case. */
    public static SendMethod parse(String text) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        for (SendMethod method : values()) {
            if (method.label.equals(t)) {
                return method;
            }
        }
        return switch (t) {
            case "live" -> LIVE_FRAMES;
            case "tc" -> TC_CLONE;
            default -> throw new IllegalArgumentException("send method must be live-frames or tc-clone, got '"
                    + text + "'");
        };
    }

    @Override
    public String toString() {
        return label;
    }
}
