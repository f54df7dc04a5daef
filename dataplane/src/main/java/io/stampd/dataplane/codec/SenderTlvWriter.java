package io.stampd.dataplane.codec;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Session-Sender TLV building (RFC 8972 §4, RFC 9503 §3-4): each method appends one TLV at
 * {@code at} (normally the base length, then the previous return value) and returns the offset
 * just past it, i.e. the new packet length. Every TLV and sub-TLV goes out with the U flag set and
 * M/I clear (RFC 8972 §4); fields the reflector fills are zero. Allocation-free; a TLV that does
 * not fit the segment is a caller error ({@link IllegalArgumentException}).
 */
public final class SenderTlvWriter {
    private static final int SUB_IPV6 = Tlv.HEADER_LENGTH + Ipv6Octets.LENGTH;

    private SenderTlvWriter() {
    }

    /**
     * Extra Padding (type 1) occupying exactly {@code tlvOctets} octets (header included, so at
     * least 4): the way to make a test packet {@code tlvOctets} longer. The value is zeros, which
     * RFC 8972 §4.1 allows. May be repeated.
     */
    public static int extraPadding(MemorySegment p, int at, int tlvOctets) {
        if (tlvOctets < Tlv.HEADER_LENGTH || tlvOctets - Tlv.HEADER_LENGTH > Tlv.MAX_VALUE_LENGTH) {
            throw new IllegalArgumentException("an Extra Padding TLV occupies " + Tlv.HEADER_LENGTH + ".."
                    + (Tlv.HEADER_LENGTH + Tlv.MAX_VALUE_LENGTH) + " octets, not " + tlvOctets);
        }
        int valueLength = tlvOctets - Tlv.HEADER_LENGTH;
        header(p, at, Tlv.TYPE_EXTRA_PADDING, valueLength, "Extra Padding");
        zero(p, Tlv.valueOffset(at), valueLength);
        return at + tlvOctets;
    }

    /**
     * Location (type 2): zero ports and two empty sub-TLVs, Destination IPv6 Address (6) and
     * Source IPv6 Address (9), for the reflector to fill in.
     */
    public static int location(MemorySegment p, int at) {
        int valueLength = LocationTlv.PORTS_LENGTH + 2 * SUB_IPV6;
        header(p, at, Tlv.TYPE_LOCATION, valueLength, "Location");
        p.set(StampLayout.U32, at + LocationTlv.DESTINATION_PORT, 0);
        int sub = Tlv.valueOffset(at) + LocationTlv.PORTS_LENGTH;
        Tlv.writeHeader(p, sub, Tlv.FLAG_U, LocationTlv.SUB_DESTINATION_IPV6, Ipv6Octets.LENGTH);
        zero(p, Tlv.valueOffset(sub), Ipv6Octets.LENGTH);
        sub += SUB_IPV6;
        Tlv.writeHeader(p, sub, Tlv.FLAG_U, LocationTlv.SUB_SOURCE_IPV6, Ipv6Octets.LENGTH);
        zero(p, Tlv.valueOffset(sub), Ipv6Octets.LENGTH);
        return sub + SUB_IPV6;
    }

    /** Timestamp Information (type 3): four zero octets for the reflector's sync source and methods. */
    public static int timestampInformation(MemorySegment p, int at) {
        header(p, at, Tlv.TYPE_TIMESTAMP_INFORMATION, TimestampInformationTlv.VALUE_LENGTH, "Timestamp Information");
        p.set(StampLayout.U32, Tlv.valueOffset(at), 0);
        return at + Tlv.HEADER_LENGTH + TimestampInformationTlv.VALUE_LENGTH;
    }

