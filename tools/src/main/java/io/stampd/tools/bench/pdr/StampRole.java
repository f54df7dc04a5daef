package io.stampd.tools.bench.pdr;

import java.util.List;
import java.util.Locale;

/**
 * What stampd does on the router under test. The generator's STAMP frames are Session-Sender test
 * packets for a reflector, or Session-Reflector packets for a collector (a sender session that
 * collects them, as in the paper's Fig. 14a).
 */
enum StampRole {
    /** No stampd on the router: the forwarding baseline. */
    NONE,
    /** {@code stampd reflect} answers the test packets. */
    REFLECTOR,
    /** {@code stampd probe} collects reflected packets addressed to its session. */
    COLLECTOR;

    /** The reflector's UDP port and the collector's source port on the router. */
    static final int REFLECTOR_PORT = 862;
    static final int COLLECTOR_PORT = 8620;
    /** SSID of the collector's session, carried by the generator's reflected packets. */
    static final int COLLECTOR_SSID = 7;

    String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * The stampd sub-command and options that play this role on the router (after the launcher
     * path), on the socket, the AF_PACKET or the XDP data plane (the last two on the router's ingress
     * interface).
     */
    List<String> stampdArguments(RouterTopology topo, RouterPlane plane) {
        List<String> args = new java.util.ArrayList<>(stampdArguments(topo));
        switch (plane) {
            case SOCKET -> { }
            case AF_PACKET -> args.addAll(List.of("--data-plane", "af-packet", "--dev", topo.routerInDev()));
            case XDP -> args.addAll(List.of("--data-plane", "xdp", "--dev", topo.routerInDev(), "--xdp-mode", "native"));
            default -> throw new IllegalArgumentException(plane.label() + " is not a stampd data plane");
        }
        return List.copyOf(args);
    }

    private List<String> stampdArguments(RouterTopology topo) {
        return switch (this) {
            case NONE -> throw new IllegalStateException("no stampd process in the baseline");
            case REFLECTOR -> List.of("reflect", "--source", topo.routerAddr(), "--port",
                    Integer.toString(REFLECTOR_PORT), "--json", "--stats-interval", "50ms");
            // One probe a second towards the generator (whose XDP sink absorbs it): the session
            // exists to collect what the generator sends to its port.
            case COLLECTOR -> List.of("probe", "--reflector", topo.genAddr(), "--port", Integer.toString(REFLECTOR_PORT),
                    "--source", topo.routerAddr(), "--source-port", Integer.toString(COLLECTOR_PORT),
                    "--ssid", Integer.toString(COLLECTOR_SSID), "--count", "0", "--interval", "1s", "--spin", "0s",
                    "--json", "--quiet", "--stats-interval", "50ms");
        };
    }
}
