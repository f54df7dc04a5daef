package io.stampd.dataplane.codec;

import java.lang.foreign.MemorySegment;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * Validation and parsing of SRv6 paths as operators write them: first hop first, the last
 * segment being the final destination. Control-plane code (it allocates); every error names the
 * offending segment by position and text.
 */
public final class SegmentPath {
    /** Most segments accepted in a path: keeps the SRH at 520 octets, far below any MTU concern. */
    public static final int MAX_SEGMENTS = 32;

    private SegmentPath() {
    }

    /**
     * Parses "S1,S2,..." (IPv6 literals, no host names, spaces around commas allowed).
     *
     * @throws IllegalArgumentException naming the bad element
     */
    public static List<Inet6Address> parse(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("segment list is empty; give at least one IPv6 segment");
        }
        String[] parts = text.split(",", -1);
        if (parts.length > MAX_SEGMENTS) {
            throw new IllegalArgumentException("segment list has " + parts.length + " segments; at most "
                    + MAX_SEGMENTS + " are supported");
        }
        List<Inet6Address> path = new ArrayList<>(parts.length);
        for (int i = 0; i < parts.length; i++) {
            path.add(parseSegment(parts[i].strip(), i + 1));
        }
        return List.copyOf(path);
    }

    private static Inet6Address parseSegment(String s, int position) {
        String where = "segment " + position + " ('" + s + "')";
        if (s.isEmpty()) {
            throw new IllegalArgumentException("segment " + position + " is empty");
        }
        if (s.indexOf('%') >= 0) {
            throw new IllegalArgumentException(where + " has a zone index; segments must be global addresses");
        }
        InetAddress a;
        try {
            a = InetAddress.ofLiteral(s); // literal only: never a DNS lookup
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(where + " is not an IPv6 address literal");
        }
        if (a instanceof Inet4Address) {
            throw new IllegalArgumentException(where + (s.indexOf(':') >= 0
                    ? " is an IPv4-mapped address" : " is an IPv4 address") + "; SRv6 segments are IPv6");
        }
        Inet6Address v6 = (Inet6Address) a;
        String problem = problem(v6.getAddress());
        if (problem != null) {
            throw new IllegalArgumentException(where + " " + problem);
        }
        return v6;
    }

    /**
     * Checks a path given as addresses: 1..{@link #MAX_SEGMENTS} segments, each a usable IPv6
     * unicast address. Returns it as an immutable list of IPv6 addresses.
     */
    public static List<Inet6Address> validate(List<? extends InetAddress> path) {
        if (path == null || path.isEmpty()) {
            throw new IllegalArgumentException("segment list is empty; give at least one IPv6 segment");
        }
        if (path.size() > MAX_SEGMENTS) {
            throw new IllegalArgumentException("segment list has " + path.size() + " segments; at most "
                    + MAX_SEGMENTS + " are supported");
        }
        List<Inet6Address> out = new ArrayList<>(path.size());
        for (int i = 0; i < path.size(); i++) {
            InetAddress a = path.get(i);
            if (a == null) {
                throw new IllegalArgumentException("segment " + (i + 1) + " is missing (null)");
            }
            String where = "segment " + (i + 1) + " (" + a.getHostAddress() + ")";
            if (!(a instanceof Inet6Address v6)) {
                throw new IllegalArgumentException(where + " is an IPv4 address; SRv6 segments are IPv6");
            }
            String problem = problem(v6.getAddress());
            if (problem != null) {
                throw new IllegalArgumentException(where + " " + problem);
            }
            out.add(v6);
        }
        return List.copyOf(out);
    }

    /** Why 16 octets cannot be a segment, or null if they can. */
    static String problem(byte[] address) {
        return Ipv6Octets.unusableReason(MemorySegment.ofArray(address), 0);
    }
}
