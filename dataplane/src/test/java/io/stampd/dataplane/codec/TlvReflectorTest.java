package io.stampd.dataplane.codec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * Session-Reflector TLV duties, one TLV type at a time, with the expected reply octets written by
 * hand from RFC 8972 §4 and RFC 9503 §3-4. Requests are laid out literally too, so the tests do
 * not depend on the sender-side writer. Every buffer has a guard zone after the packet that must
 * stay untouched.
 */
class TlvReflectorTest {
    static final String SRC = "20010db8 00000000 00000000 00000001"; // 2001:db8::1, the sender
    static final String DST = "20010db8 00000000 00000000 00000002"; // 2001:db8::2, this reflector
    static final String SEG1 = "20010db8 00010000 00000000 00000001";
    static final String SEG2 = "20010db8 00020000 00000000 00000001";
    static final String ZERO16 = "00000000 00000000 00000000 00000000";
    static final int GUARD = 32;
    static final int BASE = 44;
    static final byte[] KEY = "reflector-session-key".getBytes(StandardCharsets.US_ASCII);

    final TlvReflector reflector = new TlvReflector();
    final ReflectContext ctx = context();

    static ReflectContext context() {
        ReflectContext c = new ReflectContext();
        c.sourceAddress = MemorySegment.ofArray(Octets.hex(SRC));
        c.destinationAddress = MemorySegment.ofArray(Octets.hex(DST));
        c.sourcePort = 50000;          // 0xc350
        c.destinationPort = 862;       // 0x035e
        c.receivedTrafficClass = 46 << 2 | 1; // EF, ECT(1)
        c.reflectorRxCounter = 7;
        c.reflectorTxCounter = 6;
        c.t2SyncSource = TimestampInformationTlv.SYNC_PTP;
        c.t2Method = TimestampInformationTlv.METHOD_HW_ASSIST;
        c.t3SyncSource = TimestampInformationTlv.SYNC_NTP;
        c.t3Method = TimestampInformationTlv.METHOD_SW_LOCAL;
        c.stateful = true;
        c.dscp1Allowed = true;
        c.ecn1Allowed = true;
        c.previousReplyValid = true;
        c.previousReplySeq = 41;
        c.previousReplyTimestamp = 0x83AA7E81_12345678L;
        c.previousReplyTimestampMethod = TimestampInformationTlv.METHOD_HW_ASSIST;
        c.localAddresses = a -> a.get(ValueLayout.JAVA_BYTE, 15) == 2 && a.get(ValueLayout.JAVA_BYTE, 0) == 0x20;
        c.dscp1Allowed = true;
        return c;
    }

    /** A request: unauthenticated base packet (seq 5) followed by the given TLV octets, plus a guard zone. */
    static MemorySegment request(String tlvHex) {
        byte[] tlvs = Octets.hex(tlvHex);
        MemorySegment p = Octets.filled(BASE + tlvs.length + GUARD, 0xA5);
        StampLayout.UNAUTHENTICATED.writeSender(p, 5, 0x83AA7E80_00000000L, (short) 0x8001, 0);
        MemorySegment.copy(tlvs, 0, p, ValueLayout.JAVA_BYTE, BASE, tlvs.length);
        return p;
    }

    /** Reflects the request in place and processes its TLVs; checks the guard zone. */
    void reflect(MemorySegment p, int length) {
        StampLayout.UNAUTHENTICATED.reflectInPlace(p, 5, 0x83AA7E81_00000000L, (short) 0x8001, 64);
        reflector.process(p, BASE, length, ctx);
        assertGuard(p, length);
    }

    static void assertGuard(MemorySegment p, int length) {
        for (long i = length; i < p.byteSize(); i++) {
            assertEquals((byte) 0xA5, p.get(ValueLayout.JAVA_BYTE, i), "octet " + i + " past the reply was written");
        }
    }

