package io.stampd.dataplane.codec;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Allocation-free classification of a 16-octet IPv6 address stored in a segment: what may serve
 * as an SRv6 segment or a reply destination (RFC 4291 §2.4 address types).
 */
public final class Ipv6Octets {
    public static final int LENGTH = 16;

    private Ipv6Octets() {
    }

    /** :: (RFC 4291 §2.5.2). */
    public static boolean isUnspecified(MemorySegment p, long at) {
        return p.get(StampLayout.U64, at) == 0 && p.get(StampLayout.U64, at + 8) == 0;
    }

    /** ff00::/8 (RFC 4291 §2.7). */
    public static boolean isMulticast(MemorySegment p, long at) {
        return p.get(ValueLayout.JAVA_BYTE, at) == (byte) 0xFF;
    }

    /** ::ffff:0:0/96, an IPv4 address in IPv6 clothing (RFC 4291 §2.5.5.2). */
    public static boolean isIpv4Mapped(MemorySegment p, long at) {
        return p.get(StampLayout.U64, at) == 0 && p.get(StampLayout.U32, at + 8) == 0x0000_FFFF;
    }

    /** A unicast IPv6 address: not unspecified, not multicast, not IPv4-mapped. */
    public static boolean isUsableUnicast(MemorySegment p, long at) {
        return !isUnspecified(p, at) && !isMulticast(p, at) && !isIpv4Mapped(p, at);
    }

    /** Why the address cannot be a segment or reply destination, or null if it can. */
    public static String unusableReason(MemorySegment p, long at) {
        if (isUnspecified(p, at)) {
            return "is the unspecified address ::";
        }
        if (isMulticast(p, at)) {
            return "is a multicast address";
        }
        if (isIpv4Mapped(p, at)) {
            return "is an IPv4-mapped address";
        }
        return null;
    }
}
