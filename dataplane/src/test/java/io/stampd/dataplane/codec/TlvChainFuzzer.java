package io.stampd.dataplane.codec;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Fuzz target: the TLV chain after the base packet and every TLV the reflector acts on (RFC 8972,
 * RFC 9503), from arbitrary octets, with or without an HMAC key and with either Class of Service
 * policy. Invariants: the reflector never touches the base packet or anything past the request's
 * length (the reply is never longer than the request), every offset it hands the plane lies
 * inside the TLVs, the reply's DSCP and ECN are codepoints (Not-ECT where policy refused EC1), a
 * processed TLV carries no flag but U, and the cursor's walk stays inside the chain. Then the
 * sender's writers: a chain built from fuzzed values parses back to those values and its HMAC
 * verifies.
 */
class TlvChainFuzzer {
    private static final int BASE = StampLayout.UNAUTHENTICATED.baseLength;
    private static final int GUARD = 64;
    private static final StampHmac KEY = new StampHmac(new byte[] {1, 2, 3, 4, 5, 6, 7, 8});
    private static final TlvReflector REFLECTOR = new TlvReflector();
    private static final ReflectContext CTX = new ReflectContext();
    private static final TlvCursor CURSOR = new TlvCursor();
    private static final MemorySegment SOURCE = MemorySegment.ofArray(new byte[] {
        (byte) 0xfd, 0, 0, 0x12, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1});

    public static void fuzzerTestOneInput(FuzzedDataProvider d) {
        if (d.consumeInt(0, 7) != 0) {
            reflect(d);
        } else {
            build(d);
        }
    }

    private static void reflect(FuzzedDataProvider d) {
        boolean keyed = d.consumeBoolean();
        CTX.hmac = keyed ? KEY : null;
        CTX.stateful = d.consumeBoolean();
        CTX.dscp1Allowed = d.consumeBoolean();
        CTX.ecn1Allowed = d.consumeBoolean();
        CTX.receivedTrafficClass = d.consumeInt(0, 255);
        CTX.sourceAddress = SOURCE;
        CTX.destinationAddress = SOURCE;
        CTX.previousReplyValid = d.consumeBoolean();
        boolean signChain = keyed && d.consumeBoolean();
        byte[] tlvs = d.consumeRemainingAsBytes();
        if (tlvs.length > 1200) {
            tlvs = java.util.Arrays.copyOf(tlvs, 1200);
        }
        int length = BASE + tlvs.length;
        MemorySegment p = MemorySegment.ofArray(new byte[length + GUARD]);
        for (int i = 0; i < BASE; i++) {
            p.set(ValueLayout.JAVA_BYTE, i, (byte) (i * 7 + 3));
        }
        MemorySegment.copy(MemorySegment.ofArray(tlvs), 0, p, BASE, tlvs.length);
        if (signChain && length >= BASE + 20) {
            // Make the last 20 octets a valid HMAC TLV over what precedes it, so that the verified
            // path is reached too.
            SenderTlvWriter.hmac(p, length - 20, BASE, KEY);
        }
        for (int i = length; i < length + GUARD; i++) {
            p.set(ValueLayout.JAVA_BYTE, i, (byte) 0xA5);
        }
        byte[] base = p.asSlice(0, BASE).toArray(ValueLayout.JAVA_BYTE);
        REFLECTOR.process(p, BASE, length, CTX);
        assertEquals(java.util.Arrays.toString(base),
                java.util.Arrays.toString(p.asSlice(0, BASE).toArray(ValueLayout.JAVA_BYTE)), "base packet untouched");
        for (int i = length; i < length + GUARD; i++) {
            assertEquals((byte) 0xA5, p.get(ValueLayout.JAVA_BYTE, i), "nothing written past the request");
        }
        inside(CTX.returnAddressOffset, 16, length);
        inside(CTX.returnSegmentsOffset, 16 * CTX.returnSegmentsCount, length);
        inside(CTX.replySourceOffset, 16, length);
        assertTrue(CTX.returnSegmentsCount >= 0 && CTX.returnSegmentsCount <= Srh.MAX_SEGMENTS);
        assertTrue(CTX.replyDscp >= -1 && CTX.replyDscp <= 63, "reply DSCP " + CTX.replyDscp);
        assertTrue(CTX.replyEcn >= -1 && CTX.replyEcn <= 3, "reply ECN " + CTX.replyEcn);
        if (!CTX.dscp1Allowed) {
            assertEquals(-1, CTX.replyDscp, "DSCP1 refused by policy");
        }
        if (!CTX.ecn1Allowed) {
            assertTrue(CTX.replyEcn <= 0, "EC1 refused by policy leaves the reply Not-ECT");
        }
        if (CTX.malformed) {
            assertTrue(CTX.malformedOffset >= BASE && CTX.malformedOffset <= length, "malformed at " + CTX.malformedOffset);
        }
        CURSOR.reset(p, BASE, length);
        int last = BASE;
        while (CURSOR.next()) {
            assertTrue(CURSOR.offset() >= last && CURSOR.tlvEnd() <= length && CURSOR.tlvEnd() > CURSOR.offset(),
                    "TLV at " + CURSOR.offset() + " to " + CURSOR.tlvEnd() + " in " + length);
            last = CURSOR.tlvEnd();
            if (!CTX.malformed && !CTX.integrityFailed) {
                assertTrue(CURSOR.flags() == 0 || CURSOR.flags() == Tlv.FLAG_U,
                        "a processed TLV keeps no flag but U: " + CURSOR.flags());
            }
        }
    }