    /** Runs request → reply and compares the TLV area with the expected octets. */
    void assertReply(String requestHex, String expectedHex) {
        MemorySegment p = request(requestHex);
        int length = BASE + Octets.hex(requestHex).length;
        reflect(p, length);
        byte[] expected = Octets.hex(expectedHex);
        assertArrayEquals(expected, Octets.toArray(p, BASE, expected.length), Octets.dump(p, BASE, expected.length));
    }

    // ---- one TLV type at a time -------------------------------------------------------

    @Test
    void extraPaddingIsEchoedAndMayRepeat() {
        assertReply("80 01 00 04 de ad be ef | 80 01 00 00", "00 01 00 04 de ad be ef | 00 01 00 00");
        assertFalse(ctx.malformed);
    }

    @Test
    void locationIsFilledWithPortsAndAddresses() {
        assertReply("80 02 00 2c | 00 00 00 00 | 80 06 00 10 |" + ZERO16 + "| 80 09 00 10 |" + ZERO16,
                "00 02 00 2c | 03 5e c3 50 | 00 06 00 10 |" + DST + "| 00 09 00 10 |" + SRC);
    }

    @Test
    void locationSubTlvsThisNodeCannotFillGetU() {
        // Source MAC (1, 8 octets), Destination IPv4 (5), generic Source IP (7) with 16 octets, unknown 200
        assertReply("80 02 00 32 | 00 00 00 00 | 80 01 00 08 | 00 00 00 00 00 00 00 00 | 80 05 00 04 | 00 00 00 00"
                        + "| 80 07 00 10 |" + ZERO16 + "| 80 c8 00 02 | 12 34",
                "00 02 00 32 | 03 5e c3 50 | 80 01 00 08 | 00 00 00 00 00 00 00 00 | 80 05 00 04 | 00 00 00 00"
                        + "| 00 07 00 10 |" + SRC + "| 80 c8 00 02 | 12 34");
    }

    /**
     * An IPv4 packet (its addresses IPv4-mapped, as a dual-stack socket gives them: 192.0.2.1 to
     * 192.0.2.2): the IPv4 sub-TLVs and the generic 4-octet ones are filled, the IPv6 and generic
     * 16-octet ones get U.
     */
    @Test
    void locationOfAnIpv4PacketFillsTheIpv4SubTlvs() {
        ctx.sourceAddress = MemorySegment.ofArray(Octets.hex("00000000 00000000 0000ffff c0000201"));
        ctx.destinationAddress = MemorySegment.ofArray(Octets.hex("00000000 00000000 0000ffff c0000202"));
        // Destination IPv4 (5), Source IPv4 (8), generic Destination IP (4) with 4 octets, Source IPv6 (9),
        // generic Source IP (7) with 16 octets
        assertReply("80 02 00 44 | 00 00 00 00 | 80 05 00 04 | 00 00 00 00 | 80 08 00 04 | 00 00 00 00"
                        + "| 80 04 00 04 | 00 00 00 00 | 80 09 00 10 |" + ZERO16 + "| 80 07 00 10 |" + ZERO16,
                "00 02 00 44 | 03 5e c3 50 | 00 05 00 04 | c0 00 02 02 | 00 08 00 04 | c0 00 02 01"
                        + "| 00 04 00 04 | c0 00 02 02 | 80 09 00 10 |" + ZERO16 + "| 80 07 00 10 |" + ZERO16);
    }

    @Test
    void locationWithoutKnownAddressesAnswersU() {
        ctx.sourceAddress = null;
        assertReply("80 02 00 18 | 00 00 00 00 | 80 09 00 10 |" + ZERO16,
                "00 02 00 18 | 03 5e c3 50 | 80 09 00 10 |" + ZERO16);
    }

    @Test
    void malformedLocationSubTlvMarksBothAndStops() {
        // IPv6 Destination sub-TLV with 4 octets is malformed; the Timestamp Information after it stays as sent
        assertReply("80 02 00 0c | 00 00 00 00 | 80 06 00 04 | 00 00 00 00 | 80 03 00 04 00 00 00 00",
                "40 02 00 0c | 03 5e c3 50 | 40 06 00 04 | 00 00 00 00 | 80 03 00 04 00 00 00 00");
        assertTrue(ctx.malformed);
        assertEquals(BASE, ctx.malformedOffset);
    }

