package io.stampd.dataplane.xdp;

import io.stampd.dataplane.testing.Frame;
import io.stampd.sys.bpf.BpfTestRun;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Supplier;

import static io.stampd.dataplane.xdp.XdpStructs.STAMP_C_BAD_CHECKSUM;
import static io.stampd.dataplane.xdp.XdpStructs.STAMP_C_HEADER_CHAIN;
import static io.stampd.dataplane.xdp.XdpStructs.STAMP_C_NOT_IPV6;
import static io.stampd.dataplane.xdp.XdpStructs.STAMP_C_NOT_UDP;
import static io.stampd.dataplane.xdp.XdpStructs.STAMP_C_SEGMENTS_LEFT;
import static io.stampd.dataplane.xdp.XdpStructs.STAMP_C_SHORT;
import static io.stampd.dataplane.xdp.XdpStructs.STAMP_C_TLV;
import static io.stampd.dataplane.xdp.XdpStructs.STAMP_C_TRUNCATED;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Malformed and foreign frames made by systematic mutation of well-formed ones, each with the
 * one counter (STAMP_C_*) the program must count when it passes the frame up untouched. The
 * families are those of the parser and the checks both programs share; each test adds the
 * shapes only its program has (sessions, routes, TLV flags).
 */
final class Shapes {
    /** A frame the program must pass up unchanged, and why. */
    record Shape(String name, byte[] frame, int reason) {
        @Override
        public String toString() {
            return name + " -> " + XdpStructs.counterName(reason);
        }

        /**
         * Runs the shape through {@code programFd}: XDP_PASS, the frame unchanged, and of the
         * program's counters ({@code stats}, the map {@code statsName}) exactly this shape's reason
         * counted once.
         */
        void assertPassedUntouched(XdpBed bed, int programFd, Supplier<long[]> stats, String statsName) {
            long[] before = stats.get();
            BpfTestRun.XdpResult r = bed.run(programFd, frame);
            long[] after = stats.get();
            assertEquals(StampReflectorProgramTest.XDP_PASS, r.retval(), () -> this + ": XDP action");
            assertArrayEquals(frame, r.frame(), () -> Replies.diff(frame, r.frame()));
            for (int i = 0; i < after.length; i++) {
                assertEquals(before[i] + (i == reason ? 1 : 0), after[i], this + ": " + statsName + " "
                        + XdpStructs.counterName(i) + " (all now " + Arrays.toString(after) + ")");
            }
        }
    }

    private Shapes() {
    }

    /** The frame cut after every octet from the Ethernet header's end on: the IPv6 length then overstates it. */
    static List<Shape> everyTruncation(String label, Frame base) {
        byte[] full = base.build();
        List<Shape> shapes = new ArrayList<>();
        for (int length = 14; length < full.length; length++) {
            shapes.add(new Shape(label + " cut to " + length + " octets", Arrays.copyOf(full, length), STAMP_C_TRUNCATED));
        }
        return shapes;
    }

    /** The frame cut one octet before, at and one after each header boundary (lengths as built for the whole frame). */
    static List<Shape> boundaryTruncations(String label, Frame base) {
        byte[] full = base.build();
        List<Integer> boundaries = new ArrayList<>(List.of(14, 14 + 40));
        int at = 14 + 40;
        for (Frame.Ext e : base.ext) {
            at += e.bytes().length;
            boundaries.add(at);
        }
        boundaries.add(at + 8);
        boundaries.add(at + 8 + 44);
        List<Shape> shapes = new ArrayList<>();
        for (int boundary : boundaries) {
            for (int length = boundary - 1; length <= boundary + 1; length++) {
                if (length >= 14 && length < full.length) {
                    shapes.add(new Shape(label + " cut at " + length + " (boundary " + boundary + ")",
                            Arrays.copyOf(full, length), STAMP_C_TRUNCATED));
                }
            }
        }
        return shapes;
    }

