package io.stampd.dataplane.codec;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * UDP checksum over IPv6 (RFC 768, RFC 8200 §8.1): the one's-complement sum of the pseudo-header
 * {@code Source(16) Destination(16) Upper-Layer Length(4) Zero(3) Next Header=17(1)} and the UDP
 * datagram. With a Routing header the pseudo-header carries the final destination — for an SRH
 * Segment List[0] — not the current IPv6 destination. A computed 0 is sent as 0xFFFF; a received
 * 0 is invalid over IPv6. Allocation-free.
 */
public final class UdpChecksum {
    public static final int NEXT_HEADER_UDP = 17;
    /** Offset of the checksum in the UDP header. */
    public static final int CHECKSUM = 6;
    public static final int UDP_HEADER_LENGTH = 8;

    private static final int IPV6_HEADER_LENGTH = 40;
    private static final int NH_HOP_BY_HOP = 0;
    private static final int NH_DESTINATION_OPTIONS = 60;
    private static final int NH_FRAGMENT = 44;

    private UdpChecksum() {
    }

    /**
     * The checksum to transmit for the UDP datagram of {@code udpLength} octets at
     * {@code udp[udpOffset]} (its checksum field is ignored), sent from {@code source} to the final
     * destination {@code destination} (16 octets each at the given offsets).
     */
    public static int compute(MemorySegment source, long sourceOffset, MemorySegment destination,
                              long destinationOffset, MemorySegment udp, long udpOffset, int udpLength) {
        if (udpLength < UDP_HEADER_LENGTH || udpOffset < 0 || udpOffset + udpLength > udp.byteSize()) {
            throw new IllegalArgumentException("a UDP datagram of " + udpLength + " octets at " + udpOffset
                    + " does not fit the " + udp.byteSize() + "-octet segment (or is shorter than its header)");
        }
        long sum = pseudoHeaderSum(source, sourceOffset, destination, destinationOffset, udpLength);
        sum += sum16(udp, udpOffset, CHECKSUM);
        sum += sum16(udp, udpOffset + UDP_HEADER_LENGTH, udpLength - UDP_HEADER_LENGTH);
        int checksum = ~fold(sum) & 0xFFFF;
        return checksum == 0 ? 0xFFFF : checksum;
    }

    /**
     * The part of the checksum sum that is the same for every datagram of one flow and length: the
     * pseudo-header and the UDP ports and length (the checksum field is left out). A plane that
     * sends from a template sums only the payload per packet ({@link #withPayload}).
     */
    public static long flowSum(MemorySegment source, long sourceOffset, MemorySegment destination,
                               long destinationOffset, MemorySegment udp, long udpOffset, int udpLength) {
        return pseudoHeaderSum(source, sourceOffset, destination, destinationOffset, udpLength)
                + sum16(udp, udpOffset, CHECKSUM);
    }

    /** The checksum to transmit: {@code flowSum} plus the payload after the UDP header at {@code udp[udpOffset]}. */
    public static int withPayload(long flowSum, MemorySegment udp, long udpOffset, int udpLength) {
        int checksum = ~fold(flowSum + sum16(udp, udpOffset + UDP_HEADER_LENGTH, udpLength - UDP_HEADER_LENGTH)) & 0xFFFF;
        return checksum == 0 ? 0xFFFF : checksum;
    }

    /** Computes the checksum and writes it into the UDP header. */
    public static void fill(MemorySegment source, long sourceOffset, MemorySegment destination,
                            long destinationOffset, MemorySegment udp, long udpOffset, int udpLength) {
        int c = compute(source, sourceOffset, destination, destinationOffset, udp, udpOffset, udpLength);
        udp.set(StampLayout.U16, udpOffset + CHECKSUM, (short) c);
    }

    /** True if the received datagram's checksum is right (0, "no checksum", is not accepted over IPv6). */
    public static boolean verify(MemorySegment source, long sourceOffset, MemorySegment destination,
                                 long destinationOffset, MemorySegment udp, long udpOffset, int udpLength) {
        if (udpLength < UDP_HEADER_LENGTH || udpOffset < 0 || udpOffset + udpLength > udp.byteSize()
                || udp.get(StampLayout.U16, udpOffset + CHECKSUM) == 0) {
            return false;
        }
        long sum = pseudoHeaderSum(source, sourceOffset, destination, destinationOffset, udpLength);
        sum += sum16(udp, udpOffset, udpLength);
        return fold(sum) == 0xFFFF;
    }

