package io.stampd.dataplane.xdp;

import io.stampd.dataplane.codec.UdpChecksum;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;

/**
 * An independent reading of a frame as the STAMP programs must read it (RFC 8200 and RFC 8754,
 * restated in Java rather than taken from ebpf/stamp_parse.h): Ethernet, IPv6, Hop-by-Hop /
 * Destination Options / Routing headers (Segments Left 0) up to UDP at the end of the IPv6
 * packet. The oracle of the hostile-frame tests; also repairs lengths and checksum of a mutated
 * frame so that mutations reach past those gates.
 */
record WireFrame(byte[] src, byte[] dst, int udp, int ipEnd, int sport, int dport, int payloadLength,
                 boolean checksumValid) {
    private static final int ETH = 14;
    private static final int EXT = ETH + 40;

    /** The frame's datagram, or null if it is not a whole IPv6 UDP datagram at its final destination. */
    static WireFrame read(byte[] f) {
        int at = walk(f);
        if (at < 0) {
            return null;
        }
        int ipEnd = EXT + u16(f, ETH + 4);
        if (at + 8 > ipEnd) {
            return null;
        }
        int udpLength = u16(f, at + 4);
        if (udpLength < 8 || at + udpLength != ipEnd) {
            return null;
        }
        byte[] src = Arrays.copyOfRange(f, ETH + 8, ETH + 24);
        byte[] dst = Arrays.copyOfRange(f, ETH + 24, ETH + 40);
        int field = u16(f, at + 6);
        MemorySegment frame = MemorySegment.ofArray(f);
        int right = UdpChecksum.compute(MemorySegment.ofArray(src), 0, MemorySegment.ofArray(dst), 0, frame, at,
                udpLength);
        boolean valid = field != 0 && (field == right || field == partial(src, dst, udpLength));
        return new WireFrame(src, dst, at, ipEnd, u16(f, at), u16(f, at + 2), udpLength - 8, valid);
    }

    /** Offset of the UDP header after a well-formed extension chain, or -1. */
    private static int walk(byte[] f) {
        if (f.length < EXT || u16(f, 12) != 0x86DD || (f[ETH] & 0xF0) != 0x60) {
            return -1;
        }
        int ipEnd = EXT + u16(f, ETH + 4);
        if (ipEnd > f.length) {
            return -1;
        }
        int nh = f[ETH + 6] & 0xFF;
        int at = EXT;
        boolean srh = false;
        for (int i = 0; nh != 17; i++) {
            if (i >= 8 || (nh != 0 && nh != 60 && nh != 43) || (nh == 0 && i != 0) || at + 8 > ipEnd) {
                return -1;
            }
            int length = ((f[at + 1] & 0xFF) + 1) * 8;
            if (at + length > ipEnd) {
                return -1;
            }
            if (nh == 43) {
                if ((f[at + 3] & 0xFF) != 0) {
                    return -1; // Segments Left: not at its final destination yet
                }
                if ((f[at + 2] & 0xFF) == 4) {
                    if (srh || (f[at + 1] & 0xFF) < 2 || (f[at + 4] & 0xFF) + 1 > (f[at + 1] & 0xFF) / 2) {
                        return -1;
                    }
                    srh = true;
                }
            }
            nh = f[at] & 0xFF;
            at += length;
        }
        return at;
    }

    /** Sets the IPv6 payload length, the UDP length and a right checksum, if the chain reaches UDP. */
    static void repair(byte[] f) {
        if (f.length < EXT || u16(f, 12) != 0x86DD) {
            return;
        }
        put16(f, ETH + 4, f.length - EXT);
        int at = walk(f);
        if (at < 0 || at + 8 > f.length) {
            return;
        }
        put16(f, at + 4, f.length - at);
        MemorySegment frame = MemorySegment.ofArray(f);
        put16(f, at + 6, UdpChecksum.compute(frame, ETH + 8, frame, ETH + 24, frame, at, f.length - at));
    }

    /** The folded pseudo-header sum a CHECKSUM_PARTIAL datagram carries. */
    private static int partial(byte[] src, byte[] dst, int udpLength) {
        long sum = 0;
        for (int i = 0; i < 16; i += 2) {
            sum += u16(src, i) + u16(dst, i);
        }
        sum += udpLength + 17;
        while ((sum >>> 16) != 0) {
            sum = (sum & 0xFFFF) + (sum >>> 16);
        }
        return (int) sum;
    }

    /** The TLVs after the 44-octet base: all Extra Padding (type 1), framed exactly to the end, at most 16. */
    static boolean onlyPaddingTlvs(byte[] f, int payload, int payloadLength) {
        int at = payload + 44;
        int end = payload + payloadLength;
        for (int n = 0; at < end; n++) {
            if (n == 16 || at + 4 > end || (f[at + 1] & 0xFF) != 1) {
                return false;
            }
            at += 4 + u16(f, at + 2);
        }
        return at == end;
    }

    static int u16(byte[] b, int at) {
        return (b[at] & 0xFF) << 8 | (b[at + 1] & 0xFF);
    }

    static long u32(byte[] b, int at) {
        return (long) u16(b, at) << 16 | u16(b, at + 2);
    }

    private static void put16(byte[] b, int at, int v) {
        b[at] = (byte) (v >>> 8);
        b[at + 1] = (byte) v;
    }
}