    private static void inside(int offset, int octets, int length) {
        if (offset >= 0) {
            assertTrue(offset >= BASE && offset + octets <= length, "offset " + offset + " outside the TLVs");
        }
    }

    /** The sender's writers: what is written parses back, in order, and the HMAC verifies. */
    private static void build(FuzzedDataProvider d) {
        MemorySegment p = MemorySegment.ofArray(new byte[1024]);
        int dscp1 = d.consumeInt(0, 63);
        int ecn1 = d.consumeInt(0, 3);
        int padding = d.consumeInt(4, 400);
        int senderTx = d.consumeInt();
        int at = SenderTlvWriter.classOfService(p, BASE, dscp1, ecn1);
        at = SenderTlvWriter.directMeasurement(p, at, senderTx);
        at = SenderTlvWriter.extraPadding(p, at, padding);
        at = SenderTlvWriter.followUpTelemetry(p, at);
        int end = SenderTlvWriter.hmac(p, at, BASE, KEY);
        int[] types = {Tlv.TYPE_CLASS_OF_SERVICE, Tlv.TYPE_DIRECT_MEASUREMENT, Tlv.TYPE_EXTRA_PADDING,
            Tlv.TYPE_FOLLOW_UP_TELEMETRY, Tlv.TYPE_HMAC};
        CURSOR.reset(p, BASE, end);
        for (int type : types) {
            assertTrue(CURSOR.next(), "TLV " + type + " is there");
            assertEquals(type, CURSOR.type());
            assertEquals(Tlv.FLAG_U, CURSOR.flags(), "a sender sets U on every TLV");
        }
        assertTrue(!CURSOR.next() && !CURSOR.malformed());
        assertEquals(dscp1, ClassOfServiceTlv.dscp1(p, BASE));
        assertEquals(ecn1, ClassOfServiceTlv.ecn1(p, BASE));
        assertEquals(ClassOfServiceTlv.RPE_NOT_SUPPORTED, ClassOfServiceTlv.reversePathEcn(p, BASE));
        assertEquals(senderTx, p.get(StampLayout.U32, BASE + 8 + DirectMeasurementTlv.SENDER_TX));
        assertTrue(KEY.verifyTlv(p, 0, BASE, at), "the HMAC TLV verifies");
    }

    @FuzzTest(maxDuration = "10s")
    void chain(FuzzedDataProvider d) {
        fuzzerTestOneInput(d);
    }
}
