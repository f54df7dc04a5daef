package io.stampd.dataplane.session;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;

/** Parsing of IPv6 addresses and segment lists from operator text, with errors naming the bad element. */
public final class Ipv6Addresses {
    private Ipv6Addresses() {
    }

    /**
     * Parses a literal IPv6 address (no name resolution). {@code what} names the field for the
     * error message, e.g. "--reflector".
     */
    public static Inet6Address parse(String text, String what) {
        String t = text == null ? "" : text.trim();
        if (t.isEmpty() || !t.contains(":") || !t.matches("[0-9A-Fa-f:.%a-zA-Z0-9]+")) {
            throw new IllegalArgumentException(what + ": '" + text + "' is not an IPv6 address");
        }
        InetAddress a;
        try {
            a = InetAddress.getByName(t); // literal only: contains ':' so no DNS lookup happens
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(what + ": '" + text + "' is not an IPv6 address");
        }
        if (a instanceof Inet4Address) {
            throw new IllegalArgumentException(what + ": '" + text + "' is an IPv4(-mapped) address; "
                    + "STAMP over SRv6 needs IPv6");
        }
        return (Inet6Address) a;
    }

    /** A unicast address usable as a STAMP endpoint or a segment. */
    public static Inet6Address parseUnicast(String text, String what) {
        Inet6Address a = parse(text, what);
        if (a.isAnyLocalAddress()) {
            throw new IllegalArgumentException(what + ": '" + text + "' is the unspecified address");
        }
        if (a.isMulticastAddress()) {
            throw new IllegalArgumentException(what + ": '" + text + "' is a multicast address");
        }
        return a;
    }

    /** Maximum number of segments accepted in a path (keeps the SRH under 1 KiB). */
    public static final int MAX_SEGMENTS = 32;

    /** Parses "S1,S2,..." (first hop first). Empty text gives an empty list. */
    public static List<Inet6Address> parseSegments(String text, String what) {
        List<Inet6Address> out = new ArrayList<>();
        if (text == null || text.isBlank()) {
            return out;
        }
        String[] parts = text.split(",", -1);
        for (int i = 0; i < parts.length; i++) {
            String p = parts[i].trim();
            if (p.isEmpty()) {
                throw new IllegalArgumentException(what + ": segment " + (i + 1) + " is empty in '" + text + "'");
            }
            out.add(parseUnicast(p, what + " segment " + (i + 1)));
        }
        checkSegments(out, what);
        return out;
    }

    public static void checkSegments(List<Inet6Address> segments, String what) {
        if (segments.size() > MAX_SEGMENTS) {
            throw new IllegalArgumentException(what + ": " + segments.size() + " segments, at most "
                    + MAX_SEGMENTS + " are supported");
        }
        for (int i = 0; i < segments.size(); i++) {
            Inet6Address s = segments.get(i);
            if (s.isAnyLocalAddress() || s.isMulticastAddress()) {
                throw new IllegalArgumentException(what + ": segment " + (i + 1) + " ("
                        + s.getHostAddress() + ") is not a unicast address");
            }
        }
    }

    /** RFC 5952 text form (lower case, longest run of zero groups compressed, no scope). */
    public static String format(Inet6Address a) {
        if (a == null) {
            return "::";
        }
        byte[] b = a.getAddress();
        int[] g = new int[8];
        for (int i = 0; i < 8; i++) {
            g[i] = ((b[2 * i] & 0xFF) << 8) | (b[2 * i + 1] & 0xFF);
        }
        int bestStart = -1;
        int bestLen = 1; // a single zero group is not compressed (RFC 5952 §4.2.2)
        for (int i = 0; i < 8; ) {
            if (g[i] != 0) {
                i++;
                continue;
            }
            int j = i;
            while (j < 8 && g[j] == 0) {
                j++;
            }
            if (j - i > bestLen) {
                bestStart = i;
                bestLen = j - i;
            }
            i = j;
        }
        StringBuilder sb = new StringBuilder(39);
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                sb.append("::");
                i += bestLen - 1;
                continue;
            }
            if (sb.length() > 0 && sb.charAt(sb.length() - 1) != ':') {
                sb.append(':');
            }
            sb.append(Integer.toHexString(g[i]));
        }
        return sb.toString();
    }
}
