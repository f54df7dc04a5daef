package io.stampd.dataplane.testing;

import io.stampd.dataplane.codec.UdpChecksum;

import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Builds Ethernet / IPv6 / extension headers / UDP test frames field by field, with lengths and
 * the UDP checksum right unless a test overrides them. Mutable and copyable, so that the malformed
 * shapes are systematic mutations of well-formed frames.
 */
public final class Frame {
    public Frame() {
    }

    /** One extension header; its first octet (Next Header) is filled in by {@link #build()}. */
    public record Ext(int type, byte[] bytes) {
        public Ext {
            bytes = bytes.clone();
        }

        /** Hop-by-Hop (0) or Destination Options (60) of 8 * (units + 1) octets holding one PadN option. */
        public static Ext options(int type, int units) {
            byte[] b = new byte[8 * (units + 1)];
            b[1] = (byte) units;
            b[2] = 1; // PadN
            b[3] = (byte) (b.length - 4);
            return new Ext(type, b);
        }

        /** An SRH with these Segment List entries (Segment List[0] first) and the given SL and Last Entry. */
        public static Ext srh(List<byte[]> segmentList, int segmentsLeft, int lastEntry) {
            byte[] b = new byte[8 + 16 * segmentList.size()];
            b[1] = (byte) (2 * segmentList.size());
            b[2] = 4;
            b[3] = (byte) segmentsLeft;
            b[4] = (byte) lastEntry;
            for (int i = 0; i < segmentList.size(); i++) {
                System.arraycopy(segmentList.get(i), 0, b, 8 + 16 * i, 16);
            }
            return new Ext(43, b);
        }

        /** A routing header of another type (0, 2, 3, ...) with these addresses and Segments Left. */
        public static Ext routing(int routingType, int segmentsLeft, List<byte[]> addresses) {
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
        public static Ext fragment(int offsetUnits, boolean more, int id) {
            byte[] b = new byte[8];
            int word = (offsetUnits << 3) | (more ? 1 : 0);
            b[2] = (byte) (word >>> 8);
            b[3] = (byte) word;
            ByteBuffer.wrap(b).putInt(4, id);
            return new Ext(44, b);
        }

        /** A copy with octet {@code at} set to {@code value}. */
        public Ext with(int at, int value) {
            byte[] b = bytes.clone();
            b[at] = (byte) value;
            return new Ext(type, b);
        }
    }

    public byte[] dstMac = mac(0x02, 0, 0, 0, 0, 0x01);
    public byte[] srcMac = mac(0x02, 0, 0, 0, 0x01, 0x02);
    /** Ethertype; with {@link #vlan} >= 0 the frame carries an 802.1Q tag (0x8100) before it. */
    public int etherType = 0x86DD;
    public int vlan = -1;
    public int version = 6;
    public int trafficClass;
    public int flowLabel;
    public int hopLimit = 64;
    public byte[] src = new byte[16];
    public byte[] dst = new byte[16];
    public List<Ext> ext = new ArrayList<>();
    /** The next header after the extension headers (17: UDP). */
    public int upper = 17;
    public int sport = 50000;
    public int dport = 862;
    public byte[] payload = new byte[44];
    /** Ethernet padding after the IPv6 packet. */
    public int padding;
    /** Overrides (null: computed). */
    public Integer ipPayloadLength;
    public Integer udpLength;
    public Integer checksum;

    public Frame copy() {
        Frame f = new Frame();
        f.dstMac = dstMac.clone();
        f.srcMac = srcMac.clone();
        f.etherType = etherType;
        f.vlan = vlan;
        f.version = version;
        f.trafficClass = trafficClass;
        f.flowLabel = flowLabel;
        f.hopLimit = hopLimit;
        f.src = src.clone();
        f.dst = dst.clone();
        f.ext = new ArrayList<>(ext);
        f.upper = upper;
        f.sport = sport;
        f.dport = dport;
        f.payload = payload.clone();
        f.padding = padding;
        f.ipPayloadLength = ipPayloadLength;
        f.udpLength = udpLength;
        f.checksum = checksum;
        return f;
    }

