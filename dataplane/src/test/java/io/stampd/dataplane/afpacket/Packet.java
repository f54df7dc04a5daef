package io.stampd.dataplane.afpacket;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds Ethernet / IPv6 / extension headers / UDP test frames for the packet filter, field by
 * field, with the lengths right unless a test overrides them. Mutable and copyable, so that the
 * rejected shapes are mutations of accepted ones. The destination MAC defaults to the loopback
 * device's 00:00:00:00:00:00, which a BPF_PROG_TEST_RUN of an skb program turns into PACKET_HOST.
 * The UDP checksum is left 0: the filter does not read it.
 *
 * <p>(A smaller cousin of the XDP tests' io.stampd.dataplane.xdp.Frame, which is private to its
 * package and computes checksums and Ethernet details the filter does not look at.)
 */
final class Packet {
    static final int ETH_HLEN = 14;
    static final int IPV6_HLEN = 40;
    static final int UDP_HLEN = 8;

    /** One extension header; its first octet (Next Header) is filled in by {@link #build()}. */
    record Ext(int type, byte[] bytes) {
        Ext {
            bytes = bytes.clone();
        }

        /** Hop-by-Hop (0) or Destination Options (60) of 8 * (units + 1) octets holding one PadN option. */
        static Ext options(int type, int units) {
            byte[] b = new byte[8 * (units + 1)];
            b[1] = (byte) units;
            b[2] = 1; // PadN
            b[3] = (byte) (b.length - 4);
            return new Ext(type, b);
        }

        /** An SRH (routing type 4) with these Segment List entries, Segments Left and Last Entry n - 1. */
        static Ext srh(List<byte[]> segmentList, int segmentsLeft) {
            return routing(4, segmentsLeft, segmentList).with(4, segmentList.size() - 1);
        }

        /** A routing header of type {@code routingType} with these addresses and Segments Left. */
        static Ext routing(int routingType, int segmentsLeft, List<byte[]> addresses) {
            byte[] b = new byte[8 + 16 * addresses.size()];
            b[1] = (byte) (2 * addresses.size());
            b[2] = (byte) routingType;
            b[3] = (byte) segmentsLeft;
            for (int i = 0; i < addresses.size(); i++) {
                System.arraycopy(addresses.get(i), 0, b, 8 + 16 * i, 16);
            }
            return new Ext(43, b);
        }

        /** A Fragment header (44). */
        static Ext fragment(int offsetUnits, boolean more) {
            byte[] b = new byte[8];
            int word = (offsetUnits << 3) | (more ? 1 : 0);
            b[2] = (byte) (word >>> 8);
            b[3] = (byte) word;
            ByteBuffer.wrap(b).putInt(4, 0x1234);
            return new Ext(44, b);
        }

        /** A copy with octet {@code at} set to {@code value}. */
        Ext with(int at, int value) {
            byte[] b = bytes.clone();
            b[at] = (byte) value;
            return new Ext(type, b);
        }
    }

    byte[] dstMac = new byte[6];
    byte[] srcMac = {0x02, 0, 0, 0, 0x01, 0x02};
    int etherType = 0x86DD;
    int version = 6;
    byte[] src = addr("fd00:8::5");
    byte[] dst = new byte[16];
    List<Ext> ext = new ArrayList<>();
    /** The next header after the extension headers (17: UDP). */
    int upper = 17;
    int sport = 50000;
    int dport = 862;
    byte[] payload = new byte[44];
    /** Overrides the IPv6 payload length (null: right). */
    Integer ipPayloadLength;

    Packet copy() {
        Packet p = new Packet();
        p.dstMac = dstMac.clone();
        p.srcMac = srcMac.clone();
        p.etherType = etherType;
        p.version = version;
        p.src = src.clone();
        p.dst = dst.clone();
        p.ext = new ArrayList<>(ext);
        p.upper = upper;
        p.sport = sport;
        p.dport = dport;
        p.payload = payload.clone();
        p.ipPayloadLength = ipPayloadLength;
        return p;
    }

    int extLength() {
        return ext.stream().mapToInt(e -> e.bytes().length).sum();
    }

    /** Offset of the UDP header in the built frame. */
    int udpOffset() {
        return ETH_HLEN + IPV6_HLEN + extLength();
    }

    /** The frame offsets where each header starts (IPv6, each extension header, UDP) and the payload. */
    List<Integer> boundaries() {
        List<Integer> at = new ArrayList<>(List.of(ETH_HLEN, ETH_HLEN + IPV6_HLEN));
        int off = ETH_HLEN + IPV6_HLEN;
        for (Ext e : ext) {
            off += e.bytes().length;
            at.add(off);
        }
        at.add(off + UDP_HLEN);
        return at;
    }

    byte[] build() {
        int ipLength = IPV6_HLEN + extLength() + UDP_HLEN + payload.length;
        ByteBuffer b = ByteBuffer.allocate(ETH_HLEN + ipLength);
        b.put(dstMac).put(srcMac).putShort((short) etherType);
        b.putInt(version << 28);
        b.putShort((short) (ipPayloadLength != null ? ipPayloadLength : ipLength - IPV6_HLEN));
        b.put((byte) (ext.isEmpty() ? upper : ext.get(0).type()));
        b.put((byte) 64);
        b.put(src).put(dst);
        for (int i = 0; i < ext.size(); i++) {
            byte[] e = ext.get(i).bytes().clone();
            e[0] = (byte) (i + 1 < ext.size() ? ext.get(i + 1).type() : upper);
            b.put(e);
        }
        b.putShort((short) sport).putShort((short) dport).putShort((short) (UDP_HLEN + payload.length))
                .putShort((short) 0);
        b.put(payload);
        return b.array();
    }

    static byte[] addr(String text) {
        try {
            byte[] a = InetAddress.getByName(text).getAddress();
            if (a.length != 16) {
                throw new IllegalArgumentException(text + " is not an IPv6 address");
            }
            return a;
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(text, e);
        }
    }
}