    @Test
    void locationSubTlvRunningPastTheTlvIsMalformed() {
        assertReply("80 02 00 08 | 00 00 00 00 | 80 06 00 10", "40 02 00 08 | 03 5e c3 50 | 40 06 00 10");
        assertTrue(ctx.malformed);
    }

    @Test
    void timestampInformationIsFilled() {
        assertReply("80 03 00 04 | 00 00 00 00", "00 03 00 04 | 02 01 01 02");
    }

    @Test
    void classOfServiceAllowedUsesDscp1() {
        // DSCP1 10 (AF11) = 001010, DSCP2 46 = 101110, ECN 01, RP 00: 0010 1010 1110 0100;
        // EC1 00 (Not-ECT) used: RPE 11
        assertReply("80 04 00 04 | 28 00 00 00", "00 04 00 04 | 2a e4 30 00");
        assertEquals(10, ctx.replyDscp);
        assertEquals(ClassOfServiceTlv.NOT_ECT, ctx.replyEcn);
    }

    @Test
    void classOfServiceRefusedSetsRp() {
        ctx.dscp1Allowed = false;
        // EC1 11 (CE) kept and used (RPE 11); the reserved bits the sender set come back zeroed
        assertReply("80 04 00 04 | 28 00 c0 ff", "00 04 00 04 | 2a e5 f0 00");
        assertEquals(-1, ctx.replyDscp);
        assertEquals(ClassOfServiceTlv.CE, ctx.replyEcn);
    }

    @Test
    void classOfServiceEcnRefusedByPolicySetsRpeAndNotEct() {
        ctx.ecn1Allowed = false;
        // EC1 10 (ECT(0)) asked, refused: RPE 10, the reply Not-ECT; DSCP1 still used
        assertReply("80 04 00 04 | 28 00 80 00", "00 04 00 04 | 2a e4 a0 00");
        assertEquals(10, ctx.replyDscp);
        assertEquals(ClassOfServiceTlv.NOT_ECT, ctx.replyEcn);
    }

    @Test
    void withoutClassOfServiceTheReplyEcnIsLeftToTheDefault() {
        assertReply("80 03 00 04 | 00 00 00 00", "00 03 00 04 | 02 01 01 02");
        assertEquals(-1, ctx.replyEcn);
        assertEquals(-1, ctx.replyDscp);
    }

    @Test
    void directMeasurementCopiesSenderCounterAndFillsOurs() {
        assertReply("80 05 00 0c | 11 22 33 44 | 00 00 00 00 | 00 00 00 00",
                "00 05 00 0c | 11 22 33 44 | 00 00 00 07 | 00 00 00 06");
    }

    @Test
    void accessReportIsEchoed() {
        assertReply("80 06 00 04 | 10 01 00 00", "00 06 00 04 | 10 01 00 00");
    }

    @Test
    void followUpTelemetryStatefulReportsThePreviousReply() {
        assertReply("80 07 00 10 | 00000000 | 00000000 00000000 | 00 000000",
                "00 07 00 10 | 00000029 | 83aa7e81 12345678 | 01 000000");
    }

    @Test
    void followUpTelemetryBeforeAnyReplyIsZero() {
        ctx.previousReplyValid = false;
        assertReply("80 07 00 10 | ffffffff | ffffffff ffffffff | ff ffffff",
                "00 07 00 10 | 00000000 | 00000000 00000000 | 00 000000");
    }

    @Test
    void followUpTelemetryStatelessIsZeroedWithU() {
        ctx.stateful = false;
        assertReply("80 07 00 10 | 00000000 | 00000000 00000000 | 00 000000",
                "80 07 00 10 | 00000000 | 00000000 00000000 | 00 000000");
    }

    @Test
    void destinationNodeAddressLocalBecomesTheReplySource() {
        assertReply("80 09 00 10 |" + DST, "00 09 00 10 |" + DST);
        assertEquals(BASE + 4, ctx.replySourceOffset);
    }