    /**
     * Cut at each header boundary with the IPv6 payload length made to agree (the packet itself ends
     * early): a missing extension header or UDP header is TRUNCATED, a UDP payload shorter than a
     * base packet (0..43 octets, lengths and checksum right) is SHORT.
     */
    static List<Shape> consistentCuts(String label, Frame base, boolean everyShortLength) {
        List<Shape> shapes = new ArrayList<>();
        byte[] full = base.build();
        int ethernet = base.ethernetLength();
        int at = ethernet + 40;
        List<Integer> cuts = new ArrayList<>(List.of(at));
        for (Frame.Ext e : base.ext) {
            at += e.bytes().length;
            cuts.add(at);
        }
        for (int cut : cuts) {
            byte[] f = Arrays.copyOf(full, cut);
            ByteBuffer.wrap(f).putShort(ethernet + 4, (short) (cut - ethernet - 40));
            shapes.add(new Shape(label + " ends after " + (cut - ethernet) + " octets of IPv6 with lengths agreeing", f,
                    STAMP_C_TRUNCATED));
        }
        for (int length = 0; length < 44; length += everyShortLength ? 1 : 11) {
            Frame f = base.copy();
            f.payload = Arrays.copyOf(base.payload, length);
            shapes.add(new Shape(label + " with a " + length + "-octet UDP payload", f.build(), STAMP_C_SHORT));
        }
        return shapes;
    }

    /** IPv6 payload length and UDP length that disagree with each other or with the frame. */
    static List<Shape> lengthMismatches(String label, Frame base) {
        List<Shape> shapes = new ArrayList<>();
        int ipPayload = base.extLength() + 8 + base.payload.length;
        for (int delta : new int[] {1, 8, -1, -8, -ipPayload}) {
            Frame f = base.copy();
            f.ipPayloadLength = ipPayload + delta;
            shapes.add(new Shape(label + " with IPv6 payload length " + (ipPayload + delta) + " for " + ipPayload,
                    f.build(), STAMP_C_TRUNCATED));
        }
        int udp = 8 + base.payload.length;
        for (int length : new int[] {udp + 1, udp - 1, udp + 8, 0, 7, 8, 65535}) {
            Frame f = base.copy();
            f.udpLength = length;
            shapes.add(new Shape(label + " with UDP length " + length + " for " + udp, f.build(), STAMP_C_TRUNCATED));
        }
        return shapes;
    }

    /** SRH framing errors and Segments Left > 0, on a base whose extension header {@code srh} is an SRH of n segments. */
    static List<Shape> srhMutations(String label, Frame base, int srh) {
        List<Shape> shapes = new ArrayList<>();
        Frame.Ext h = base.ext.get(srh);
        int hdrLen = h.bytes()[1] & 0xFF;
        int n = hdrLen / 2;
        for (int bad : new int[] {0, 1, hdrLen + 1, hdrLen + 2, 254, 255}) {
            shapes.add(mutateExt(label + " with SRH Hdr Ext Len " + bad + " for " + hdrLen, base, srh, 1, bad,
                    STAMP_C_TRUNCATED));
        }
        for (int lastEntry : new int[] {n, n + 1, 255}) {
            shapes.add(mutateExt(label + " with SRH Last Entry " + lastEntry + " for " + n + " segments", base, srh, 4,
                    lastEntry, STAMP_C_TRUNCATED));
        }
        for (int left : new int[] {1, n - 1, n, 255}) {
            if (left >= 1) {
                shapes.add(mutateExt(label + " with SRH Segments Left " + left, base, srh, 3, left,
                        STAMP_C_SEGMENTS_LEFT));
            }
        }
        Frame twice = base.copy();
        twice.ext.add(srh + 1, h);
        shapes.add(new Shape(label + " with a second SRH", twice.build(), STAMP_C_HEADER_CHAIN));
        for (int type : new int[] {0, 2, 3, 5}) {
            Frame f = base.copy();
            f.ext.set(srh, Frame.Ext.routing(type, 1, List.of(XdpBed.addr("fd00:9::1"), XdpBed.addr("fd00:9::2"))));
            shapes.add(new Shape(label + " with routing type " + type + " and Segments Left 1", f.build(),
                    STAMP_C_SEGMENTS_LEFT));
        }
        return shapes;
    }

