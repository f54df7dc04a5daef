package io.stampd.dataplane.codec;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * Field offsets of the STAMP base packets (RFC 8762 §4.2 and §4.3) in the two modes, and
 * allocation-free accessors on a segment whose offset 0 is the first octet of the UDP payload.
 * Session-Sender and Session-Reflector packets share the sequence number, timestamp, error
 * estimate and SSID positions; the reflector adds the copied sender fields.
 */
public enum StampLayout {
    /** Unauthenticated mode: 44-octet base packets. */
    UNAUTHENTICATED(44, 0, 4, 12, 14, 16, 24, 28, 36, 40, -1),
    /** Authenticated mode: 112-octet base packets, HMAC-SHA-256/128 over octets 0..95. */
    AUTHENTICATED(112, 0, 16, 24, 26, 32, 48, 64, 72, 80, 96);

    public static final ValueLayout.OfInt U32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    public static final ValueLayout.OfLong U64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    public static final ValueLayout.OfShort U16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);

    /** Octets of the HMAC field (HMAC-SHA-256 truncated to 128 bits). */
    public static final int HMAC_LENGTH = 16;

    /** Size of the base packet; sender and reflector packets have the same size. */
    public final int baseLength;
    public final int seq;
    public final int timestamp;
    public final int errorEstimate;
    public final int ssid;
    /** Reflector packets only: T2. */
    public final int receiveTimestamp;
    public final int senderSeq;
    public final int senderTimestamp;
    public final int senderErrorEstimate;
    public final int senderTtl;
    /** Authenticated mode only (-1 otherwise); the HMAC covers octets [0, hmac). */
    public final int hmac;

    StampLayout(int baseLength, int seq, int timestamp, int errorEstimate, int ssid, int receiveTimestamp,
                int senderSeq, int senderTimestamp, int senderErrorEstimate, int senderTtl, int hmac) {
        this.baseLength = baseLength;
        this.seq = seq;
        this.timestamp = timestamp;
        this.errorEstimate = errorEstimate;
        this.ssid = ssid;
        this.receiveTimestamp = receiveTimestamp;
        this.senderSeq = senderSeq;
        this.senderTimestamp = senderTimestamp;
        this.senderErrorEstimate = senderErrorEstimate;
        this.senderTtl = senderTtl;
        this.hmac = hmac;
    }

    public boolean authenticated() {
        return hmac >= 0;
    }

    // ---- common fields -------------------------------------------------------------------

    public int seq(MemorySegment p) {
        return p.get(U32, seq);
    }

    public long timestamp(MemorySegment p) {
        return p.get(U64, timestamp);
    }

    public void timestamp(MemorySegment p, long wire) {
        p.set(U64, timestamp, wire);
    }

    public short errorEstimate(MemorySegment p) {
        return p.get(U16, errorEstimate);
    }

    public int ssid(MemorySegment p) {
        return Short.toUnsignedInt(p.get(U16, ssid));
    }

    // ---- reflector fields ----------------------------------------------------------------

    public long receiveTimestamp(MemorySegment p) {
        return p.get(U64, receiveTimestamp);
    }

    public int senderSeq(MemorySegment p) {
        return p.get(U32, senderSeq);
    }

    public long senderTimestamp(MemorySegment p) {
        return p.get(U64, senderTimestamp);
    }

    public short senderErrorEstimate(MemorySegment p) {
        return p.get(U16, senderErrorEstimate);
    }

    public int senderTtl(MemorySegment p) {
        return Byte.toUnsignedInt(p.get(ValueLayout.JAVA_BYTE, senderTtl));
    }

    // ---- building ------------------------------------------------------------------------

    /**
     * Writes a Session-Sender base packet; every MBZ octet of the base is zeroed (octets past the
     * base, where TLVs go, are left to the caller).
     */
    public void writeSender(MemorySegment p, int seqNo, long t1Wire, short ee, int ssidValue) {
        zeroBase(p);
        p.set(U32, seq, seqNo);
        p.set(U64, timestamp, t1Wire);
        p.set(U16, errorEstimate, ee);
        p.set(U16, ssid, (short) ssidValue);
    }

    /**
     * Turns a received Session-Sender packet into the Session-Reflector reply in place: copies the
     * sender's sequence number, timestamp and error estimate, records T2 and the received TTL,
     * zeroes the MBZ octets and writes the reflector's own sequence number and error estimate. T3
     * is left for {@link #timestamp(MemorySegment, long)} right before transmission. The SSID stays
     * where it is (it is echoed). Returns nothing; octets past the base are untouched.
     */
    public void reflectInPlace(MemorySegment p, int reflectorSeq, long t2Wire, short reflectorEe, int receivedTtl) {
        int ss = p.get(U32, seq);
        long st = p.get(U64, timestamp);
        short sEe = p.get(U16, errorEstimate);
        short sid = p.get(U16, ssid);
        zeroBase(p);
        p.set(U32, seq, reflectorSeq);
        p.set(U16, errorEstimate, reflectorEe);
        p.set(U16, ssid, sid);
        p.set(U64, receiveTimestamp, t2Wire);
        p.set(U32, senderSeq, ss);
        p.set(U64, senderTimestamp, st);
        p.set(U16, senderErrorEstimate, sEe);
        p.set(ValueLayout.JAVA_BYTE, senderTtl, (byte) receivedTtl);
    }

    /** Zeroes octets [0, baseLength) without creating a slice (the per-packet path allocates nothing). */
    private void zeroBase(MemorySegment p) {
        int i = 0;
        for (; i + 8 <= baseLength; i += 8) {
            p.set(U64, i, 0L);
        }
        for (; i < baseLength; i += 4) {
            p.set(U32, i, 0);
        }
    }

    /** The layout for a mode. */
    public static StampLayout of(boolean authenticated) {
        return authenticated ? AUTHENTICATED : UNAUTHENTICATED;
    }
}