    /**
     * The checksum for the UDP datagram inside an IPv6 packet of {@code length} octets at
     * {@code ip[0]}, walking Hop-by-Hop, Destination Options and Routing headers and applying the
     * final-destination rule for an SRH. Returns -1 if the packet is not IPv6/UDP, is a fragment,
     * has a non-SRH routing header, or any length runs past the packet.
     */
    public static int computeForPacket(MemorySegment ip, int length) {
        long found = locateUdp(ip, length);
        if (found < 0) {
            return -1;
        }
        int udp = (int) (found >>> 32);
        int finalDestination = (int) found;
        return compute(ip, 8, ip, finalDestination, ip, udp, length - udp);
    }

    /** True if the IPv6 packet is UDP with a right checksum (same walk as {@link #computeForPacket}). */
    public static boolean verifyPacket(MemorySegment ip, int length) {
        long found = locateUdp(ip, length);
        if (found < 0) {
            return false;
        }
        int udp = (int) (found >>> 32);
        return verify(ip, 8, ip, (int) found, ip, udp, length - udp);
    }

    /**
     * Walks the extension headers. Returns the UDP header offset in the high 32 bits and the
     * offset of the final destination address in the low 32 bits (two results, no object), or -1.
     */
    private static long locateUdp(MemorySegment ip, int length) {
        if (length < IPV6_HEADER_LENGTH + UDP_HEADER_LENGTH || length > ip.byteSize()
                || (Byte.toUnsignedInt(ip.get(ValueLayout.JAVA_BYTE, 0)) >>> 4) != 6) {
            return -1;
        }
        long destination = 24;
        int nextHeader = Byte.toUnsignedInt(ip.get(ValueLayout.JAVA_BYTE, 6));
        long at = IPV6_HEADER_LENGTH;
        while (nextHeader != NEXT_HEADER_UDP) {
            if (nextHeader == NH_FRAGMENT || length - at < 8) {
                return -1;
            }
            int extLength = (Byte.toUnsignedInt(ip.get(ValueLayout.JAVA_BYTE, at + 1)) + 1) * 8;
            if (at + extLength > length) {
                return -1;
            }
            if (nextHeader == Srh.NEXT_HEADER_ROUTING) {
                if (Byte.toUnsignedInt(ip.get(ValueLayout.JAVA_BYTE, at + 2)) != Srh.ROUTING_TYPE
                        || extLength < Srh.length(1)) {
                    return -1;
                }
                destination = at + Srh.FIXED_LENGTH; // Segment List[0]
            } else if (nextHeader != NH_HOP_BY_HOP && nextHeader != NH_DESTINATION_OPTIONS) {
                return -1;
            }
            nextHeader = Byte.toUnsignedInt(ip.get(ValueLayout.JAVA_BYTE, at));
            at += extLength;
        }
        if (length - at < UDP_HEADER_LENGTH) {
            return -1;
        }
        return at << 32 | destination;
    }

    private static long pseudoHeaderSum(MemorySegment source, long sourceOffset, MemorySegment destination,
                                        long destinationOffset, int udpLength) {
        long sum = sum16(source, sourceOffset, 16) + sum16(destination, destinationOffset, 16);
        sum += (udpLength >>> 16) + (udpLength & 0xFFFF);
        return sum + NEXT_HEADER_UDP;
    }

    /** Sum of the big-endian 16-bit words of {@code p[at, at+n)}, an odd last octet padded with zero. */
    private static long sum16(MemorySegment p, long at, int n) {
        long sum = 0;
        int i = 0;
        for (; i + 1 < n; i += 2) {
            sum += Short.toUnsignedInt(p.get(StampLayout.U16, at + i));
        }
        if (i < n) {
            sum += Byte.toUnsignedInt(p.get(ValueLayout.JAVA_BYTE, at + i)) << 8;
        }
        return sum;
    }

    private static int fold(long sum) {
        while ((sum >>> 16) != 0) {
            sum = (sum & 0xFFFF) + (sum >>> 16);
        }
        return (int) sum;
    }
}