    private static Shape mutateExt(String name, Frame base, int index, int octet, int value, int reason) {
        Frame f = base.copy();
        f.ext.set(index, base.ext.get(index).with(octet, value));
        return new Shape(name, f.build(), reason);
    }

    /** Extension header chains the walk does not take, and IPv6 without UDP. */
    static List<Shape> chains(String label, Frame base) {
        List<Shape> shapes = new ArrayList<>();
        for (int count : new int[] {9, 10, 12}) {
            Frame f = base.copy();
            for (int k = 0; k < count; k++) {
                f.ext.add(0, Frame.Ext.options(60, k % 2));
            }
            shapes.add(new Shape(label + " behind " + count + " Destination Options headers", f.build(),
                    STAMP_C_HEADER_CHAIN));
        }
        Frame late = base.copy();
        late.ext.add(0, Frame.Ext.options(0, 0));
        late.ext.add(0, Frame.Ext.options(60, 0));
        shapes.add(new Shape(label + " with Hop-by-Hop after Destination Options", late.build(), STAMP_C_HEADER_CHAIN));
        for (int type : new int[] {135, 139, 140, 253, 254}) {
            Frame f = base.copy();
            f.ext.add(0, new Frame.Ext(type, new byte[8]));
            shapes.add(new Shape(label + " behind extension header " + type, f.build(), STAMP_C_HEADER_CHAIN));
        }
        for (boolean more : new boolean[] {false, true}) {
            Frame f = base.copy();
            f.ext.add(Frame.Ext.fragment(0, more, 0x1234));
            shapes.add(new Shape(label + " as a fragment (M=" + (more ? 1 : 0) + ")", f.build(), STAMP_C_NOT_UDP));
        }
        for (int upper : new int[] {6, 58, 50, 51, 59, 132, 136}) {
            Frame f = base.copy();
            f.upper = upper;
            shapes.add(new Shape(label + " with next header " + upper + " instead of UDP", f.build(), STAMP_C_NOT_UDP));
        }
        Frame tcpAfterOptions = base.copy();
        tcpAfterOptions.ext.add(Frame.Ext.options(60, 0));
        tcpAfterOptions.upper = 6;
        shapes.add(new Shape(label + " with TCP after Destination Options", tcpAfterOptions.build(), STAMP_C_NOT_UDP));
        return shapes;
    }

    /** Frames that are not Ethernet + IPv6: IPv4, ARP, VLAN-tagged, IPv6 ethertype with another version. */
    static List<Shape> notIpv6(String label, Frame base) {
        List<Shape> shapes = new ArrayList<>();
        byte[] ipv6 = base.build();
        ByteBuffer v4 = ByteBuffer.allocate(14 + 20 + 8 + 44);
        v4.put(base.dstMac).put(base.srcMac).putShort((short) 0x0800);
        v4.put((byte) 0x45).put((byte) 0).putShort((short) (20 + 8 + 44)).putInt(0).put((byte) 64).put((byte) 17)
                .putShort((short) 0).putInt(0xC0000201).putInt(0xC0000202);
        v4.putShort((short) base.sport).putShort((short) base.dport).putShort((short) 52).putShort((short) 0);
        v4.put(base.payload, 0, 44);
        shapes.add(new Shape(label + " as IPv4/UDP", v4.array(), STAMP_C_NOT_IPV6));
        ByteBuffer arp = ByteBuffer.allocate(14 + 28);
        arp.put(new byte[] {-1, -1, -1, -1, -1, -1}).put(base.srcMac).putShort((short) 0x0806);
        arp.putShort((short) 1).putShort((short) 0x0800).put((byte) 6).put((byte) 4).putShort((short) 1);
        shapes.add(new Shape("ARP request", arp.array(), STAMP_C_NOT_IPV6));
        for (int tag : new int[] {0x8100, 0x88A8}) {
            byte[] tagged = new byte[ipv6.length + 4];
            System.arraycopy(ipv6, 0, tagged, 0, 12);
            ByteBuffer.wrap(tagged).putShort(12, (short) tag).putShort(14, (short) 42);
            System.arraycopy(ipv6, 12, tagged, 16, ipv6.length - 12);
            shapes.add(new Shape(label + " tagged " + Integer.toHexString(tag), tagged, STAMP_C_NOT_IPV6));
        }
        for (int version : new int[] {4, 0, 7, 15}) {
            Frame f = base.copy();
            f.version = version;
            shapes.add(new Shape(label + " with IP version " + version + " under ethertype 86dd", f.build(),
                    STAMP_C_NOT_IPV6));
        }
        for (int type : new int[] {0x0000, 0x86DC, 0x86DE, 0x8847, 0xDD86}) {
            Frame f = base.copy();
            f.etherType = type;
            shapes.add(new Shape(label + " with ethertype " + Integer.toHexString(type), f.build(), STAMP_C_NOT_IPV6));
        }
        return shapes;
    }

