package io.stampd.dataplane.codec;

import java.lang.foreign.MemorySegment;

/**
 * Return Path TLV (RFC 9503 §4, type 10): a sequence of sub-TLVs telling the reflector how to
 * send the reply. Control Code (type 1, 4 octets): 0 = no reply, 1 = reply on the link the test
 * packet came in on. Return Address (type 2, 4 or 16 octets): the reply's destination. SR-MPLS
 * Label Stack (type 3, n×4 octets). SRv6 Segment List (type 4, n×16 octets, first segment first).
 */
public final class ReturnPathTlv {
    public static final int TYPE = Tlv.TYPE_RETURN_PATH;

    public static final int SUB_CONTROL_CODE = 1;
    public static final int SUB_RETURN_ADDRESS = 2;
    public static final int SUB_SR_MPLS_LABEL_STACK = 3;
    public static final int SUB_SRV6_SEGMENT_LIST = 4;

    public static final int CONTROL_CODE_LENGTH = 4;
    public static final int CONTROL_NO_REPLY = 0x0;
    public static final int CONTROL_REPLY_SAME_LINK = 0x1;
    public static final int LABEL_STACK_ENTRY_LENGTH = 4;
    public static final int SEGMENT_LENGTH = 16;

    private ReturnPathTlv() {
    }

    /** Offset of the first sub-TLV of {@code subType} inside the Return Path TLV at {@code tlv}, or -1. */
    public static int findSubTlv(MemorySegment p, int tlv, int subType) {
        return Tlv.find(p, Tlv.valueOffset(tlv), Tlv.end(p, tlv), subType);
    }

    public static long controlCode(MemorySegment p, int subTlv) {
        return Integer.toUnsignedLong(p.get(StampLayout.U32, Tlv.valueOffset(subTlv)));
    }
}
