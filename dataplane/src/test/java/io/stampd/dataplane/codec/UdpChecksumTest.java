package io.stampd.dataplane.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * UDP over IPv6 checksums. The worked example, by hand: pseudo-header 2001:db8::1 → 2001:db8::2,
 * length 12, next header 17; UDP 50000 → 862 with payload 01 02 03 04.
 * <pre>
 * 2001+0db8+0001 = 2dba   2001+0db8+0002 = 2dbb   2dba+2dbb = 5b75
 * +000c (length) +0011 (next header) = 5b92
 * +c350 +035e +000c (UDP length) +0102 +0304 = 12652 → fold 2652+1 = 2653 → ~ = d9ac
 * </pre>
 */
class UdpChecksumTest {
    static final String SRC = "20010db8 00000000 00000000 00000001";
    static final String DST = "20010db8 00000000 00000000 00000002";
    /** 2001:db8:5::1, a transit segment: its words sum to 2dbf (2001+0db8+0005+0001), four more than 2001:db8::2. */
    static final String SEG1 = "20010db8 00050000 00000000 00000001";

    /** An independent reference: the RFC 1071 sum written the plain way over a byte array. */
    static int reference(byte[] src, byte[] dst, byte[] udp) {
        byte[] all = new byte[40 + udp.length + 1];
        System.arraycopy(src, 0, all, 0, 16);
        System.arraycopy(dst, 0, all, 16, 16);
        all[34] = (byte) (udp.length >> 8);
        all[35] = (byte) udp.length;
        all[39] = 17;
        System.arraycopy(udp, 0, all, 40, udp.length);
        all[46] = 0; // the checksum field counts as zero
        all[47] = 0;
        int sum = 0;
        for (int i = 0; i + 1 < all.length; i += 2) {
            sum += ((all[i] & 0xFF) << 8) | (all[i + 1] & 0xFF);
        }
        while (sum > 0xFFFF) {
            sum = (sum & 0xFFFF) + (sum >>> 16);
        }
        int c = ~sum & 0xFFFF;
        return c == 0 ? 0xFFFF : c;
    }

    private static int compute(String udpHex) {
        MemorySegment src = MemorySegment.ofArray(Octets.hex(SRC));
        MemorySegment dst = MemorySegment.ofArray(Octets.hex(DST));
        byte[] udp = Octets.hex(udpHex);
        return UdpChecksum.compute(src, 0, dst, 0, MemorySegment.ofArray(udp), 0, udp.length);
    }

    @Test
    void handWorkedExample() {
        assertEquals(0xD9AC, compute("c350 035e 000c 0000 | 01020304"));
        assertEquals(0xD9AC, reference(Octets.hex(SRC), Octets.hex(DST), Octets.hex("c350035e000c000001020304")));
        // whatever sits in the checksum field is ignored
        assertEquals(0xD9AC, compute("c350 035e 000c beef | 01020304"));
    }

    @Test
    void zeroIsSentAsAllOnes() {
        // by hand: everything but the payload sums to 2249 (length 10); payload ddb6 makes ffff → checksum 0
        assertEquals(0xFFFF, compute("c350 035e 000a 0000 | ddb6"));
    }

    @Test
    void oddLengthIsPaddedWithZero() {
        byte[] udp = Octets.hex("c350035e000b000001020304");
        byte[] odd = java.util.Arrays.copyOf(udp, 11);
        odd[5] = 0x0b;
        int expected = reference(Octets.hex(SRC), Octets.hex(DST), odd);
        assertEquals(expected, compute("c350 035e 000b 0000 | 010203"));
    }

    @Test
    void randomDatagramsAgreeWithTheReferenceAndVerify() {
        SplittableRandom r = new SplittableRandom(768);
        byte[] src = Octets.hex(SRC);
        byte[] dst = Octets.hex(DST);
        for (int i = 0; i < 20_000; i++) {
            byte[] udp = new byte[r.nextInt(8, 300)];
            r.nextBytes(udp);
            int c = UdpChecksum.compute(MemorySegment.ofArray(src), 0, MemorySegment.ofArray(dst), 0,
                    MemorySegment.ofArray(udp), 0, udp.length);
            assertEquals(reference(src, dst, udp), c);
            udp[6] = (byte) (c >> 8);
            udp[7] = (byte) c;
            assertTrue(UdpChecksum.verify(MemorySegment.ofArray(src), 0, MemorySegment.ofArray(dst), 0,
                    MemorySegment.ofArray(udp), 0, udp.length));
        }
    }

