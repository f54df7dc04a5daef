package io.stampd.dataplane.codec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.SplittableRandom;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

/** HMAC-SHA-256/128 against RFC 4231 and, for packets, against the JDK's own javax.crypto.Mac. */
class StampHmacTest {

    private static byte[] mac16(StampHmac h, byte[] data) {
        MemorySegment out = MemorySegment.ofArray(new byte[16]);
        h.compute(MemorySegment.ofArray(data), 0, data.length, out, 0);
        return out.toArray(ValueLayout.JAVA_BYTE);
    }

    private static byte[] repeat(int octet, int n) {
        byte[] b = new byte[n];
        Arrays.fill(b, (byte) octet);
        return b;
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    /** Independent reference: the JDK's HMAC, truncated to 16 octets. */
    static byte[] jdkMac16(byte[] key, byte[]... parts) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(key, "HmacSHA256"));
        for (byte[] part : parts) {
            mac.update(part);
        }
        return Arrays.copyOf(mac.doFinal(), 16);
    }

    @Test
    void rfc4231TestCase1() {
        assertArrayEquals(Octets.hex("b0344c61d8db38535ca8afceaf0bf12b"),
                mac16(new StampHmac(repeat(0x0b, 20)), ascii("Hi There")));
    }

    @Test
    void rfc4231TestCase2() {
        assertArrayEquals(Octets.hex("5bdcc146bf60754e6a042426089575c7"),
                mac16(new StampHmac(ascii("Jefe")), ascii("what do ya want for nothing?")));
    }

    @Test
    void rfc4231TestCase5Truncated() {
        assertArrayEquals(Octets.hex("a3b6167473100ee06e0c796c2955552b"),
                mac16(new StampHmac(repeat(0x0c, 20)), ascii("Test With Truncation")));
    }

    @Test
    void rfc4231TestCase6KeyLongerThanABlock() {
        assertArrayEquals(Octets.hex("60e431591ee0b67f0d8a26aacbf5b77f"),
                mac16(new StampHmac(repeat(0xaa, 131)), ascii("Test Using Larger Than Block-Size Key - Hash Key First")));
    }

    @Test
    void longInputsStreamThroughTheScratchBuffer() throws Exception {
        byte[] key = ascii("stamp-session-key");
        byte[] data = new byte[5000];
        new SplittableRandom(1).nextBytes(data);
        StampHmac h = new StampHmac(key);
        assertArrayEquals(jdkMac16(key, data), mac16(h, data));
        // the instance is reusable: the same input gives the same answer again
        assertArrayEquals(jdkMac16(key, data), mac16(h, data));
    }

    @Test
    void signsAndVerifiesAnAuthenticatedBasePacket() throws Exception {
        byte[] key = Octets.hex("000102030405060708090a0b0c0d0e0f");
        StampHmac h = new StampHmac(key);
        MemorySegment p = MemorySegment.ofArray(new byte[112]);
        StampLayout.AUTHENTICATED.writeSender(p, 7, 0x83AA7E80_80000000L, (short) 0x8001, 0x1234);
        h.sign(p);
        byte[] packet = p.toArray(ValueLayout.JAVA_BYTE);
        assertArrayEquals(jdkMac16(key, Arrays.copyOf(packet, 96)), Arrays.copyOfRange(packet, 96, 112));
        assertTrue(h.verify(p));
    }

    @Test
    void anySingleBitFlipFailsVerification() {
        StampHmac h = new StampHmac(ascii("k"));
        MemorySegment p = MemorySegment.ofArray(new byte[112]);
        StampLayout.AUTHENTICATED.writeSender(p, 1, 2L, (short) 0x8001, 3);
        h.sign(p);
        for (int bit = 0; bit < 112 * 8; bit++) {
            byte b = p.get(ValueLayout.JAVA_BYTE, bit / 8);
            p.set(ValueLayout.JAVA_BYTE, bit / 8, (byte) (b ^ (1 << (bit % 8))));
            assertFalse(h.verify(p), "bit " + bit);
            p.set(ValueLayout.JAVA_BYTE, bit / 8, b);
        }
        assertTrue(h.verify(p));
    }

    @Test
    void wrongKeyFails() {
        MemorySegment p = MemorySegment.ofArray(new byte[112]);
        new StampHmac(ascii("right")).sign(p);
        assertFalse(new StampHmac(ascii("wrong")).verify(p));
    }

    @Test
    void shortSegmentsAreRejectedWithoutThrowingOnVerify() {
        StampHmac h = new StampHmac(ascii("k"));
        assertFalse(h.verify(MemorySegment.ofArray(new byte[111])));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> h.sign(MemorySegment.ofArray(new byte[44])))
                .getMessage().contains("112"));
    }

    @Test
    void emptyKeyIsRejected() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new StampHmac(new byte[0]))
                .getMessage().contains("empty"));
        assertThrows(IllegalArgumentException.class, () -> new StampHmac(null));
    }

    @Test
    void tlvHmacCoversSequenceNumberAndPrecedingTlvs() throws Exception {
        byte[] key = ascii("tlv-key");
        StampHmac h = new StampHmac(key);
        MemorySegment p = MemorySegment.ofArray(new byte[44 + 8 + 20]);
        StampLayout.UNAUTHENTICATED.writeSender(p, 0x01020304, 5L, (short) 0x8001, 0);
        int at = SenderTlvWriter.extraPadding(p, 44, 8);
        Tlv.writeHeader(p, at, Tlv.FLAG_U, Tlv.TYPE_HMAC, 16);
        h.signTlv(p, 0, 44, at);
        byte[] packet = p.toArray(ValueLayout.JAVA_BYTE);
        byte[] expected = jdkMac16(key, Octets.hex("01020304"), Arrays.copyOfRange(packet, 44, 52));
        assertArrayEquals(expected, Arrays.copyOfRange(packet, 56, 72));
        assertTrue(h.verifyTlv(p, 0, 44, at));
        // the base packet beyond the sequence number is not covered
        p.set(ValueLayout.JAVA_BYTE, 10, (byte) 0x55);
        assertTrue(h.verifyTlv(p, 0, 44, at));
        // a padding octet is
        p.set(ValueLayout.JAVA_BYTE, 50, (byte) 1);
        assertFalse(h.verifyTlv(p, 0, 44, at));
    }

    @Test
    void tlvVerifyRejectsImpossibleGeometryWithoutThrowing() {
        StampHmac h = new StampHmac(ascii("k"));
        MemorySegment p = MemorySegment.ofArray(new byte[60]);
        assertFalse(h.verifyTlv(p, 0, 44, 50));   // value would run past the segment
        assertFalse(h.verifyTlv(p, 0, 2, 44));    // TLVs overlapping the sequence number
        Tlv.writeHeader(p, 44, 0, Tlv.TYPE_HMAC, 12);
        assertFalse(h.verifyTlv(p, 0, 44, 44));   // wrong HMAC length
    }
}