    /**
     * Class of Service (type 4): DSCP1, the DSCP asked for the reply, and EC1, the ECN asked for
     * the reply (draft-ietf-ippm-stamp-cos-ecn; 0, Not-ECT, is also what a plain RFC 8972 reflector
     * gives the reply). DSCP2, ECN2, RPD and RPE are the reflector's.
     */
    public static int classOfService(MemorySegment p, int at, int dscp1, int ecn1) {
        if (dscp1 < 0 || dscp1 > 63) {
            throw new IllegalArgumentException("DSCP1 " + dscp1 + " is outside 0..63");
        }
        if (ecn1 < 0 || ecn1 > 3) {
            throw new IllegalArgumentException("ECN " + ecn1 + " is outside 0..3");
        }
        header(p, at, Tlv.TYPE_CLASS_OF_SERVICE, ClassOfServiceTlv.VALUE_LENGTH, "Class of Service");
        p.set(StampLayout.U16, at + ClassOfServiceTlv.CODEPOINTS, (short) ClassOfServiceTlv.word(dscp1, 0, 0, 0));
        p.set(StampLayout.U16, at + ClassOfServiceTlv.SECOND_WORD, (short) ClassOfServiceTlv.secondWord(ecn1, ClassOfServiceTlv.RPE_NOT_SUPPORTED));
        return at + Tlv.HEADER_LENGTH + ClassOfServiceTlv.VALUE_LENGTH;
    }

    /** Direct Measurement (type 5): the sender's transmit counter S_TxC; R_RxC and R_TxC zero. */
    public static int directMeasurement(MemorySegment p, int at, int senderTxCounter) {
        header(p, at, Tlv.TYPE_DIRECT_MEASUREMENT, DirectMeasurementTlv.VALUE_LENGTH, "Direct Measurement");
        p.set(StampLayout.U32, at + DirectMeasurementTlv.SENDER_TX, senderTxCounter);
        p.set(StampLayout.U32, at + DirectMeasurementTlv.REFLECTOR_RX, 0);
        p.set(StampLayout.U32, at + DirectMeasurementTlv.REFLECTOR_TX, 0);
        return at + Tlv.HEADER_LENGTH + DirectMeasurementTlv.VALUE_LENGTH;
    }

    /** Access Report (type 6): access ID (1 3GPP, 2 non-3GPP) and return code (1 available, 2 unavailable). */
    public static int accessReport(MemorySegment p, int at, int accessId, int returnCode) {
        if (accessId < 0 || accessId > 15) {
            throw new IllegalArgumentException("access ID " + accessId + " is outside 0..15");
        }
        if (returnCode < 0 || returnCode > 255) {
            throw new IllegalArgumentException("return code " + returnCode + " is outside 0..255");
        }
        header(p, at, Tlv.TYPE_ACCESS_REPORT, AccessReportTlv.VALUE_LENGTH, "Access Report");
        p.set(StampLayout.U32, Tlv.valueOffset(at), accessId << 28 | returnCode << 16);
        return at + Tlv.HEADER_LENGTH + AccessReportTlv.VALUE_LENGTH;
    }

    /** Follow-Up Telemetry (type 7): all zero, for a stateful reflector to fill. */
    public static int followUpTelemetry(MemorySegment p, int at) {
        header(p, at, Tlv.TYPE_FOLLOW_UP_TELEMETRY, FollowUpTelemetryTlv.VALUE_LENGTH, "Follow-Up Telemetry");
        zero(p, Tlv.valueOffset(at), FollowUpTelemetryTlv.VALUE_LENGTH);
        return at + Tlv.HEADER_LENGTH + FollowUpTelemetryTlv.VALUE_LENGTH;
    }

    /** Destination Node Address (type 9): the 16-octet IPv6 address at {@code address[offset]}. */
    public static int destinationNodeAddress(MemorySegment p, int at, MemorySegment address, long offset) {
        header(p, at, Tlv.TYPE_DESTINATION_NODE_ADDRESS, DestinationNodeAddressTlv.IPV6_LENGTH,
                "Destination Node Address");
        MemorySegment.copy(address, offset, p, at + DestinationNodeAddressTlv.ADDRESS, Ipv6Octets.LENGTH);
        return at + Tlv.HEADER_LENGTH + DestinationNodeAddressTlv.IPV6_LENGTH;
    }