    @Test
    void aDatagramShorterThanItsHeaderIsACallerError() {
        MemorySegment a = MemorySegment.ofArray(Octets.hex(SRC));
        MemorySegment udp = MemorySegment.ofArray(new byte[12]);
        String msg = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> UdpChecksum.compute(a, 0, a, 0, udp, 0, 4)).getMessage();
        assertTrue(msg.contains("4 octets"), msg);
        assertFalse(UdpChecksum.verify(a, 0, a, 0, udp, 8, 12));
    }

    @Test
    void verifyRejectsZeroAndCorruption() {
        byte[] udp = Octets.hex("c350035e000cd9ac01020304");
        MemorySegment src = MemorySegment.ofArray(Octets.hex(SRC));
        MemorySegment dst = MemorySegment.ofArray(Octets.hex(DST));
        assertTrue(UdpChecksum.verify(src, 0, dst, 0, MemorySegment.ofArray(udp), 0, 12));
        udp[11] ^= 1;
        assertFalse(UdpChecksum.verify(src, 0, dst, 0, MemorySegment.ofArray(udp), 0, 12));
        byte[] none = Octets.hex("c350035e000c000001020304");
        assertFalse(UdpChecksum.verify(src, 0, dst, 0, MemorySegment.ofArray(none), 0, 12));
    }

    /** IPv6 header (payload length, next header) + extension headers + the example datagram. */
    private static MemorySegment packet(String nextHeader, String currentDst, String extensions) {
        byte[] ext = Octets.hex(extensions);
        String payloadLength = String.format("%04x", ext.length + 12);
        return MemorySegment.ofArray(Octets.hex("60000000" + payloadLength + nextHeader + "40" + SRC + currentDst
                + extensions + "c350035e000c0000 01020304"));
    }

    @Test
    void srhPacketsUseTheFinalSegment() {
        // SRH: NH 17, Hdr Ext Len 4, type 4, SL 1, LE 1; Segment List[0] = 2001:db8::2 (final), [1] = SEG1
        MemorySegment ip = packet("2b", SEG1, "11 04 04 01 01 00 0000" + DST + SEG1);
        int length = (int) ip.byteSize();
        assertEquals(0xD9AC, UdpChecksum.computeForPacket(ip, length));
        // the wrong pseudo-header (current destination SEG1) sums 4 higher: d9ac − 4
        assertEquals(0xD9A8, UdpChecksum.compute(ip, 8, ip, 24, ip, 80, 12));
        ip.set(StampLayout.U16, 86, (short) 0xD9AC);
        assertTrue(UdpChecksum.verifyPacket(ip, length));
    }

    @Test
    void hopByHopAndDestinationOptionsAreSkipped() {
        // Hop-by-Hop (NH 60, PadN 4) then Destination Options (NH 43, PadN 4) then the SRH
        MemorySegment ip = packet("00", SEG1,
                "3c 00 01 04 00000000 | 2b 00 01 04 00000000 | 11 04 04 00 01 00 0000" + DST + SEG1);
        assertEquals(0xD9AC, UdpChecksum.computeForPacket(ip, (int) ip.byteSize()));
        MemorySegment plain = packet("11", DST, "");
        assertEquals(0xD9AC, UdpChecksum.computeForPacket(plain, (int) plain.byteSize()));
    }

    @Test
    void packetsItCannotChecksumGiveMinusOne() {
        MemorySegment plain = packet("11", DST, "");
        int length = (int) plain.byteSize();
        assertEquals(-1, UdpChecksum.computeForPacket(plain, 47));                 // truncated
        assertEquals(-1, UdpChecksum.computeForPacket(packet("06", DST, ""), length)); // TCP
        assertEquals(-1, UdpChecksum.computeForPacket(packet("2c", DST, "11 00 0000 00000000"), length + 8)); // fragment
        assertEquals(-1, UdpChecksum.computeForPacket(packet("2b", DST, "11 02 02 01" + "00000000" + SEG1), length + 24));
        MemorySegment v4 = packet("11", DST, "");
        v4.set(ValueLayout.JAVA_BYTE, 0, (byte) 0x45);
        assertEquals(-1, UdpChecksum.computeForPacket(v4, length));
        assertEquals(-1, UdpChecksum.computeForPacket(packet("2b", DST, "11 08 04 00 00 00 0000" + DST), length + 24));
        assertFalse(UdpChecksum.verifyPacket(packet("06", DST, ""), length));
    }
}
