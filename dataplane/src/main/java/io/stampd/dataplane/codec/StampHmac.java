package io.stampd.dataplane.codec;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.security.DigestException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;

/**
 * HMAC-SHA-256 truncated to 128 bits (RFC 8762 §4.4, RFC 8972 §4.8), keyed once per session.
 *
 * <p>HMAC (RFC 2104) is computed directly on one reused {@link MessageDigest} with the key's
 * ipad/opad blocks prepared at construction, and the packet octets are streamed through a reused
 * scratch array: a call allocates nothing, unlike {@code javax.crypto.Mac} whose
 * {@code doFinal} returns a fresh array. Not thread-safe: one instance per session (per thread).
 */
public final class StampHmac {
    /** Octets of the truncated HMAC carried in packets. */
    public static final int LENGTH = StampLayout.HMAC_LENGTH;
    /** Octets covered in an authenticated base packet: 0..95. */
    public static final int BASE_COVERED = 96;

    private static final int BLOCK = 64;
    private static final int DIGEST = 32;
    private static final int SEQUENCE_NUMBER_LENGTH = 4;

    private final MessageDigest sha256;
    private final byte[] innerPad = new byte[BLOCK];
    private final byte[] outerPad = new byte[BLOCK];
    private final byte[] chunk = new byte[256];
    private final byte[] innerHash = new byte[DIGEST];
    private final byte[] mac = new byte[DIGEST];

    /** Keys the instance; the key may have any non-zero length (longer than 64 octets is hashed first). */
    public StampHmac(byte[] key) {
        if (key == null || key.length == 0) {
            throw new IllegalArgumentException("HMAC key is empty; give at least one octet (e.g. --key 00112233...)");
        }
        try {
            sha256 = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JDK has no SHA-256", e);
        }
        byte[] k = key.length > BLOCK ? sha256.digest(key) : key.clone();
        for (int i = 0; i < BLOCK; i++) {
            byte b = i < k.length ? k[i] : 0;
            innerPad[i] = (byte) (b ^ 0x36);
            outerPad[i] = (byte) (b ^ 0x5c);
        }
        Arrays.fill(k, (byte) 0);
    }

    // ---- generic -----------------------------------------------------------------------

    /** Writes the 16-octet HMAC of {@code data[offset, offset+length)} at {@code out[outOffset]}. */
    public void compute(MemorySegment data, long offset, long length, MemorySegment out, long outOffset) {
        begin();
        absorb(data, offset, length);
        finish();
        MemorySegment.copy(mac, 0, out, ValueLayout.JAVA_BYTE, outOffset, LENGTH);
    }

    // ---- authenticated base packets ----------------------------------------------------

    /** Signs an authenticated base packet: HMAC over octets 0..95 written at 96. */
    public void sign(MemorySegment p) {
        if (p.byteSize() < StampLayout.AUTHENTICATED.baseLength) {
            throw new IllegalArgumentException("an authenticated STAMP packet needs "
                    + StampLayout.AUTHENTICATED.baseLength + " octets, the segment has " + p.byteSize());
        }
        compute(p, 0, BASE_COVERED, p, StampLayout.AUTHENTICATED.hmac);
    }

    /** True if the HMAC at 96 matches octets 0..95; false also for a segment too short to hold it. */
    public boolean verify(MemorySegment p) {
        if (p.byteSize() < StampLayout.AUTHENTICATED.baseLength) {
            return false;
        }
        begin();
        absorb(p, 0, BASE_COVERED);
        finish();
        return matches(p, StampLayout.AUTHENTICATED.hmac);
    }

    // ---- HMAC TLV (RFC 8972 §4.8) ------------------------------------------------------

    /**
     * Fills the value of the HMAC TLV at {@code hmacTlv} with the HMAC over the base packet's
     * Sequence Number (4 octets at {@code seqOffset}) followed by the TLVs in
     * {@code [tlvStart, hmacTlv)}. The TLV header must already be written.
     */
    public void signTlv(MemorySegment p, int seqOffset, int tlvStart, int hmacTlv) {
        checkTlvRange(p, seqOffset, tlvStart, hmacTlv);
        tlvMac(p, seqOffset, tlvStart, hmacTlv);
        MemorySegment.copy(mac, 0, p, ValueLayout.JAVA_BYTE, Tlv.valueOffset(hmacTlv), LENGTH);
    }

    /** Checks the HMAC TLV at {@code hmacTlv} as {@link #signTlv} would have written it; never throws on content. */
    public boolean verifyTlv(MemorySegment p, int seqOffset, int tlvStart, int hmacTlv) {
        if (seqOffset < 0 || tlvStart < seqOffset + SEQUENCE_NUMBER_LENGTH || hmacTlv < tlvStart
                || (long) hmacTlv + Tlv.HEADER_LENGTH + LENGTH > p.byteSize()
                || Tlv.valueLength(p, hmacTlv) != LENGTH) {
            return false;
        }
        tlvMac(p, seqOffset, tlvStart, hmacTlv);
        return matches(p, Tlv.valueOffset(hmacTlv));
    }

    private void tlvMac(MemorySegment p, int seqOffset, int tlvStart, int hmacTlv) {
        begin();
        absorb(p, seqOffset, SEQUENCE_NUMBER_LENGTH);
        absorb(p, tlvStart, hmacTlv - tlvStart);
        finish();
    }

    private static void checkTlvRange(MemorySegment p, int seqOffset, int tlvStart, int hmacTlv) {
        if (seqOffset < 0 || tlvStart < seqOffset + SEQUENCE_NUMBER_LENGTH || hmacTlv < tlvStart
                || (long) hmacTlv + Tlv.HEADER_LENGTH + LENGTH > p.byteSize()) {
            throw new IllegalArgumentException("HMAC TLV at " + hmacTlv + " (TLVs from " + tlvStart
                    + ", sequence number at " + seqOffset + ") does not fit the " + p.byteSize() + "-octet segment");
        }
    }

    // ---- HMAC core ---------------------------------------------------------------------

    private void begin() {
        sha256.reset();
        sha256.update(innerPad, 0, BLOCK);
    }

    /** Streams segment octets into the digest through the scratch array. */
    private void absorb(MemorySegment data, long offset, long length) {
        long at = offset;
        long left = length;
        while (left > 0) {
            int n = (int) Math.min(left, chunk.length);
            MemorySegment.copy(data, ValueLayout.JAVA_BYTE, at, chunk, 0, n);
            sha256.update(chunk, 0, n);
            at += n;
            left -= n;
        }
    }

    /** Completes inner and outer hash; the result is in {@link #mac}. */
    private void finish() {
        try {
            sha256.digest(innerHash, 0, DIGEST);
            sha256.update(outerPad, 0, BLOCK);
            sha256.update(innerHash, 0, DIGEST);
            sha256.digest(mac, 0, DIGEST);
        } catch (DigestException e) {
            throw new IllegalStateException("SHA-256 digest into a 32-octet buffer failed", e);
        }
    }

    /** Constant-time comparison of the computed HMAC with the 16 octets at {@code at}. */
    private boolean matches(MemorySegment p, long at) {
        int diff = 0;
        for (int i = 0; i < LENGTH; i++) {
            diff |= mac[i] ^ p.get(ValueLayout.JAVA_BYTE, at + i);
        }
        return diff == 0;
    }
}
