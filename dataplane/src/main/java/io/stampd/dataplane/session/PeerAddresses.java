package io.stampd.dataplane.session;

import io.stampd.dataplane.DataPlaneException;
import io.stampd.dataplane.PlaneSettings;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Collection;
import java.util.List;

/**
 * Session endpoint addresses of either family. An IPv4 peer is held as its IPv4-mapped IPv6
 * address (::ffff:a.b.c.d, RFC 4291 §2.5.5.2): the socket plane's dual-stack sockets take it as it
 * is, and the session core compares 16 octets whatever the family, so nothing on the packet path
 * needs to know. What an operator sees is the dotted form ({@link Ipv6Addresses#format}).
 * Segments stay IPv6 only ({@link Ipv6Addresses#parseSegments}): SRv6 has no IPv4 form.
 */
public final class PeerAddresses {
    private PeerAddresses() {
    }

    /** Parses an IPv6 or IPv4 literal (no name resolution); {@code what} names the field for the error. */
    public static Inet6Address parse(String text, String what) {
        InetAddress a = Ipv6Addresses.literal(text, what, "an IPv6 or IPv4 address");
        return a instanceof Inet4Address v4 ? mapped(v4) : (Inet6Address) a;
    }

    /** A unicast address of either family usable as a STAMP endpoint. */
    public static Inet6Address parseUnicast(String text, String what) {
        Inet6Address a = parse(text, what);
        if (isUnspecified(a)) {
            throw new IllegalArgumentException(what + ": '" + text + "' is the unspecified address");
        }
        if (isMulticast(a)) {
            throw new IllegalArgumentException(what + ": '" + text + "' is a multicast address");
        }
        return a;
    }

    /** The IPv4-mapped IPv6 form of {@code a}, kept as an {@link Inet6Address} (Java would unwrap it). */
    public static Inet6Address mapped(Inet4Address a) {
        byte[] b = new byte[16];
        b[10] = (byte) 0xFF;
        b[11] = (byte) 0xFF;
        System.arraycopy(a.getAddress(), 0, b, 12, 4);
        try {
            return Inet6Address.getByAddress(null, b, -1);
        } catch (UnknownHostException e) {
            throw new IllegalStateException("16 octets are an IPv6 address", e);
        }
    }

    /** Whether {@code a} (non-null) is an IPv4 peer, i.e. IPv4-mapped. */
    public static boolean isIpv4(Inet6Address a) {
        byte[] b = a.getAddress();
        for (int i = 0; i < 10; i++) {
            if (b[i] != 0) {
                return false;
            }
        }
        return b[10] == (byte) 0xFF && b[11] == (byte) 0xFF;
    }

    /**
     * "[2001:db8::1]:862" or "192.0.2.1:862" (RFC 3986 host forms); {@code a} null is the
     * any address "[::]".
     */
    public static String withPort(Inet6Address a, int port) {
        return a != null && isIpv4(a) ? Ipv6Addresses.format(a) + ":" + port
                : "[" + (a == null ? "::" : Ipv6Addresses.format(a)) + "]:" + port;
    }

    /** "IPv4" or "IPv6". */
    public static String family(Inet6Address a) {
        return isIpv4(a) ? "IPv4" : "IPv6";
    }

    /** :: or 0.0.0.0. */
    public static boolean isUnspecified(Inet6Address a) {
        return a.isAnyLocalAddress() || (isIpv4(a) && v4(a).isAnyLocalAddress());
    }

    /** ff00::/8 or 224.0.0.0/4. */
    public static boolean isMulticast(Inet6Address a) {
        return a.isMulticastAddress() || (isIpv4(a) && v4(a).isMulticastAddress());
    }

    private static Inet4Address v4(Inet6Address a) {
        byte[] b = a.getAddress();
        try {
            return (Inet4Address) InetAddress.getByAddress(new byte[] {b[12], b[13], b[14], b[15]});
        } catch (UnknownHostException e) {
            throw new IllegalStateException("4 octets are an IPv4 address", e);
        }
    }

    /**
     * Refuses two addresses of one session (either may be null: not given) of different families,
     * and an IPv4 session with an SRv6 path: a packet has one IP version, and SRv6 is IPv6.
     */
    public static void checkFamilies(String session, Inet6Address sender, Inet6Address reflector,
                                     List<Inet6Address> segments, String segmentsName) {
        if (sender != null && reflector != null && isIpv4(sender) != isIpv4(reflector)) {
            throw new IllegalArgumentException(session + ": sender address " + Ipv6Addresses.format(sender) + " is "
                    + family(sender) + " but reflector address " + Ipv6Addresses.format(reflector) + " is "
                    + family(reflector) + "; both must be of the same IP version");
        }
        Inet6Address v4 = sender != null && isIpv4(sender) ? sender : reflector != null && isIpv4(reflector)
                ? reflector : null;
        if (v4 != null && !segments.isEmpty()) {
            throw new IllegalArgumentException(session + ": an IPv4 session (" + Ipv6Addresses.format(v4)
                    + ") cannot have a " + segmentsName + ": SRv6 segments are IPv6; remove it or use IPv6 addresses");
        }
    }

    /** Whether a sender session has an IPv4 peer. */
    public static boolean isIpv4(SenderSessionConfig c) {
        return isIpv4(c.reflectorAddress());
    }

    /** Whether a reflector session names an IPv4 peer (a wildcard session serves both families). */
    public static boolean isIpv4(ReflectorSessionConfig c) {
        return (c.senderAddress() != null && isIpv4(c.senderAddress()))
                || (c.reflectorAddress() != null && isIpv4(c.reflectorAddress()));
    }

    /**
     * Refuses IPv4 sessions on a plane other than the socket plane, naming the first such session:
     * the XDP and AF_PACKET programs parse IPv6 frames only.
     */
    public static void checkPlane(PlaneSettings.Kind plane, Collection<SenderSessionConfig> senders,
                                  Collection<ReflectorSessionConfig> reflectors) {
        if (plane == PlaneSettings.Kind.SOCKET) {
            return;
        }
        for (SenderSessionConfig c : senders) {
            if (isIpv4(c)) {
                throw ipv4Refused(plane, "sender session " + c.id() + " (reflector "
                        + Ipv6Addresses.format(c.reflectorAddress()) + ")",
                        new DataPlaneException.Subject(DataPlaneException.Field.REFLECTOR_ADDRESS, c.id()));
            }
        }
        for (ReflectorSessionConfig c : reflectors) {
            if (isIpv4(c)) {
                Inet6Address a = c.senderAddress() != null ? c.senderAddress() : c.reflectorAddress();
                throw ipv4Refused(plane, "reflector session " + c.id() + " (" + Ipv6Addresses.format(a) + ")",
                        new DataPlaneException.Subject(c.senderAddress() != null
                                ? DataPlaneException.Field.SENDER_ADDRESS : DataPlaneException.Field.REFLECTOR_ADDRESS,
                                c.id()));
            }
        }
    }

    /** The refusal of an IPv4 session on {@code plane}. */
    public static DataPlaneException ipv4Refused(PlaneSettings.Kind plane, String session,
                                                 DataPlaneException.Subject subject) {
        return new DataPlaneException(DataPlaneException.Reason.UNSUPPORTED, session + " is IPv4, which the "
                + plane + " data plane does not support: IPv4 is supported on the socket data plane only", subject);
    }
}