    @Test
    void destinationNodeAddressForeignOrIpv4GetsU() {
        assertReply("80 09 00 10 |" + SRC, "80 09 00 10 |" + SRC);
        assertEquals(-1, ctx.replySourceOffset);
        assertReply("80 09 00 04 | c0 00 02 01", "80 09 00 04 | c0 00 02 01");
        ctx.localAddresses = null;
        assertReply("80 09 00 10 |" + DST, "80 09 00 10 |" + DST);
        assertEquals(-1, ctx.replySourceOffset);
    }

    @Test
    void returnPathNoReply() {
        assertReply("80 0a 00 08 | 80 01 00 04 | 00 00 00 00", "00 0a 00 08 | 00 01 00 04 | 00 00 00 00");
        assertTrue(ctx.noReply);
    }

    @Test
    void returnPathReplyOnTheSameLink() {
        assertReply("80 0a 00 08 | 80 01 00 04 | 00 00 00 01", "00 0a 00 08 | 00 01 00 04 | 00 00 00 01");
        assertTrue(ctx.replyOnSameLink);
        assertFalse(ctx.noReply);
    }

    @Test
    void returnPathUnknownControlCodeGetsU() {
        assertReply("80 0a 00 08 | 80 01 00 04 | 00 00 00 02", "00 0a 00 08 | 80 01 00 04 | 00 00 00 02");
        assertFalse(ctx.noReply);
        assertFalse(ctx.replyOnSameLink);
    }

    @Test
    void returnPathReturnAddress() {
        assertReply("80 0a 00 14 | 80 02 00 10 |" + SEG1, "00 0a 00 14 | 00 02 00 10 |" + SEG1);
        assertEquals(BASE + 8, ctx.returnAddressOffset);
    }

    @Test
    void returnPathSrv6SegmentList() {
        assertReply("80 0a 00 24 | 80 04 00 20 |" + SEG1 + SEG2, "00 0a 00 24 | 00 04 00 20 |" + SEG1 + SEG2);
        assertEquals(BASE + 8, ctx.returnSegmentsOffset);
        assertEquals(2, ctx.returnSegmentsCount);
    }

    @Test
    void returnPathSrMplsIsNotSupportedHere() {
        assertReply("80 0a 00 0c | 80 03 00 08 | 00 01 01 00 00 02 01 ff",
                "80 0a 00 0c | 80 03 00 08 | 00 01 01 00 00 02 01 ff");
        assertEquals(-1, ctx.returnSegmentsOffset);
        assertFalse(ctx.malformed);
    }

    @Test
    void returnPathUnusableAddressesAreRefused() {
        String multicast = "ff020000 00000000 00000000 00000001";
        assertReply("80 0a 00 24 | 80 04 00 20 |" + SEG1 + multicast,
                "80 0a 00 24 | 80 04 00 20 |" + SEG1 + multicast);
        assertEquals(0, ctx.returnSegmentsCount);
        assertReply("80 0a 00 14 | 80 02 00 10 |" + ZERO16, "80 0a 00 14 | 80 02 00 10 |" + ZERO16);
        assertEquals(-1, ctx.returnAddressOffset);
        assertReply("80 0a 00 08 | 80 02 00 04 | c0 00 02 01", "80 0a 00 08 | 80 02 00 04 | c0 00 02 01");
    }

    @Test
    void returnPathWithTooManySegmentsIsRefused() {
        StringBuilder segs = new StringBuilder();
        for (int i = 0; i < 33; i++) {
            segs.append(SEG1);
        }
        String tlv = "80 0a 02 14 | 80 04 02 10 |" + segs;
        assertReply(tlv, tlv);
        assertEquals(0, ctx.returnSegmentsCount);
    }

