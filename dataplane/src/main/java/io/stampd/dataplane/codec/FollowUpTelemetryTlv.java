package io.stampd.dataplane.codec;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Follow-Up Telemetry TLV (RFC 8972 §4.7, type 7, value 16 octets): {@code Sequence Number(4)
 * Follow-Up Timestamp(8) Timestamp Mode(1) Reserved(3)}. A stateful Session-Reflector reports its
 * own sequence number and the precise transmit time of the reply it sent before this one (a
 * timestamp it could only read after that reply had left).
 */
public final class FollowUpTelemetryTlv {
    public static final int TYPE = Tlv.TYPE_FOLLOW_UP_TELEMETRY;
    public static final int VALUE_LENGTH = 16;
    public static final int SEQUENCE_NUMBER = Tlv.HEADER_LENGTH;
    public static final int TIMESTAMP = Tlv.HEADER_LENGTH + 4;
    public static final int TIMESTAMP_MODE = Tlv.HEADER_LENGTH + 12;

    private FollowUpTelemetryTlv() {
    }

    public static long sequenceNumber(MemorySegment p, int tlv) {
        return Integer.toUnsignedLong(p.get(StampLayout.U32, tlv + SEQUENCE_NUMBER));
    }

    /** The follow-up timestamp in the reflector's wire format (its Error Estimate Z bit). */
    public static long timestamp(MemorySegment p, int tlv) {
        return p.get(StampLayout.U64, tlv + TIMESTAMP);
    }

    /** Timestamping method of the follow-up timestamp (TimestampInformationTlv.METHOD_*). */
    public static int timestampMode(MemorySegment p, int tlv) {
        return Byte.toUnsignedInt(p.get(ValueLayout.JAVA_BYTE, tlv + TIMESTAMP_MODE));
    }
}
