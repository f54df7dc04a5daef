package io.stampd.dataplane;

import io.stampd.sys.bpf.Xdp;

import java.util.Locale;
import java.util.Objects;

/**
 * Which plane moves a node's packets: kernel UDP sockets, or XDP programs on an interface (with
 * the socket path beneath them for what the programs leave to user space). A node switches planes
 * at run time without stopping its sessions ({@link DataPlane#use}).
 *
 * @param device the interface the plane is attached to (XDP); null for the socket plane
 * @param xdpMode native (in the driver) or generic (on the skb path); null for the socket plane
 */
public record PlaneSettings(Kind kind, String device, Xdp.Mode xdpMode) {
    /** The planes, by their names in the YANG model and on the command line. */
    public enum Kind {
        SOCKET("socket"), XDP("xdp"), AF_PACKET("af-packet");

        public final String yangName;

        Kind(String yangName) {
            this.yangName = yangName;
        }

        /** "socket", "xdp" or "af-packet"; the error names the accepted words. */
        public static Kind parse(String text) {
            for (Kind k : values()) {
                if (k.yangName.equals(text.trim().toLowerCase(Locale.ROOT))) {
                    return k;
                }
            }
            throw new IllegalArgumentException("data plane '" + text + "' is not one of: socket, xdp, af-packet");
        }

        @Override
        public String toString() {
            return yangName;
        }
    }

    public static final PlaneSettings SOCKET = new PlaneSettings(Kind.SOCKET, null, null);

    public PlaneSettings {
        Objects.requireNonNull(kind, "kind");
        if (kind == Kind.SOCKET) {
            device = null;
            xdpMode = null;
        } else {
            if (device == null || device.isBlank()) {
                throw new IllegalArgumentException("the " + kind + " data plane needs an interface");
            }
            if (kind == Kind.XDP) {
                xdpMode = xdpMode == null ? Xdp.Mode.NATIVE : xdpMode;
                if (xdpMode == Xdp.Mode.AUTO) {
                    throw new IllegalArgumentException("XDP mode must be native or generic, not auto: the operator"
                            + " should know where the programs run");
                }
            } else {
                xdpMode = null;
            }
        }
    }

    public static PlaneSettings xdp(String device, Xdp.Mode mode) {
        return new PlaneSettings(Kind.XDP, device, mode);
    }

    public static PlaneSettings afPacket(String device) {
        return new PlaneSettings(Kind.AF_PACKET, device, null);
    }

    @Override
    public String toString() {
        return switch (kind) {
            case SOCKET -> "socket";
            case XDP -> "xdp on " + device + " (" + xdpMode + ")";
            case AF_PACKET -> "af-packet on " + device;
        };
    }
}