    @Test
    void returnPathMalformedSubTlvsDecideNothing() {
        // control code 0 then a segment list of 20 octets: malformed, so "no reply" is not acted on
        assertReply("80 0a 00 20 | 80 01 00 04 | 00 00 00 00 | 80 04 00 14 |" + SEG1 + "00000000",
                "40 0a 00 20 | 00 01 00 04 | 00 00 00 00 | 40 04 00 14 |" + SEG1 + "00000000");
        assertTrue(ctx.malformed);
        assertFalse(ctx.noReply);
        // two paths
        assertReply("80 0a 00 28 | 80 02 00 10 |" + SEG1 + "| 80 02 00 10 |" + SEG2,
                "40 0a 00 28 | 00 02 00 10 |" + SEG1 + "| 40 02 00 10 |" + SEG2);
        assertEquals(-1, ctx.returnAddressOffset);
        // empty Return Path
        assertReply("80 0a 00 00", "40 0a 00 00");
        // control code of the wrong length
        assertReply("80 0a 00 06 | 80 01 00 02 | 00 00", "40 0a 00 06 | 40 01 00 02 | 00 00");
    }

    @Test
    void aSecondReturnPathIsNotActedOn() {
        assertReply("80 0a 00 08 | 80 01 00 04 | 00 00 00 01 | 80 0a 00 08 | 80 01 00 04 | 00 00 00 00",
                "00 0a 00 08 | 00 01 00 04 | 00 00 00 01 | 80 0a 00 08 | 80 01 00 04 | 00 00 00 00");
        assertFalse(ctx.noReply);
        assertTrue(ctx.replyOnSameLink);
    }

    @Test
    void unknownTypesAreCopiedWithU() {
        for (int type : new int[] {0, 11, 175, 240, 251, 252, 254, 255}) {
            String t = String.format("%02x", type);
            assertReply("00 " + t + " 00 03 | 01 02 03 | 80 01 00 00", "80 " + t + " 00 03 | 01 02 03 | 00 01 00 00");
            assertFalse(ctx.malformed, "type " + type);
        }
    }

    @Test
    void reservedAndCFlagsAreClearedOnProcessedTlvs() {
        assertReply("ff 01 00 00", "00 01 00 00");
    }

    // ---- malformed lengths: M, stop, copy the rest ------------------------------------

    @Test
    void wrongLengthsForFixedSizeTypesAreMalformed() {
        String after = "| 80 05 00 0c | 11 22 33 44 | 00 00 00 00 | 00 00 00 00";
        String[][] cases = {
            {"80 02 00 03 | 00 00 00", "40 02 00 03 | 00 00 00"},               // Location < 4
            {"80 03 00 03 | 00 00 00", "40 03 00 03 | 00 00 00"},               // Timestamp Information < 4
            {"80 04 00 03 | 28 00 00", "40 04 00 03 | 28 00 00"},               // CoS too short
            {"80 04 00 05 | 28 00 00 00 00", "40 04 00 05 | 28 00 00 00 00"},   // CoS too long
            {"80 05 00 08 | 11 22 33 44 00 00 00 00", "40 05 00 08 | 11 22 33 44 00 00 00 00"},
            {"80 05 00 10 |" + ZERO16, "40 05 00 10 |" + ZERO16},
            {"80 06 00 02 | 10 01", "40 06 00 02 | 10 01"},
            {"80 07 00 0c | 00 00 00 00 00 00 00 00 00 00 00 00", "40 07 00 0c | 00 00 00 00 00 00 00 00 00 00 00 00"},
            {"80 09 00 08 | 00 00 00 00 00 00 00 00", "40 09 00 08 | 00 00 00 00 00 00 00 00"},
        };
        for (String[] c : cases) {
            assertReply(c[0] + after, c[1] + after);
            assertTrue(ctx.malformed, c[0]);
            assertEquals(BASE, ctx.malformedOffset, c[0]);
        }
    }

    @Test
    void malformedAfterGoodTlvsKeepsTheirResults() {
        assertReply("80 04 00 04 | 28 00 00 00 | 80 05 00 0b | 00 00 00 00 00 00 00 00 00 00 00",
                "00 04 00 04 | 2a e4 30 00 | 40 05 00 0b | 00 00 00 00 00 00 00 00 00 00 00");
        assertEquals(10, ctx.replyDscp);
        assertEquals(BASE + 8, ctx.malformedOffset);
    }

