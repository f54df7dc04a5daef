package io.stampd.dataplane.codec;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Timestamp Information TLV (RFC 8972 §4.3, type 3): {@code Sync Src In(1) Timestamp In(1)
 * Sync Src Out(1) Timestamp Out(1) [sub-TLVs]}. "In" describes T2 (receive), "Out" T3
 * (transmit). The Session-Sender sends zeros; the Session-Reflector fills all four.
 */
public final class TimestampInformationTlv {
    public static final int TYPE = Tlv.TYPE_TIMESTAMP_INFORMATION;
    /** Minimum value length (optional sub-TLVs may follow). */
    public static final int VALUE_LENGTH = 4;
    public static final int SYNC_SOURCE_IN = Tlv.HEADER_LENGTH;
    public static final int METHOD_IN = Tlv.HEADER_LENGTH + 1;
    public static final int SYNC_SOURCE_OUT = Tlv.HEADER_LENGTH + 2;
    public static final int METHOD_OUT = Tlv.HEADER_LENGTH + 3;

    // ---- STAMP Synchronization Sources (IANA) -------------------------------------------
    public static final int SYNC_NTP = 1;
    public static final int SYNC_PTP = 2;
    public static final int SYNC_SSU_BITS = 3;
    public static final int SYNC_GNSS = 4;
    public static final int SYNC_FREE_RUNNING = 5;

    // ---- STAMP Timestamping Methods (IANA) ----------------------------------------------
    public static final int METHOD_HW_ASSIST = 1;
    public static final int METHOD_SW_LOCAL = 2;
    public static final int METHOD_CONTROL_PLANE = 3;

    private TimestampInformationTlv() {
    }

    public static int syncSourceIn(MemorySegment p, int tlv) {
        return u8(p, tlv + SYNC_SOURCE_IN);
    }

    public static int methodIn(MemorySegment p, int tlv) {
        return u8(p, tlv + METHOD_IN);
    }

    public static int syncSourceOut(MemorySegment p, int tlv) {
        return u8(p, tlv + SYNC_SOURCE_OUT);
    }

    public static int methodOut(MemorySegment p, int tlv) {
        return u8(p, tlv + METHOD_OUT);
    }

    private static int u8(MemorySegment p, int at) {
        return Byte.toUnsignedInt(p.get(ValueLayout.JAVA_BYTE, at));
    }
}
