package io.stampd.dataplane.codec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * Each Session-Sender TLV against octets written by hand from RFC 8972 §4 / RFC 9503 §3-4:
 * {@code Flags Type Length(2) Value}, flags 0x80 (U set on transmit).
 */
class SenderTlvWriterTest {
    static final String A = "20010db8 00000000 00000000 0000000a"; // 2001:db8::a
    static final String B = "20010db8 00000000 00000000 0000000b"; // 2001:db8::b

    private final MemorySegment p = Octets.filled(600, 0xEE);

    private void assertTlv(String expectedHex, int at, int end) {
        byte[] expected = Octets.hex(expectedHex);
        assertEquals(at + expected.length, end, "returned end");
        assertArrayEquals(expected, Octets.toArray(p, at, expected.length), Octets.dump(p, at, expected.length));
        assertEquals((byte) 0xEE, p.get(java.lang.foreign.ValueLayout.JAVA_BYTE, end), "octet after the TLV written");
    }

    @Test
    void extraPaddingOccupiesTheGivenOctetsAndRepeats() {
        int end = SenderTlvWriter.extraPadding(p, 44, 8);
        assertTlv("80 01 00 04 | 00 00 00 00", 44, end);
        int end2 = SenderTlvWriter.extraPadding(p, end, 4);
        assertTlv("80 01 00 00", end, end2);
    }

    @Test
    void extraPaddingNeedsAHeader() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> SenderTlvWriter.extraPadding(p, 44, 3))
                .getMessage().contains("not 3"));
    }

    @Test
    void location() {
        int end = SenderTlvWriter.location(p, 44);
        assertTlv("80 02 00 2c | 00 00 00 00"
                + "| 80 06 00 10 | 00000000 00000000 00000000 00000000"
                + "| 80 09 00 10 | 00000000 00000000 00000000 00000000", 44, end);
    }

    @Test
    void timestampInformation() {
        assertTlv("80 03 00 04 | 00 00 00 00", 44, SenderTlvWriter.timestampInformation(p, 44));
    }

    @Test
    void classOfService() {
        // DSCP1 46 (EF) = 101110 in the top six bits: 1011 1000 0000 0000; EC1 2 = 10 in the top bits of word 2
        assertTlv("80 04 00 04 | b8 00 80 00", 44, SenderTlvWriter.classOfService(p, 44, 46, 2));
        assertThrows(IllegalArgumentException.class, () -> SenderTlvWriter.classOfService(p, 44, 64, 0));
        assertThrows(IllegalArgumentException.class, () -> SenderTlvWriter.classOfService(p, 44, 0, 4));
    }

    @Test
    void directMeasurement() {
        assertTlv("80 05 00 0c | 11 22 33 44 | 00 00 00 00 | 00 00 00 00", 44,
                SenderTlvWriter.directMeasurement(p, 44, 0x11223344));
    }

    @Test
    void accessReport() {
        assertTlv("80 06 00 04 | 10 02 00 00", 44, SenderTlvWriter.accessReport(p, 44, 1, 2));
    }

    @Test
    void followUpTelemetry() {
        assertTlv("80 07 00 10 | 00000000 | 00000000 00000000 | 00 000000", 44,
                SenderTlvWriter.followUpTelemetry(p, 44));
    }

    @Test
    void destinationNodeAddress() {
        MemorySegment a = MemorySegment.ofArray(Octets.hex(A));
        assertTlv("80 09 00 10 |" + A, 44, SenderTlvWriter.destinationNodeAddress(p, 44, a, 0));
    }

    @Test
    void returnPathControlCodeOnly() {
        assertTlv("80 0a 00 08 | 80 01 00 04 | 00 00 00 01", 44,
                SenderTlvWriter.returnPath(p, 44, 1, null, 0, null, 0, 0));
    }

    @Test
    void returnPathNoReplyAndReturnAddress() {
        MemorySegment a = MemorySegment.ofArray(Octets.hex(A));
        assertTlv("80 0a 00 1c | 80 01 00 04 | 00 00 00 00 | 80 02 00 10 |" + A, 44,
                SenderTlvWriter.returnPath(p, 44, 0, a, 0, null, 0, 0));
    }

    @Test
    void returnPathSegmentListFirstSegmentFirst() {
        MemorySegment segs = MemorySegment.ofArray(Octets.hex(A + B));
        assertTlv("80 0a 00 24 | 80 04 00 20 |" + A + B, 44,
                SenderTlvWriter.returnPath(p, 44, -1, null, 0, segs, 0, 2));
    }

    @Test
    void returnPathArgumentErrors() {
        MemorySegment a = MemorySegment.ofArray(Octets.hex(A));
        assertThrows(IllegalArgumentException.class, () -> SenderTlvWriter.returnPath(p, 44, -1, null, 0, null, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> SenderTlvWriter.returnPath(p, 44, -1, a, 0, a, 0, 1));
        assertThrows(IllegalArgumentException.class, () -> SenderTlvWriter.returnPath(p, 44, -1, null, 0, a, 0, 33));
    }

    @Test
    void hmacIsLastAndCoversSequenceNumberAndTlvs() throws Exception {
        byte[] key = "session".getBytes(StandardCharsets.US_ASCII);
        StampLayout.UNAUTHENTICATED.writeSender(p, 0x00000102, 0L, (short) 0x8001, 0);
        int at = SenderTlvWriter.classOfService(p, 44, 10, 0);
        int end = SenderTlvWriter.hmac(p, at, 44, new StampHmac(key));
        byte[] expectedMac = StampHmacTest.jdkMac16(key, Octets.hex("00 00 01 02"), Octets.hex("80 04 00 04 28 00 00 00"));
        assertTlv("80 08 00 10 |" + Octets.dump(expectedMac), at, end);
    }

    @Test
    void noRoomIsReportedByName() {
        MemorySegment small = MemorySegment.ofArray(new byte[60]);
        String msg = assertThrows(IllegalArgumentException.class, () -> SenderTlvWriter.location(small, 44)).getMessage();
        assertTrue(msg.contains("Location") && msg.contains("48 octets"), msg);
    }

    @Test
    void aCompleteSenderPacketReadsBackWithTheCursor() {
        int at = 44;
        at = SenderTlvWriter.location(p, at);
        at = SenderTlvWriter.classOfService(p, at, 0, 0);
        at = SenderTlvWriter.extraPadding(p, at, 10);
        TlvCursor c = new TlvCursor().reset(p, 44, at);
        int[] types = new int[3];
        int n = 0;
        while (c.next()) {
            types[n++] = c.type();
            assertEquals(Tlv.FLAG_U, c.flags());
        }
        assertArrayEquals(new int[] {2, 4, 1}, Arrays.copyOf(types, n));
    }
}