    @Test
    void lengthRunningPastThePacketIsMalformed() {
        assertReply("80 01 00 04 00 00 00 00 | 80 01 00 09 | 00 00", "00 01 00 04 00 00 00 00 | 40 01 00 09 | 00 00");
        assertEquals(BASE + 8, ctx.malformedOffset);
    }

    @Test
    void trailingFragmentGetsM() {
        assertReply("80 01 00 00 | 80 01", "00 01 00 00 | 40 01");
        assertTrue(ctx.malformed);
        assertReply("80 01 00 00 | 00", "00 01 00 00 | 40");
        assertEquals(BASE + 4, ctx.malformedOffset);
    }

    // ---- HMAC TLV ---------------------------------------------------------------------

    /** A request with a CoS TLV and an HMAC TLV signed by {@code key}; returns its length. */
    static int signedRequest(MemorySegment p, StampLayout layout, int seq, StampHmac key) {
        layout.writeSender(p, seq, 0x83AA7E80_00000000L, (short) 0x8001, 0);
        int at = SenderTlvWriter.classOfService(p, layout.baseLength, 10, 0);
        return SenderTlvWriter.hmac(p, at, layout.baseLength, key);
    }

    @Test
    void hmacVerifiedThenRecomputedOverTheReply() throws Exception {
        MemorySegment p = Octets.filled(BASE + 28 + GUARD, 0xA5);
        int length = signedRequest(p, StampLayout.UNAUTHENTICATED, 5, new StampHmac(KEY));
        ctx.hmac = new StampHmac(KEY);
        reflect(p, length);
        assertFalse(ctx.integrityFailed);
        assertArrayEquals(Octets.hex("00 04 00 04 | 2a e4 30 00 | 00 08 00 10"), Octets.toArray(p, BASE, 12));
        byte[] expectedMac = StampHmacTest.jdkMac16(KEY, Octets.toArray(p, 0, 4), Octets.toArray(p, BASE, 8));
        assertArrayEquals(expectedMac, Octets.toArray(p, BASE + 12, 16));
    }

    @Test
    void hmacOfAStatefulAuthenticatedReplyUsesTheSendersSequenceNumberForVerification() throws Exception {
        StampLayout auth = StampLayout.AUTHENTICATED;
        StampHmac key = new StampHmac(KEY);
        MemorySegment p = Octets.filled(112 + 28 + GUARD, 0xA5);
        int length = signedRequest(p, auth, 1000, key);
        key.sign(p);
        assertTrue(key.verify(p));
        auth.reflectInPlace(p, 3, 0x83AA7E81_00000000L, (short) 0x8001, 64); // reflector's own seq 3
        ctx.hmac = key;
        reflector.process(p, auth.baseLength, length, ctx);
        assertGuard(p, length);
        assertFalse(ctx.integrityFailed);
        assertEquals(10, ctx.replyDscp);
        byte[] expectedMac = StampHmacTest.jdkMac16(KEY, Octets.hex("00 00 00 03"), Octets.toArray(p, 112, 8));
        assertArrayEquals(expectedMac, Octets.toArray(p, 112 + 12, 16));
    }

    @Test
    void badHmacSetsIOnEveryTlvAndActsOnNone() {
        MemorySegment p = Octets.filled(BASE + 28 + GUARD, 0xA5);
        int length = signedRequest(p, StampLayout.UNAUTHENTICATED, 5, new StampHmac(KEY));
        p.set(ValueLayout.JAVA_BYTE, BASE + 20, (byte) (p.get(ValueLayout.JAVA_BYTE, BASE + 20) ^ 1));
        ctx.hmac = new StampHmac(KEY);
        reflect(p, length);
        assertTrue(ctx.integrityFailed);
        assertFalse(ctx.malformed);
        assertEquals(-1, ctx.replyDscp);
        // DSCP2/ECN2 not filled: the TLV is as sent, plus I
        assertArrayEquals(Octets.hex("a0 04 00 04 | 28 00 00 00 | a0 08 00 10"), Octets.toArray(p, BASE, 12));
    }