    /** Octets of the Ethernet header (14, or 18 with a VLAN tag). */
    public int ethernetLength() {
        return vlan >= 0 ? 18 : 14;
    }

    public int extLength() {
        return ext.stream().mapToInt(e -> e.bytes().length).sum();
    }

    /** Offset of the UDP header in the built frame. */
    public int udpOffset() {
        return ethernetLength() + 40 + extLength();
    }

    /** The final destination: Segment List[0] of the (first) SRH, else the IPv6 destination. */
    public byte[] finalDestination() {
        for (Ext e : ext) {
            if (e.type() == 43 && e.bytes()[2] == 4 && e.bytes().length >= 24) {
                return Arrays.copyOfRange(e.bytes(), 8, 24);
            }
        }
        return dst;
    }

    /** The UDP checksum the datagram should carry, for the final destination. */
    public int rightChecksum() {
        byte[] udp = udpDatagram(0);
        return UdpChecksum.compute(MemorySegment.ofArray(src), 0, MemorySegment.ofArray(finalDestination()), 0,
                MemorySegment.ofArray(udp), 0, udp.length);
    }

    /**
     * The checksum field of a datagram whose checksum a local sender left to the device
     * (CHECKSUM_PARTIAL, as it comes through a veth): the folded pseudo-header sum, not
     * complemented, with the final destination.
     */
    public int partialChecksum() {
        long sum = 0;
        byte[] d = finalDestination();
        for (int i = 0; i < 16; i += 2) {
            sum += ((src[i] & 0xFF) << 8) | (src[i + 1] & 0xFF);
            sum += ((d[i] & 0xFF) << 8) | (d[i + 1] & 0xFF);
        }
        int length = udpLength != null ? udpLength : 8 + payload.length;
        sum += (length >>> 16) + (length & 0xFFFF) + UdpChecksum.NEXT_HEADER_UDP;
        while ((sum >>> 16) != 0) {
            sum = (sum & 0xFFFF) + (sum >>> 16);
        }
        return (int) sum;
    }

    private byte[] udpDatagram(int check) {
        ByteBuffer b = ByteBuffer.allocate(8 + payload.length);
        b.putShort((short) sport).putShort((short) dport);
        b.putShort((short) (udpLength != null ? udpLength : 8 + payload.length));
        b.putShort((short) check);
        b.put(payload);
        return b.array();
    }

    /**
     * The frame offsets where each header starts (IPv6, each extension header, UDP) and the
     * payload, without a VLAN tag.
     */
    public List<Integer> boundaries() {
        List<Integer> at = new ArrayList<>(List.of(14, 14 + 40));
        int off = 14 + 40;
        for (Ext e : ext) {
            off += e.bytes().length;
            at.add(off);
        }
        at.add(off + 8);
        return at;
    }

    public byte[] build() {
        int ipLength = 40 + extLength() + 8 + payload.length;
        ByteBuffer b = ByteBuffer.allocate(ethernetLength() + ipLength + padding);
        b.put(dstMac).put(srcMac);
        if (vlan >= 0) {
            b.putShort((short) 0x8100).putShort((short) vlan);
        }
        b.putShort((short) etherType);
        b.putInt((version << 28) | ((trafficClass & 0xFF) << 20) | (flowLabel & 0xFFFFF));
        b.putShort((short) (ipPayloadLength != null ? ipPayloadLength : ipLength - 40));
        b.put((byte) (ext.isEmpty() ? upper : ext.get(0).type()));
        b.put((byte) hopLimit);
        b.put(src).put(dst);
        for (int i = 0; i < ext.size(); i++) {
            byte[] e = ext.get(i).bytes().clone();
            e[0] = (byte) (i + 1 < ext.size() ? ext.get(i + 1).type() : upper);
            b.put(e);
        }
        b.put(udpDatagram(checksum != null ? checksum : rightChecksum()));
        return b.array();
    }

    public static byte[] mac(int... octets) {
        byte[] m = new byte[6];
        for (int i = 0; i < 6; i++) {
            m[i] = (byte) octets[i];
        }
        return m;
    }
}
