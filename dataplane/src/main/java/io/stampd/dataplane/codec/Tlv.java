package io.stampd.dataplane.codec;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * RFC 8972 §4 TLV framing: {@code Flags(1) Type(1) Length(2) Value(Length)}, where Length counts
 * the value only. Sub-TLVs (Location, Return Path) use the same framing. The static accessors read
 * and write a TLV header at an offset of a segment; none of them allocates.
 */
public final class Tlv {
    /** Octets of the Flags, Type and Length fields. */
    public static final int HEADER_LENGTH = 4;
    /** Largest value length the 16-bit Length field can carry. */
    public static final int MAX_VALUE_LENGTH = 0xFFFF;

    // ---- STAMP TLV Flags (RFC 8972 §4, IANA "STAMP TLV Flags") ----------------------------
    /** Unrecognized: the Session-Sender sets it on transmit; the reflector clears it if it understood the TLV. */
    public static final int FLAG_U = 0x80;
    /** Malformed: the reflector found the Length invalid for the type or the TLV runs past the packet. */
    public static final int FLAG_M = 0x40;
    /** Integrity check failed: the HMAC TLV did not verify. */
    public static final int FLAG_I = 0x20;
    /** Bit 3, later work (draft-ietf-ippm-stamp-ext-hdr "C"); this node neither sets nor interprets it. */
    public static final int FLAG_C = 0x10;
    /** Bits 4-7: unassigned, zero on transmit. */
    public static final int FLAGS_RESERVED = 0x0F;

    // ---- STAMP TLV Types (RFC 8972 §5.1, RFC 9503 §5) ---------------------------------------
    public static final int TYPE_EXTRA_PADDING = 1;
    public static final int TYPE_LOCATION = 2;
    public static final int TYPE_TIMESTAMP_INFORMATION = 3;
    public static final int TYPE_CLASS_OF_SERVICE = 4;
    public static final int TYPE_DIRECT_MEASUREMENT = 5;
    public static final int TYPE_ACCESS_REPORT = 6;
    public static final int TYPE_FOLLOW_UP_TELEMETRY = 7;
    public static final int TYPE_HMAC = 8;
    public static final int TYPE_DESTINATION_NODE_ADDRESS = 9;
    public static final int TYPE_RETURN_PATH = 10;

    public static final int TYPE_RESERVED_LOW = 0;
    public static final int TYPE_RESERVED_HIGH = 255;
    public static final int TYPE_EXPERIMENTAL_FIRST = 240;
    public static final int TYPE_EXPERIMENTAL_LAST = 251;
    public static final int TYPE_PRIVATE_FIRST = 252;
    public static final int TYPE_PRIVATE_LAST = 254;

    private Tlv() {
    }

    public static boolean isReservedType(int type) {
        return type == TYPE_RESERVED_LOW || type == TYPE_RESERVED_HIGH;
    }

    public static boolean isExperimentalType(int type) {
        return type >= TYPE_EXPERIMENTAL_FIRST && type <= TYPE_EXPERIMENTAL_LAST;
    }

    public static boolean isPrivateUseType(int type) {
        return type >= TYPE_PRIVATE_FIRST && type <= TYPE_PRIVATE_LAST;
    }

    /** A short English name for logs and error messages (constant strings: no allocation). */
    public static String typeName(int type) {
        return switch (type) {
            case TYPE_EXTRA_PADDING -> "Extra Padding";
            case TYPE_LOCATION -> "Location";
            case TYPE_TIMESTAMP_INFORMATION -> "Timestamp Information";
            case TYPE_CLASS_OF_SERVICE -> "Class of Service";
            case TYPE_DIRECT_MEASUREMENT -> "Direct Measurement";
            case TYPE_ACCESS_REPORT -> "Access Report";
            case TYPE_FOLLOW_UP_TELEMETRY -> "Follow-Up Telemetry";
            case TYPE_HMAC -> "HMAC";
            case TYPE_DESTINATION_NODE_ADDRESS -> "Destination Node Address";
            case TYPE_RETURN_PATH -> "Return Path";
            default -> isReservedType(type) ? "reserved"
                    : isExperimentalType(type) ? "experimental"
                    : isPrivateUseType(type) ? "private use" : "unassigned";
        };
    }

    // ---- header accessors ------------------------------------------------------------------

    public static int flags(MemorySegment p, int tlv) {
        return Byte.toUnsignedInt(p.get(ValueLayout.JAVA_BYTE, tlv));
    }

    public static void flags(MemorySegment p, int tlv, int flags) {
        p.set(ValueLayout.JAVA_BYTE, tlv, (byte) flags);
    }

    public static int type(MemorySegment p, int tlv) {
        return Byte.toUnsignedInt(p.get(ValueLayout.JAVA_BYTE, tlv + 1));
    }

    /** The Length field: octets of the value. */
    public static int valueLength(MemorySegment p, int tlv) {
        return Short.toUnsignedInt(p.get(StampLayout.U16, tlv + 2));
    }

    public static int valueOffset(int tlv) {
        return tlv + HEADER_LENGTH;
    }

    /** Offset just past the TLV (its header plus the value the Length field announces). */
    public static int end(MemorySegment p, int tlv) {
        return tlv + HEADER_LENGTH + valueLength(p, tlv);
    }

    public static boolean hasFlag(MemorySegment p, int tlv, int flag) {
        return (flags(p, tlv) & flag) != 0;
    }

    /** Writes a TLV header; the value is the caller's. */
    public static void writeHeader(MemorySegment p, int tlv, int flags, int type, int valueLength) {
        if (valueLength < 0 || valueLength > MAX_VALUE_LENGTH) {
            throw new IllegalArgumentException("TLV value length " + valueLength + " is outside 0.."
                    + MAX_VALUE_LENGTH);
        }
        p.set(ValueLayout.JAVA_BYTE, tlv, (byte) flags);
        p.set(ValueLayout.JAVA_BYTE, tlv + 1, (byte) type);
        p.set(StampLayout.U16, tlv + 2, (short) valueLength);
    }

    /**
     * Offset of the first well-formed TLV of {@code type} in {@code [start, end)}, or -1 if there is
     * none before the end or before the first malformed TLV.
     */
    public static int find(MemorySegment p, int start, int end, int type) {
        int at = start;
        while (end - at >= HEADER_LENGTH) {
            int next = end(p, at);
            if (next > end) {
                return -1;
            }
            if (type(p, at) == type) {
                return at;
            }
            at = next;
        }
        return -1;
    }
}