    @Test
    void wrongKeyIsAnIntegrityFailure() {
        MemorySegment p = Octets.filled(BASE + 28 + GUARD, 0xA5);
        int length = signedRequest(p, StampLayout.UNAUTHENTICATED, 5, new StampHmac(KEY));
        ctx.hmac = new StampHmac("other".getBytes(StandardCharsets.US_ASCII));
        reflect(p, length);
        assertTrue(ctx.integrityFailed);
    }

    @Test
    void keyedSessionWithoutHmacTlvFailsIntegrity() {
        ctx.hmac = new StampHmac(KEY);
        assertReply("80 0a 00 08 | 80 01 00 04 | 00 00 00 00", "a0 0a 00 08 | 80 01 00 04 | 00 00 00 00");
        assertTrue(ctx.integrityFailed);
        assertFalse(ctx.noReply, "an unverified Return Path is not acted on");
    }

    @Test
    void hmacTlvNotLastIsMalformed() {
        ctx.hmac = new StampHmac(KEY);
        assertReply("80 08 00 10 |" + ZERO16 + "| 80 01 00 00", "e0 08 00 10 |" + ZERO16 + "| a0 01 00 00");
        assertTrue(ctx.integrityFailed);
        assertTrue(ctx.malformed);
        ctx.hmac = null;
        assertReply("80 01 00 00 | 80 08 00 10 |" + ZERO16 + "| 80 01 00 00",
                "00 01 00 00 | 40 08 00 10 |" + ZERO16 + "| 80 01 00 00");
        assertTrue(ctx.malformed);
    }

    @Test
    void hmacTlvOfWrongLengthIsMalformed() {
        ctx.hmac = null;
        assertReply("80 08 00 08 | 00 00 00 00 00 00 00 00", "40 08 00 08 | 00 00 00 00 00 00 00 00");
        ctx.hmac = new StampHmac(KEY);
        assertReply("80 08 00 08 | 00 00 00 00 00 00 00 00", "e0 08 00 08 | 00 00 00 00 00 00 00 00");
        assertTrue(ctx.integrityFailed);
    }

    @Test
    void hmacTlvWithoutASessionKeyGetsUAndTheRestIsProcessed() {
        MemorySegment p = Octets.filled(BASE + 28 + GUARD, 0xA5);
        int length = signedRequest(p, StampLayout.UNAUTHENTICATED, 5, new StampHmac(KEY));
        byte[] sentMac = Octets.toArray(p, BASE + 12, 16);
        ctx.hmac = null;
        reflect(p, length);
        assertArrayEquals(Octets.hex("00 04 00 04 | 2a e4 30 00 | 80 08 00 10"), Octets.toArray(p, BASE, 12));
        assertArrayEquals(sentMac, Octets.toArray(p, BASE + 12, 16));
    }

    // ---- edges and caller errors ------------------------------------------------------

    @Test
    void noTlvsNoWork() {
        MemorySegment p = request("");
        reflect(p, BASE);
        assertFalse(ctx.malformed);
        assertEquals(-1, ctx.replyDscp);
    }

    @Test
    void outputsAreResetForEveryPacket() {
        assertReply("80 0a 00 08 | 80 01 00 04 | 00 00 00 00", "00 0a 00 08 | 00 01 00 04 | 00 00 00 00");
        assertTrue(ctx.noReply);
        assertReply("80 01 00 00", "00 01 00 00");
        assertFalse(ctx.noReply);
    }

    @Test
    void callerErrorsAreExplained() {
        MemorySegment p = request("80 01 00 00");
        assertTrue(assertThrows(IllegalArgumentException.class, () -> reflector.process(p, 50, 54, ctx))
                .getMessage().contains("base length 50"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> reflector.process(p, BASE, 1000, ctx))
                .getMessage().contains("exceeds"));
    }
}
