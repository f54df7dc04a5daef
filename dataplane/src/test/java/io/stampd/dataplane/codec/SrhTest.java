package io.stampd.dataplane.codec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** SRv6 Segment Routing Header (RFC 8754 §2): octets written by hand, parsing and path validation. */
class SrhTest {
    static final String A = "20010db8 00000000 00000000 0000000a";
    static final String B = "20010db8 00000000 00000000 0000000b";
    static final String C = "20010db8 00000000 00000000 0000000c";

    static Inet6Address v6(String hex) throws Exception {
        return (Inet6Address) InetAddress.getByAddress(Octets.hex(hex));
    }

    @Test
    void oneSegmentForASocket() throws Exception {
        // NH 0 (kernel fills), Hdr Ext Len 2, type 4, SL 0, Last Entry 0, flags 0, tag 0
        assertArrayEquals(Octets.hex("00 02 04 00 00 00 0000 |" + A), Srh.forSocket(List.of(v6(A))));
    }

    @Test
    void twoSegmentsAreStoredReversed() throws Exception {
        assertArrayEquals(Octets.hex("00 04 04 01 01 00 0000 |" + B + A), Srh.forSocket(List.of(v6(A), v6(B))));
    }

    @Test
    void threeSegmentsWithANextHeaderForRawFrames() throws Exception {
        assertArrayEquals(Octets.hex("11 06 04 02 02 00 0000 |" + C + B + A),
                Srh.build(List.of(v6(A), v6(B), v6(C)), 17));
    }

