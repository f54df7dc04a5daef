package io.stampd.tools;

import io.stampd.dataplane.PlaneSettings;
import io.stampd.sys.bpf.Xdp;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code --data-plane socket|af-packet|xdp}, {@code --dev DEV} and {@code --xdp-mode} of probe and reflect. */
final class DataPlaneOptions {
    @Spec(Spec.Target.MIXEE)
    CommandSpec spec;

    @Option(names = "--data-plane", paramLabel = "socket|af-packet|xdp", defaultValue = "socket",
            description = "socket: UDP sockets (default). af-packet: a packet socket with a TPACKET_V3 ring on"
                    + " --dev takes the test packets and replies and sends whole frames. xdp: XDP programs on --dev"
                    + " reflect and collect unauthenticated test packets in the kernel; the rest goes through the"
                    + " sockets.")
    String dataPlane;

    @Option(names = "--dev", paramLabel = "DEV", description = "The interface test packets and replies arrive on"
            + " (needed by --data-plane af-packet and xdp).")
    String dev;

    @Option(names = "--xdp-mode", paramLabel = "native|generic", defaultValue = "native",
            description = "Where the XDP programs run: native (in the driver, default) or generic.")
    String xdpMode;

    /** The plane the options ask for; a bad combination is a ParameterException naming the option. */
    PlaneSettings settings() {
        PlaneSettings.Kind kind;
        try {
            kind = PlaneSettings.Kind.parse(dataPlane);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), "--data-plane must be socket, af-packet or xdp, got '" + dataPlane
                    + "'");
        }
        switch (kind) {
            case SOCKET -> {
                if (dev != null) {
                    throw new ParameterException(spec.commandLine(), "--dev is only for --data-plane af-packet or xdp (the socket"
                            + " data plane does not bind to an interface)");
                }
                return PlaneSettings.SOCKET;
            }
            case XDP -> {
                if (dev == null) {
                    throw new ParameterException(spec.commandLine(), "--data-plane xdp needs --dev DEV");
                }
                Xdp.Mode mode;
                try {
                    mode = Xdp.Mode.parse(xdpMode);
                } catch (IllegalArgumentException e) {
                    mode = null;
                }
                if (mode == null || mode == Xdp.Mode.AUTO) {
                    throw new ParameterException(spec.commandLine(), "--xdp-mode must be native or generic, got '"
                            + xdpMode + "'");
                }
                return PlaneSettings.xdp(dev, mode);
            }
            case AF_PACKET -> {
                if (dev == null) {
                    throw new ParameterException(spec.commandLine(), "--data-plane af-packet needs --dev DEV");
                }
                return PlaneSettings.afPacket(dev);
            }
        }
        throw new AssertionError(kind);
    }

    /**
     * Refuses an IPv4 session ({@code address}, given as {@code option}) on a plane other than
     * the socket plane, whose programs parse IPv6 frames only.
     */
    void checkIpv4(PlaneSettings plane, java.net.Inet6Address address, String option) {
        if (address != null && plane.kind() != PlaneSettings.Kind.SOCKET
                && io.stampd.dataplane.session.PeerAddresses.isIpv4(address)) {
            throw new ParameterException(spec.commandLine(), option + " "
                    + io.stampd.dataplane.session.Ipv6Addresses.format(address) + " is IPv4, which --data-plane "
                    + plane.kind() + " does not support: IPv4 is supported on the socket data plane only");
        }
    }
}
