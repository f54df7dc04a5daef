package io.stampd.tools;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A pcap reader and IPv6/SRH/UDP dissector written for the wire tests, deliberately independent of
 * the project's codec: what it reports comes from the captured octets and RFC 8200/8754 only.
 */
final class Pcap {
    private Pcap() {
    }

    /**
     * One captured IPv6/UDP datagram, with its SRH if it had one ({@code srhOctets}: the whole
     * routing header as captured, null without one).
     */
    record Datagram(int hopLimit, byte[] src, byte[] dst, int srhSegmentsLeft, int srhLastEntry,
                    List<byte[]> srhSegments, int srcPort, int dstPort, int udpLength, int udpChecksum,
                    byte[] payload, boolean checksumValid, byte[] srhOctets) {
        boolean hasSrh() {
            return srhSegmentsLeft >= 0;
        }

        /** The final destination: Segment List[0] with an SRH, else the IPv6 destination. */
        byte[] finalDestination() {
            return hasSrh() ? srhSegments.getFirst() : dst;
        }

        /** The UDP datagram as captured: header (checksum included) and payload. */
        byte[] udp() {
            ByteBuffer b = ByteBuffer.allocate(8 + payload.length);
            b.putShort((short) srcPort).putShort((short) dstPort).putShort((short) udpLength)
                    .putShort((short) udpChecksum).put(payload);
            return b.array();
        }
    }

    static List<Datagram> read(Path file) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(file));
        int magic = b.order(ByteOrder.LITTLE_ENDIAN).getInt(0);
        if (magic != 0xa1b2c3d4 && magic != 0xa1b23c4d) {
            b.order(ByteOrder.BIG_ENDIAN);
        }
        int linkType = b.getInt(20);
        int pos = 24;
        List<Datagram> out = new ArrayList<>();
        while (pos + 16 <= b.limit()) {
            int incl = b.getInt(pos + 8);
            int start = pos + 16;
            pos = start + incl;
            if (pos > b.limit()) {
                break;
            }
            byte[] frame = Arrays.copyOfRange(b.array(), start, start + incl);
            int l3 = linkType == 1 ? 14 : linkType == 113 ? 16 : linkType == 276 ? 20 : 0;
            if (linkType == 1 && (((frame[12] & 0xFF) << 8) | (frame[13] & 0xFF)) != 0x86DD) {
                continue;
            }
            Datagram d = ipv6(frame, l3);
            if (d != null) {
                out.add(d);
            }
        }
        return out;
    }

    /** How many frames a capture file holds, whatever they are. */
    static int frameCount(Path file) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(file));
        int magic = b.order(ByteOrder.LITTLE_ENDIAN).getInt(0);
        if (magic != 0xa1b2c3d4 && magic != 0xa1b23c4d) {
            b.order(ByteOrder.BIG_ENDIAN);
        }
        int n = 0;
        for (int pos = 24; pos + 16 <= b.limit(); pos += 16 + b.getInt(pos + 8)) {
            if (pos + 16 + b.getInt(pos + 8) <= b.limit()) {
                n++;
            }
        }
        return n;
    }

    /** Octet {@code i} of {@code f}, unsigned. */
    static int u8(byte[] f, int i) {
        return f[i] & 0xFF;
    }

    /** The big-endian 16-bit field at {@code i}. */
    static int u16(byte[] f, int i) {
        return (u8(f, i) << 8) | u8(f, i + 1);
    }

    /** The big-endian 32-bit field at {@code i}, unsigned. */
    static long u32(byte[] f, int i) {
        return ((long) u16(f, i) << 16) | u16(f, i + 2);
    }

    private static Datagram ipv6(byte[] f, int off) {
        if (f.length < off + 40 || (u8(f, off) >> 4) != 6) {
            return null;
        }
        int next = u8(f, off + 6);
        int hopLimit = u8(f, off + 7);
        byte[] src = Arrays.copyOfRange(f, off + 8, off + 24);
        byte[] dst = Arrays.copyOfRange(f, off + 24, off + 40);
        int p = off + 40;
        int sl = -1;
        int le = -1;
        List<byte[]> segs = new ArrayList<>();
        byte[] srh = null;
        while (next == 0 || next == 43 || next == 60) {
            if (p + 8 > f.length) {
                return null;
            }
            int hdrLen = (u8(f, p + 1) + 1) * 8;
            if (next == 43 && u8(f, p + 2) == 4) {
                if (p + hdrLen > f.length) {
                    return null;
                }
                srh = Arrays.copyOfRange(f, p, p + hdrLen);
                sl = u8(f, p + 3);
                le = u8(f, p + 4);
                for (int i = 0; i <= le; i++) {
                    segs.add(Arrays.copyOfRange(f, p + 8 + 16 * i, p + 24 + 16 * i));
                }
            }
            next = u8(f, p);
            p += hdrLen;
        }
        if (next != 17 || p + 8 > f.length) {
            return null;
        }
        int udpLen = u16(f, p + 4);
        if (p + udpLen > f.length) {
            return null;
        }
        byte[] udp = Arrays.copyOfRange(f, p, p + udpLen);
        byte[] finalDst = sl >= 0 ? segs.getFirst() : dst;
        boolean valid = checksum(src, finalDst, udp) == 0;
        return new Datagram(hopLimit, src, dst, sl, le, segs, u16(udp, 0), u16(udp, 2), udpLen, u16(udp, 6),
                Arrays.copyOfRange(udp, 8, udp.length), valid, srh);
    }

    /** RFC 8200 §8.1 pseudo-header + UDP one's complement sum; 0 when the checksum field is right. */
    static int checksum(byte[] src, byte[] dst, byte[] udp) {
        long sum = 0;
        for (int i = 0; i < 16; i += 2) {
            sum += u16(src, i) + u16(dst, i);
        }
        sum += udp.length;
        sum += 17;
        for (int i = 0; i + 1 < udp.length; i += 2) {
            sum += u16(udp, i);
        }
        if ((udp.length & 1) == 1) {
            sum += u8(udp, udp.length - 1) << 8;
        }
        while ((sum >> 16) != 0) {
            sum = (sum & 0xFFFF) + (sum >> 16);
        }
        return (int) (~sum & 0xFFFF);
    }
}