    @Test
    void writeFromPacketOctetsMatchesBuild() throws Exception {
        MemorySegment path = MemorySegment.ofArray(Octets.hex(A + B + C));
        MemorySegment dst = Octets.filled(8 + 48 + 4, 0xEE);
        assertEquals(56, Srh.write(dst, 2, 17, path, 0, 3));
        assertArrayEquals(Srh.build(List.of(v6(A), v6(B), v6(C)), 17), Octets.toArray(dst, 2, 56));
        assertEquals((byte) 0xEE, dst.get(java.lang.foreign.ValueLayout.JAVA_BYTE, 58));
        assertThrows(IllegalArgumentException.class, () -> Srh.write(dst, 0, 17, path, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> Srh.write(dst, 10, 17, path, 0, 3));
    }

    @Test
    void parseGivesThePathBack() throws Exception {
        MemorySegment srh = MemorySegment.ofArray(Srh.build(List.of(v6(A), v6(B), v6(C)), 17));
        SrhView v = new SrhView();
        assertTrue(v.parse(srh, 0, 56), v.error());
        assertNull(v.error());
        assertEquals(17, v.nextHeader());
        assertEquals(56, v.headerLength());
        assertEquals(2, v.segmentsLeft());
        assertEquals(2, v.lastEntry());
        assertEquals(3, v.segmentCount());
        assertEquals(0, v.flags());
        assertEquals(0, v.tag());
        assertArrayEquals(Octets.hex(A), Octets.toArray(srh, v.pathSegmentOffset(0), 16));
        assertArrayEquals(Octets.hex(B), Octets.toArray(srh, v.pathSegmentOffset(1), 16));
        assertArrayEquals(Octets.hex(C), Octets.toArray(srh, v.pathSegmentOffset(2), 16));
        assertArrayEquals(Octets.hex(C), Octets.toArray(srh, v.finalSegmentOffset(), 16));
        assertArrayEquals(Octets.hex(A), Octets.toArray(srh, v.activeSegmentOffset(), 16));
        assertThrows(IndexOutOfBoundsException.class, () -> v.pathSegmentOffset(3));
    }

    @Test
    void parseSkipsPadAndHmacTlvs() {
        // 2 segments, SL 0, flags 0x12, tag 0x3456; TLVs: Pad1, PadN(1), Pad1 x4 = 8 octets; Hdr Ext Len 5
        String padded = "29 05 04 00 01 12 3456 |" + B + A + "| 00 | 04 01 00 | 00 00 00 00";
        SrhView v = new SrhView();
        assertTrue(v.parse(MemorySegment.ofArray(Octets.hex(padded)), 0, 48), v.error());
        assertEquals(41, v.nextHeader());
        assertEquals(0x12, v.flags());
        assertEquals(0x3456, v.tag());
        assertEquals(-1, v.hmacTlvOffset());
        // HMAC TLV: type 5, length 38 (D/reserved 2, key id 4, HMAC 32); SRH 8+32+40 = 80, Hdr Ext Len 9
        String hmac = "11 09 04 01 01 00 0000 |" + B + A + "| 05 26 0000 00000001" + "00".repeat(32) + "| 00 00";
        MemorySegment withHmac = MemorySegment.ofArray(Octets.hex(hmac));
        assertTrue(v.parse(withHmac, 0, 80), v.error());
        assertEquals(40, v.hmacTlvOffset());
    }

    @Test
    void parseRejectsInconsistentHeadersWithAReason() {
        SrhView v = new SrhView();
        String two = "11 04 04 01 01 00 0000 |" + B + A;
        assertParseError(v, two, 39, "Hdr Ext Len runs past");
        assertParseError(v, "11 04 04", 3, "fixed part");
        assertParseError(v, "11 04 02 01 01 00 0000 |" + B + A, 40, "type is not 4");
        assertParseError(v, "11 04 04 01 02 00 0000 |" + B + A, 40, "Last Entry");
        assertParseError(v, "11 04 04 02 01 00 0000 |" + B + A, 40, "Segments Left exceeds");
        assertParseError(v, "11 05 04 00 01 00 0000 |" + B + A + "| 04 07 00 00 00 00 00 00", 48, "TLV runs past");
        assertParseError(v, "11 05 04 00 01 00 0000 |" + B + A + "| 00 00 00 00 00 00 00 04", 48, "TLV header runs past");
    }

    private static void assertParseError(SrhView v, String hex, int available, String expected) {
        byte[] b = Octets.hex(hex);
        MemorySegment s = MemorySegment.ofArray(java.util.Arrays.copyOf(b, Math.max(b.length, available)));
        assertFalse(v.parse(s, 0, available), hex);
        assertTrue(v.error().contains(expected), v.error());
    }

    @Test
    void parsingRandomOctetsNeverThrows() {
        SplittableRandom r = new SplittableRandom(8754);
        SrhView v = new SrhView();
        byte[] b = new byte[300];
        MemorySegment s = MemorySegment.ofArray(b);
        int ok = 0;
        for (int i = 0; i < 200_000; i++) {
            r.nextBytes(b);
            b[2] = 4;
            b[1] = (byte) r.nextInt(0, 20);
            b[4] = (byte) r.nextInt(0, 10);
            b[3] = (byte) r.nextInt(0, 10);
            int available = r.nextInt(0, 300);
            if (v.parse(s, 0, available)) {
                ok++;
                assertTrue(v.headerLength() <= available);
                assertTrue(v.pathSegmentOffset(v.lastEntry()) + 16 <= v.headerLength());
                assertTrue(v.segmentsLeft() <= v.lastEntry());
            }
        }
        assertTrue(ok > 1000, "valid headers seen: " + ok);
    }

    // ---- paths -------------------------------------------------------------------------

    @Test
    void parsesAPathWrittenFirstHopFirst() throws Exception {
        assertEquals(List.of(v6(A), v6(B)), SegmentPath.parse(" 2001:db8::a , 2001:db8::b"));
        assertEquals(List.of(v6(C)), SegmentPath.parse("2001:db8::c"));
    }

    private static String pathError(String text) {
        return assertThrows(IllegalArgumentException.class, () -> SegmentPath.parse(text)).getMessage();
    }

    @Test
    void pathErrorsNameTheBadSegment() {
        assertTrue(pathError("").contains("empty"));
        assertTrue(pathError("2001:db8::1,,2001:db8::2").contains("segment 2 is empty"));
        String v4 = pathError("2001:db8::1,10.0.0.1");
        assertTrue(v4.contains("segment 2 ('10.0.0.1') is an IPv4 address"), v4);
        assertTrue(pathError("::ffff:10.0.0.1").contains("IPv4-mapped"));
        assertTrue(pathError("2001:db8::1,ff02::1").contains("segment 2 ('ff02::1') is a multicast"));
        assertTrue(pathError("::").contains("unspecified"));
        assertTrue(pathError("fe80::1%eth0").contains("zone"));
        String name = pathError("reflector.example.net");
        assertTrue(name.contains("segment 1 ('reflector.example.net') is not an IPv6 address literal"), name);
        assertTrue(pathError(String.join(",", java.util.Collections.nCopies(33, "2001:db8::1"))).contains("33 segments"));
    }

    @Test
    void validatingAddressObjects() throws Exception {
        List<InetAddress> path = new ArrayList<>(List.of(v6(A), InetAddress.getByName("192.0.2.1")));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> SegmentPath.validate(path))
                .getMessage().contains("segment 2 (192.0.2.1) is an IPv4 address"));
        Inet6Address mapped = Inet6Address.getByAddress(null, Octets.hex("00000000 00000000 0000ffff c0000201"), -1);
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Srh.forSocket(List.of(mapped)))
                .getMessage().contains("IPv4-mapped"));
        assertThrows(IllegalArgumentException.class, () -> Srh.forSocket(List.of()));
    }
}
