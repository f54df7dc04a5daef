package io.stampd.tools;

import io.stampd.dataplane.session.Ipv6Addresses;
import io.stampd.dataplane.session.PeerAddresses;
import picocli.CommandLine.Option;

import java.net.Inet6Address;
import java.util.List;

/**
 * Where test packets go, shared by the commands that send them (probe, flood): reflector, port,
 * source, SRv6 path and SSID, and their resolution into addresses with errors naming the option.
 */
final class TargetOptions {
    @Option(names = "--reflector", paramLabel = "ADDR",
            description = "Session-Reflector IPv6 or IPv4 address (default: the last segment of --segments);"
                    + " IPv4 on the socket data plane only, without --segments.")
    String reflector;

    @Option(names = "--port", paramLabel = "PORT", defaultValue = "862", description = "Reflector UDP port (862 or 1024-65535; default ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--source", paramLabel = "ADDR", description = "Source IPv6 or IPv4 address, of the reflector's IP version (default: chosen by the kernel).")
    String source;

    @Option(names = "--segments", paramLabel = "S1,S2,..",
            description = "SRv6 forward path, first hop first; its last segment is the reflector.")
    String segments;

    @Option(names = "--ssid", paramLabel = "N", defaultValue = "1", description = "STAMP Session Identifier 0-65535 (default ${DEFAULT-VALUE}).")
    int ssid;

    /** The parsed target; an IPv4 reflector and source are IPv4-mapped ({@link PeerAddresses}). */
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
            refl = PeerAddresses.parseUnicast(reflector, "--reflector");
        } else if (!path.isEmpty()) {
            refl = path.getLast();
        } else {
            throw new IllegalArgumentException("--reflector or --segments is required");
        }
        Inet6Address src = source == null ? null : PeerAddresses.parseUnicast(source, "--source");
        if (src != null && PeerAddresses.isIpv4(src) != PeerAddresses.isIpv4(refl)) {
            throw new IllegalArgumentException("--source " + source.trim() + " is " + PeerAddresses.family(src)
                    + " but --reflector " + reflector.trim() + " is " + PeerAddresses.family(refl)
                    + "; both must be of the same IP version");
        }
        if (PeerAddresses.isIpv4(refl) && !path.isEmpty()) {
            throw new IllegalArgumentException("--reflector " + reflector.trim() + " is IPv4, which cannot take"
                    + " --segments: SRv6 segments are IPv6");
        }
        return new Target(refl, path, src);
    }
}
