package io.stampd.dataplane.session;

import io.stampd.dataplane.codec.SegmentPath;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
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
        InetAddress a = literal(text, what, "an IPv6 address");
        if (a instanceof Inet4Address) {
            throw new IllegalArgumentException(what + ": '" + text + "' is an IPv4(-mapped) address; "
                    + "STAMP over SRv6 needs IPv6");
        }
        return (Inet6Address) a;
    }

    /** An IP literal (never a DNS lookup); the error names the field and what was {@code expected}. */
    static InetAddress literal(String text, String what, String expected) {
        try {
            return InetAddress.ofLiteral(text == null ? "" : text.trim());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(what + ": '" + text + "' is not " + expected);
        }
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

    /**
     * Parses "S1,S2,..." (first hop first); empty text gives an empty list (no SRH). Each element
     * is parsed like any address here; the path rules (count, usable unicast) are
     * {@link SegmentPath#validate}'s.
     */
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

    /** Checks an optional path (empty = no SRH) with the codec's path rules, naming {@code what}. */
    public static void checkSegments(List<Inet6Address> segments, String what) {
        if (segments.isEmpty()) {
            return;
        }
        try {
            SegmentPath.validate(segments);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(what + ": " + e.getMessage());
        }
    }

    /**
     * RFC 5952 text form (lower case, longest run of zero groups compressed, no scope); an IPv4
     * peer (IPv4-mapped, {@link PeerAddresses}) in dotted form, as the operator gave it.
     */
    public static String format(Inet6Address a) {
        if (a == null) {
            return "::";
        }
        byte[] b = a.getAddress();
        if (PeerAddresses.isIpv4(a)) {
            return (b[12] & 0xFF) + "." + (b[13] & 0xFF) + "." + (b[14] & 0xFF) + "." + (b[15] & 0xFF);
        }
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