    /** UDP checksums that are zero or wrong: every single-bit error of the field, and payload octets changed after it. */
    static List<Shape> badChecksums(String label, Frame base, int[] payloadOctets) {
        List<Shape> shapes = new ArrayList<>();
        int right = base.rightChecksum();
        Frame zero = base.copy();
        zero.checksum = 0;
        shapes.add(new Shape(label + " with checksum 0", zero.build(), STAMP_C_BAD_CHECKSUM));
        for (int bit = 0; bit < 16; bit++) {
            Frame f = base.copy();
            f.checksum = right ^ (1 << bit);
            if (f.checksum == 0xFFFF && right == 0) {
                continue;
            }
            shapes.add(new Shape(label + " with checksum bit " + bit + " flipped", f.build(), STAMP_C_BAD_CHECKSUM));
        }
        for (int at : payloadOctets) {
            Frame f = base.copy();
            f.checksum = right;
            f.payload = base.payload.clone();
            f.payload[at] ^= 0x10;
            shapes.add(new Shape(label + " with payload octet " + at + " changed after the checksum", f.build(),
                    STAMP_C_BAD_CHECKSUM));
        }
        return shapes;
    }

    /** TLV areas the programs leave to user space: other types, framing errors, too many TLVs. */
    static List<Shape> tlvs(String label, Frame base, int paddingFlags) {
        List<Shape> shapes = new ArrayList<>();
        byte[] body = Arrays.copyOf(base.payload, 44);
        for (int type : new int[] {0, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 127, 240, 252, 255}) {
            shapes.add(withPayload(label + " with a TLV of type " + type, base,
                    Payloads.concat(body, Payloads.tlv(paddingFlags, type, 8, 0)), STAMP_C_TLV));
        }
        shapes.add(withPayload(label + " with Extra Padding then a Location TLV", base,
                Payloads.concat(body, Payloads.tlv(paddingFlags, 1, 4, 0), Payloads.tlv(paddingFlags, 2, 20, 0)),
                STAMP_C_TLV));
        for (int tail = 1; tail <= 3; tail++) {
            shapes.add(withPayload(label + " with " + tail + " octets after the base packet", base,
                    Payloads.concat(body, new byte[tail]), STAMP_C_TLV));
            shapes.add(withPayload(label + " with " + tail + " octets after an Extra Padding TLV", base,
                    Payloads.concat(body, Payloads.tlv(paddingFlags, 1, 6, 0), new byte[tail]), STAMP_C_TLV));
        }
        for (int over : new int[] {1, 3, 100, 65535 - 6}) {
            byte[] tlv = Payloads.tlv(paddingFlags, 1, 6, 0);
            ByteBuffer.wrap(tlv).putShort(2, (short) (6 + over));
            shapes.add(withPayload(label + " with an Extra Padding TLV " + over + " octets too long", base,
                    Payloads.concat(body, tlv), STAMP_C_TLV));
        }
        byte[][] seventeen = new byte[17][];
        for (int k = 0; k < 17; k++) {
            seventeen[k] = Payloads.tlv(paddingFlags, 1, 0, 0);
        }
        shapes.add(withPayload(label + " with 17 Extra Padding TLVs", base,
                Payloads.concat(body, Payloads.concat(seventeen)), STAMP_C_TLV));
        return shapes;
    }

    static Shape withPayload(String name, Frame base, byte[] payload, int reason) {
        Frame f = base.copy();
        f.payload = payload;
        return new Shape(name, f.build(), reason);
    }
}
