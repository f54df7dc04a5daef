package io.stampd.dataplane.codec;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Access Report TLV (RFC 8972 §4.6, type 6, value 4 octets): {@code ID(4 bits) Resv(4 bits)
 * Return Code(8) Reserved(16)}. The Session-Reflector echoes it.
 */
public final class AccessReportTlv {
    public static final int TYPE = Tlv.TYPE_ACCESS_REPORT;
    public static final int VALUE_LENGTH = 4;
    public static final int ID_AND_RESV = Tlv.HEADER_LENGTH;
    public static final int RETURN_CODE = Tlv.HEADER_LENGTH + 1;

    public static final int ID_3GPP = 1;
    public static final int ID_NON_3GPP = 2;
    public static final int RETURN_NETWORK_AVAILABLE = 1;
    public static final int RETURN_NETWORK_UNAVAILABLE = 2;

    private AccessReportTlv() {
    }

    public static int accessId(MemorySegment p, int tlv) {
        return Byte.toUnsignedInt(p.get(ValueLayout.JAVA_BYTE, tlv + ID_AND_RESV)) >>> 4;
    }

    public static int returnCode(MemorySegment p, int tlv) {
        return Byte.toUnsignedInt(p.get(ValueLayout.JAVA_BYTE, tlv + RETURN_CODE));
    }
}
