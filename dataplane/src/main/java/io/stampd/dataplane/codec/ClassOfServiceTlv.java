package io.stampd.dataplane.codec;

import java.lang.foreign.MemorySegment;

/**
 * Class of Service TLV (RFC 8972 §4.4 with erratum 8199, type 4, value 4 octets), with the ECN
 * fields of draft-ietf-ippm-stamp-cos-ecn-01 §3.2 in bits RFC 8972 left reserved. Bits of the
 * value, most significant first: {@code DSCP1(6) DSCP2(6) ECN2(2) RPD(2) | EC1(2) RPE(2)
 * Reserved(12)}.
 * <ul>
 * <li>DSCP1: the DSCP the Session-Sender asks the reflector to use for the reply.</li>
 * <li>DSCP2, ECN2: DSCP and ECN of the test packet as the reflector received it (reflector fills).</li>
 * <li>RPD (RFC 8972's RP): 0 if the reply carries DSCP1, 1 if local policy did not allow it
 * (reflector fills).</li>
 * <li>EC1: the ECN the sender asks for in the reply.</li>
 * <li>RPE: 0b00 as the sender sends it, and as a reflector that knows only RFC 8972 returns it
 * (reserved bits are zeroed); 0b11 if the reply carries EC1, 0b10 if the reflector could not or
 * would not set it (the reply is then Not-ECT).</li>
 * </ul>
 */
public final class ClassOfServiceTlv {
    public static final int TYPE = Tlv.TYPE_CLASS_OF_SERVICE;
    public static final int VALUE_LENGTH = 4;
    /** Offset (from the TLV start) of the 16-bit word DSCP1|DSCP2|ECN2|RP. */
    public static final int CODEPOINTS = Tlv.HEADER_LENGTH;
    /** Offset (from the TLV start) of the 16-bit word EC1|RPE|Reserved. */
    public static final int SECOND_WORD = Tlv.HEADER_LENGTH + 2;

    public static final int RP_DSCP1_USED = 0;
    public static final int RP_DSCP1_REFUSED = 1;
    /** RPE of a reflector that does not know the ECN fields (and of every request). */
    public static final int RPE_NOT_SUPPORTED = 0b00;
    /** RPE: the reflector did not set EC1 on the reply, which is Not-ECT. */
    public static final int RPE_EC1_REFUSED = 0b10;
    /** RPE: the reply carries EC1. */
    public static final int RPE_EC1_USED = 0b11;
    /** ECN codepoints (RFC 3168 §5). */
    public static final int NOT_ECT = 0b00;
    public static final int ECT1 = 0b01;
    public static final int ECT0 = 0b10;
    public static final int CE = 0b11;

    private ClassOfServiceTlv() {
    }

    public static int dscp1(MemorySegment p, int tlv) {
        return codepoints(p, tlv) >>> 10;
    }

    public static int dscp2(MemorySegment p, int tlv) {
        return (codepoints(p, tlv) >>> 4) & 0x3F;
    }

    public static int ecn2(MemorySegment p, int tlv) {
        return (codepoints(p, tlv) >>> 2) & 0x3;
    }

    public static int reversePath(MemorySegment p, int tlv) {
        return codepoints(p, tlv) & 0x3;
    }

    public static int ecn1(MemorySegment p, int tlv) {
        return Short.toUnsignedInt(p.get(StampLayout.U16, tlv + SECOND_WORD)) >>> 14;
    }

    public static int reversePathEcn(MemorySegment p, int tlv) {
        return (Short.toUnsignedInt(p.get(StampLayout.U16, tlv + SECOND_WORD)) >>> 12) & 0x3;
    }

    static int codepoints(MemorySegment p, int tlv) {
        return Short.toUnsignedInt(p.get(StampLayout.U16, tlv + CODEPOINTS));
    }

    static int word(int dscp1, int dscp2, int ecn2, int rp) {
        return (dscp1 & 0x3F) << 10 | (dscp2 & 0x3F) << 4 | (ecn2 & 0x3) << 2 | (rp & 0x3);
    }

    /** The second word: EC1, RPE and the reserved bits zero. */
    static int secondWord(int ecn1, int rpe) {
        return (ecn1 & 0x3) << 14 | (rpe & 0x3) << 12;
    }
}
