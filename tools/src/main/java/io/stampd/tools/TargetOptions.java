package io.stampd.tools;

import io.stampd.dataplane.session.Ipv6Addresses;
import picocli.CommandLine.Option;

import java.net.Inet6Address;
import java.util.List;

/**
 * Where test packets go, shared by the commands that send them (probe, flood): reflector, port,
 * source, SRv6 path and SSID, and their resolution into addresses with errors naming the option.
 */
final class TargetOptions {
    @Option(names = "--reflector", paramLabel = "ADDR",
            description = "Session-Reflector IPv6 address (default: the last segment of --segments).")
    String reflector;

    @Option(names = "--port", paramLabel = "PORT", defaultValue = "862", description = "Reflector UDP port (862 or 1024-65535; default ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--source", paramLabel = "ADDR", description = "Source IPv6 address (default: chosen by the kernel).")
    String source;

    @Option(names = "--segments", paramLabel = "S1,S2,..",
            description = "SRv6 forward path, first hop first; its last segment is the reflector.")
    String segments;

    @Option(names = "--ssid", paramLabel = "N", defaultValue = "1", description = "STAMP Session Identifier 0-65535 (default ${DEFAULT-VALUE}).")
    int ssid;

    /** The parsed target. */
    record Target(Inet6Address reflector, List<Inet6Address> path, Inet6Address source) {
    }

    /**
     * Parses the addresses; the reflector defaults to the path's last segment.
     *
     * @throws IllegalArgumentException naming the option that is wrong or missing
     */
    Target resolve() {
        List<Inet6Address> path = Ipv6Addresses.parseSegments(segments, "--segments");
        Inet6Address refl;
        if (reflector != null) {
            refl = Ipv6Addresses.parseUnicast(reflector, "--reflector");
        } else if (!path.isEmpty()) {
            refl = path.getLast();
        } else {
            throw new IllegalArgumentException("--reflector or --segments is required");
        }
        return new Target(refl, path, source == null ? null : Ipv6Addresses.parseUnicast(source, "--source"));
    }
}