    /**
     * Return Path (type 10) with, in this order, whichever of these is given: a Control Code
     * sub-TLV ({@code controlCode} ≥ 0), a Return Address sub-TLV ({@code returnAddress} non-null:
     * 16 octets at {@code returnAddressOffset}), an SRv6 Segment List sub-TLV
     * ({@code segmentCount} > 0 segments at {@code segments[segmentsOffset]}, first segment first).
     * A reflector acts on one path only, so give a Return Address or a Segment List, not both.
     */
    public static int returnPath(MemorySegment p, int at, int controlCode, MemorySegment returnAddress,
                                 long returnAddressOffset, MemorySegment segments, long segmentsOffset,
                                 int segmentCount) {
        if (returnAddress != null && segmentCount > 0) {
            throw new IllegalArgumentException("a Return Path carries a Return Address or a Segment List, not both");
        }
        if (segmentCount < 0 || segmentCount > Srh.MAX_SEGMENTS) {
            throw new IllegalArgumentException("return segment count " + segmentCount + " is outside 0.."
                    + Srh.MAX_SEGMENTS);
        }
        int valueLength = (controlCode >= 0 ? Tlv.HEADER_LENGTH + ReturnPathTlv.CONTROL_CODE_LENGTH : 0)
                + (returnAddress != null ? SUB_IPV6 : 0)
                + (segmentCount > 0 ? Tlv.HEADER_LENGTH + segmentCount * ReturnPathTlv.SEGMENT_LENGTH : 0);
        if (valueLength == 0) {
            throw new IllegalArgumentException("a Return Path TLV needs a control code, a return address or segments");
        }
        header(p, at, Tlv.TYPE_RETURN_PATH, valueLength, "Return Path");
        int sub = Tlv.valueOffset(at);
        if (controlCode >= 0) {
            Tlv.writeHeader(p, sub, Tlv.FLAG_U, ReturnPathTlv.SUB_CONTROL_CODE, ReturnPathTlv.CONTROL_CODE_LENGTH);
            p.set(StampLayout.U32, Tlv.valueOffset(sub), controlCode);
            sub += Tlv.HEADER_LENGTH + ReturnPathTlv.CONTROL_CODE_LENGTH;
        }
        if (returnAddress != null) {
            Tlv.writeHeader(p, sub, Tlv.FLAG_U, ReturnPathTlv.SUB_RETURN_ADDRESS, Ipv6Octets.LENGTH);
            MemorySegment.copy(returnAddress, returnAddressOffset, p, Tlv.valueOffset(sub), Ipv6Octets.LENGTH);
            sub += SUB_IPV6;
        }
        if (segmentCount > 0) {
            int octets = segmentCount * ReturnPathTlv.SEGMENT_LENGTH;
            Tlv.writeHeader(p, sub, Tlv.FLAG_U, ReturnPathTlv.SUB_SRV6_SEGMENT_LIST, octets);
            MemorySegment.copy(segments, segmentsOffset, p, Tlv.valueOffset(sub), octets);
            sub += Tlv.HEADER_LENGTH + octets;
        }
        return sub;
    }

    /**
     * HMAC (type 8), which must be the last TLV: the HMAC over the base packet's Sequence Number
     * (octets 0-3) and the TLVs in {@code [baseLength, at)} (RFC 8972 §4.8). Write it after every
     * other TLV and after the sequence number.
     */
    public static int hmac(MemorySegment p, int at, int baseLength, StampHmac key) {
        header(p, at, Tlv.TYPE_HMAC, StampHmac.LENGTH, "HMAC");
        key.signTlv(p, 0, baseLength, at);
        return at + Tlv.HEADER_LENGTH + StampHmac.LENGTH;
    }

    // ---- helpers -----------------------------------------------------------------------

    private static void header(MemorySegment p, int at, int type, int valueLength, String what) {
        long end = (long) at + Tlv.HEADER_LENGTH + valueLength;
        if (at < 0 || end > p.byteSize()) {
            throw new IllegalArgumentException("no room for the " + what + " TLV: it needs "
                    + (Tlv.HEADER_LENGTH + valueLength) + " octets at " + at + ", the segment has " + p.byteSize());
        }
        Tlv.writeHeader(p, at, Tlv.FLAG_U, type, valueLength);
    }

    private static void zero(MemorySegment p, long at, int n) {
        int i = 0;
        for (; i + 8 <= n; i += 8) {
            p.set(StampLayout.U64, at + i, 0L);
        }
        for (; i < n; i++) {
            p.set(ValueLayout.JAVA_BYTE, at + i, (byte) 0);
        }
    }
}
