package io.stampd.dataplane.codec;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Session-Reflector processing of the RFC 8972 / RFC 9503 TLVs of a test packet, in place on the
 * reply (the base packet already turned around by {@link StampLayout#reflectInPlace}). The reply
 * has exactly the request's length; nothing is written at or past {@code length}.
 *
 * <p>Order of work:
 * <ol>
 * <li>Framing scan: where the TLVs are, whether one is malformed, where the HMAC TLV is.</li>
 * <li>Integrity (session with a key): the HMAC TLV must be the last TLV and verify over the
 * sender's Sequence Number (kept in the reply's Session-Sender Sequence Number field) and the
 * TLVs before it, exactly as received. Otherwise every TLV gets the I flag and none is acted on.</li>
 * <li>Each TLV in order: understood → flags cleared and the duty done; not understood → U;
 * malformed → M, processing stops and the rest is left as received.</li>
 * <li>Session with a key: the HMAC TLV is recomputed over the reply.</li>
 * </ol>
 * Decisions for the data plane go into the {@link ReflectContext}. Allocation-free; not
 * thread-safe (one instance per receive thread).
 */
public final class TlvReflector {
    private static final int DONE = 0;
    private static final int UNRECOGNIZED = 1;
    private static final int MALFORMED = 2;

    private final TlvCursor tlvs = new TlvCursor();
    private final TlvCursor subTlvs = new TlvCursor();
    /** The Destination Node Address copied out for {@link LocalAddressCheck} (no slice per packet). */
    private final MemorySegment address16 = MemorySegment.ofArray(new byte[Ipv6Octets.LENGTH]);

    /**
     * Processes the TLVs in {@code [baseLength, length)} of the reply {@code p}.
     *
     * @param baseLength 44 (unauthenticated) or 112 (authenticated)
     * @param length     the reply's length, equal to the received test packet's
     * @throws IllegalArgumentException only for caller errors (a base length that is no STAMP mode,
     *                                  or a length beyond the segment), never for packet content
     */
    public void process(MemorySegment p, int baseLength, int length, ReflectContext ctx) {
        ctx.clearDecisions();
        StampLayout layout = layoutFor(baseLength);
        if (length > p.byteSize()) {
            throw new IllegalArgumentException("reply length " + length + " exceeds the " + p.byteSize()
                    + "-octet segment");
        }
        if (length <= baseLength) {
            return;
        }
        int hmacTlv = usableHmacTlv(p, baseLength, length);
        if (ctx.hmac != null) {
            if (hmacTlv < 0 || !ctx.hmac.verifyTlv(p, layout.senderSeq, baseLength, hmacTlv)) {
                markIntegrityFailure(p, baseLength, length, ctx);
                if (hmacTlv >= 0) {
                    ctx.hmac.signTlv(p, layout.seq, baseLength, hmacTlv);
                }
                return;
            }
        }
        processInOrder(p, baseLength, length, hmacTlv, ctx);
        if (ctx.hmac != null) {
            ctx.hmac.signTlv(p, layout.seq, baseLength, hmacTlv);
        }
    }

    private static StampLayout layoutFor(int baseLength) {
        if (baseLength == StampLayout.UNAUTHENTICATED.baseLength) {
            return StampLayout.UNAUTHENTICATED;
        }
        if (baseLength == StampLayout.AUTHENTICATED.baseLength) {
            return StampLayout.AUTHENTICATED;
        }
        throw new IllegalArgumentException("base length " + baseLength + " is neither "
                + StampLayout.UNAUTHENTICATED.baseLength + " nor " + StampLayout.AUTHENTICATED.baseLength);
    }

    /**
     * The offset of the HMAC TLV if the TLV area is well-framed, its first HMAC TLV is the last TLV
     * and has a 16-octet value (RFC 8972 §4.8: "the last TLV"); -1 otherwise.
     */
    private int usableHmacTlv(MemorySegment p, int start, int end) {
        int first = -1;
        tlvs.reset(p, start, end);
        while (tlvs.next()) {
            if (first < 0 && tlvs.type() == Tlv.TYPE_HMAC) {
                first = tlvs.offset();
            }
        }
        if (first < 0 || tlvs.malformed() || Tlv.end(p, first) != end
                || Tlv.valueLength(p, first) != StampHmac.LENGTH) {
            return -1;
        }
        return first;
    }

    /** Sets I on every well-framed TLV (M as well on a bad HMAC TLV) and M on a framing error. */
    private void markIntegrityFailure(MemorySegment p, int start, int end, ReflectContext ctx) {
        ctx.integrityFailed = true;
        tlvs.reset(p, start, end);
        while (tlvs.next()) {
            int at = tlvs.offset();
            int flags = (tlvs.flags() & Tlv.FLAG_U) | Tlv.FLAG_I;
            if (tlvs.type() == Tlv.TYPE_HMAC
                    && (!tlvs.isLast() || tlvs.valueLength() != StampHmac.LENGTH)) {
                flags |= Tlv.FLAG_M;
                noteMalformed(ctx, at);
            }
            Tlv.flags(p, at, flags);
        }
        if (tlvs.malformed()) {
            Tlv.flags(p, tlvs.offset(), Tlv.FLAG_M | Tlv.FLAG_I);
            noteMalformed(ctx, tlvs.offset());
        }
    }

    private static void noteMalformed(ReflectContext ctx, int at) {
        if (!ctx.malformed) {
            ctx.malformed = true;
            ctx.malformedOffset = at;
        }
    }

    private void processInOrder(MemorySegment p, int start, int end, int hmacTlv, ReflectContext ctx) {
        boolean returnPathSeen = false;
        tlvs.reset(p, start, end);
        while (tlvs.next()) {
            int at = tlvs.offset();
            int length = tlvs.valueLength();
            int outcome = switch (tlvs.type()) {
                case Tlv.TYPE_EXTRA_PADDING -> DONE;
                case Tlv.TYPE_LOCATION -> location(p, at, length, ctx);
                case Tlv.TYPE_TIMESTAMP_INFORMATION -> timestampInformation(p, at, length, ctx);
                case Tlv.TYPE_CLASS_OF_SERVICE -> classOfService(p, at, length, ctx);
                case Tlv.TYPE_DIRECT_MEASUREMENT -> directMeasurement(p, at, length, ctx);
                case Tlv.TYPE_ACCESS_REPORT -> length == AccessReportTlv.VALUE_LENGTH ? DONE : MALFORMED;
                case Tlv.TYPE_FOLLOW_UP_TELEMETRY -> followUpTelemetry(p, at, length, ctx);
                case Tlv.TYPE_HMAC -> at != hmacTlv ? MALFORMED : ctx.hmac != null ? DONE : UNRECOGNIZED;
                case Tlv.TYPE_DESTINATION_NODE_ADDRESS -> destinationNodeAddress(p, at, length, ctx);
                case Tlv.TYPE_RETURN_PATH -> {
                    // RFC 9503 §4: one Return Path per test packet; a repeated one is not acted on.
                    int r = returnPathSeen ? UNRECOGNIZED : returnPath(p, at, ctx);
                    returnPathSeen = true;
                    yield r;
                }
                default -> UNRECOGNIZED;
            };
            if (outcome == MALFORMED) {
                Tlv.flags(p, at, Tlv.FLAG_M);
                noteMalformed(ctx, at);
                return;
            }
            Tlv.flags(p, at, outcome == UNRECOGNIZED ? Tlv.FLAG_U : 0);
        }
        if (tlvs.malformed()) {
            Tlv.flags(p, tlvs.offset(), Tlv.FLAG_M);
            noteMalformed(ctx, tlvs.offset());
        }
    }

    // ---- per type ------------------------------------------------------------------------

    private int location(MemorySegment p, int at, int length, ReflectContext ctx) {
        if (length < LocationTlv.PORTS_LENGTH) {
            return MALFORMED;
        }
        p.set(StampLayout.U16, at + LocationTlv.DESTINATION_PORT, (short) ctx.destinationPort);
        p.set(StampLayout.U16, at + LocationTlv.SOURCE_PORT, (short) ctx.sourcePort);
        subTlvs.reset(p, Tlv.valueOffset(at) + LocationTlv.PORTS_LENGTH, Tlv.valueOffset(at) + length);
        while (subTlvs.next()) {
            int sub = subTlvs.offset();
            int outcome = locationSubTlv(p, sub, subTlvs.type(), subTlvs.valueLength(), ctx);
            if (flagSubTlv(p, sub, outcome)) {
                return MALFORMED;
            }
        }
        if (subTlvsEndMalformed(p)) {
            return MALFORMED;
        }
        return DONE;
    }

    /**
     * One Location sub-TLV, filled with the addresses of the packet's own IP version: an IPv4
     * packet (its addresses IPv4-mapped, from a dual-stack socket) fills the IPv4 forms and
     * answers U to the IPv6 ones, an IPv6 packet the other way round.
     */
    private static int locationSubTlv(MemorySegment p, int sub, int type, int length, ReflectContext ctx) {
        boolean ipv4 = ctx.sourceAddress != null && ctx.sourceAddress.byteSize() >= Ipv6Octets.LENGTH
                && Ipv6Octets.isIpv4Mapped(ctx.sourceAddress, 0);
        return switch (type) {
            case LocationTlv.SUB_DESTINATION_IPV6 -> length != LocationTlv.IPV6_LENGTH ? MALFORMED
                    : ipv4 ? UNRECOGNIZED : copyAddress(ctx.destinationAddress, p, sub);
            case LocationTlv.SUB_SOURCE_IPV6 -> length != LocationTlv.IPV6_LENGTH ? MALFORMED
                    : ipv4 ? UNRECOGNIZED : copyAddress(ctx.sourceAddress, p, sub);
            // "IP Address" of either family: filled when its length is the packet's family's.
            case LocationTlv.SUB_DESTINATION_IP -> length == LocationTlv.IPV6_LENGTH
                    ? (ipv4 ? UNRECOGNIZED : copyAddress(ctx.destinationAddress, p, sub))
                    : length == LocationTlv.IPV4_LENGTH ? (ipv4 ? copyIpv4(ctx.destinationAddress, p, sub)
                    : UNRECOGNIZED) : MALFORMED;
            case LocationTlv.SUB_SOURCE_IP -> length == LocationTlv.IPV6_LENGTH
                    ? (ipv4 ? UNRECOGNIZED : copyAddress(ctx.sourceAddress, p, sub))
                    : length == LocationTlv.IPV4_LENGTH ? (ipv4 ? copyIpv4(ctx.sourceAddress, p, sub)
                    : UNRECOGNIZED) : MALFORMED;
            case LocationTlv.SUB_DESTINATION_IPV4 -> length != LocationTlv.IPV4_LENGTH ? MALFORMED
                    : ipv4 ? copyIpv4(ctx.destinationAddress, p, sub) : UNRECOGNIZED;
            case LocationTlv.SUB_SOURCE_IPV4 -> length != LocationTlv.IPV4_LENGTH ? MALFORMED
                    : ipv4 ? copyIpv4(ctx.sourceAddress, p, sub) : UNRECOGNIZED;
            // MAC/EUI sub-TLVs: a UDP reflector does not see the link layer; anything else is unknown.
            default -> UNRECOGNIZED;
        };
    }

    private static int copyAddress(MemorySegment address, MemorySegment p, int sub) {
        if (address == null || address.byteSize() < Ipv6Octets.LENGTH) {
            return UNRECOGNIZED;
        }
        MemorySegment.copy(address, 0, p, Tlv.valueOffset(sub), Ipv6Octets.LENGTH);
        return DONE;
    }

    /** The IPv4 address of an IPv4-mapped one: its last four octets. */
    private static int copyIpv4(MemorySegment mapped, MemorySegment p, int sub) {
        if (mapped == null || mapped.byteSize() < Ipv6Octets.LENGTH) {
            return UNRECOGNIZED;
        }
        MemorySegment.copy(mapped, Ipv6Octets.LENGTH - LocationTlv.IPV4_LENGTH, p, Tlv.valueOffset(sub),
                LocationTlv.IPV4_LENGTH);
        return DONE;
    }

    private static int timestampInformation(MemorySegment p, int at, int length, ReflectContext ctx) {
        if (length < TimestampInformationTlv.VALUE_LENGTH) {
            return MALFORMED;
        }
        p.set(ValueLayout.JAVA_BYTE, at + TimestampInformationTlv.SYNC_SOURCE_IN, (byte) ctx.t2SyncSource);
        p.set(ValueLayout.JAVA_BYTE, at + TimestampInformationTlv.METHOD_IN, (byte) ctx.t2Method);
        p.set(ValueLayout.JAVA_BYTE, at + TimestampInformationTlv.SYNC_SOURCE_OUT, (byte) ctx.t3SyncSource);
        p.set(ValueLayout.JAVA_BYTE, at + TimestampInformationTlv.METHOD_OUT, (byte) ctx.t3Method);
        return DONE;
    }

    private static int classOfService(MemorySegment p, int at, int length, ReflectContext ctx) {
        if (length != ClassOfServiceTlv.VALUE_LENGTH) {
            return MALFORMED;
        }
        int dscp1 = ClassOfServiceTlv.dscp1(p, at);
        int receivedDscp = (ctx.receivedTrafficClass >>> 2) & 0x3F;
        int receivedEcn = ctx.receivedTrafficClass & 0x3;
        int rp;
        if (ctx.dscp1Allowed) {
            rp = ClassOfServiceTlv.RP_DSCP1_USED;
            ctx.replyDscp = dscp1;
        } else {
            rp = ClassOfServiceTlv.RP_DSCP1_REFUSED;
        }
        p.set(StampLayout.U16, at + ClassOfServiceTlv.CODEPOINTS,
                (short) ClassOfServiceTlv.word(dscp1, receivedDscp, receivedEcn, rp));
        // EC1 and RPE (draft-ietf-ippm-stamp-cos-ecn-01 §3.2): the reply carries the ECN asked for
        // if policy allows, else Not-ECT; the reserved bits go back zeroed.
        int ecn1 = ClassOfServiceTlv.ecn1(p, at);
        int rpe;
        if (ctx.ecn1Allowed) {
            rpe = ClassOfServiceTlv.RPE_EC1_USED;
            ctx.replyEcn = ecn1;
        } else {
            rpe = ClassOfServiceTlv.RPE_EC1_REFUSED;
            ctx.replyEcn = ClassOfServiceTlv.NOT_ECT;
        }
        p.set(StampLayout.U16, at + ClassOfServiceTlv.SECOND_WORD, (short) ClassOfServiceTlv.secondWord(ecn1, rpe));
        return DONE;
    }

    private static int directMeasurement(MemorySegment p, int at, int length, ReflectContext ctx) {
        if (length != DirectMeasurementTlv.VALUE_LENGTH) {
            return MALFORMED;
        }
        p.set(StampLayout.U32, at + DirectMeasurementTlv.REFLECTOR_RX, ctx.reflectorRxCounter);
        p.set(StampLayout.U32, at + DirectMeasurementTlv.REFLECTOR_TX, ctx.reflectorTxCounter);
        return DONE;
    }

    private static int followUpTelemetry(MemorySegment p, int at, int length, ReflectContext ctx) {
        if (length != FollowUpTelemetryTlv.VALUE_LENGTH) {
            return MALFORMED;
        }
        boolean report = ctx.stateful && ctx.previousReplyValid;
        ctx.followUpRequested = ctx.stateful;
        p.set(StampLayout.U32, at + FollowUpTelemetryTlv.SEQUENCE_NUMBER, report ? ctx.previousReplySeq : 0);
        p.set(StampLayout.U64, at + FollowUpTelemetryTlv.TIMESTAMP, report ? ctx.previousReplyTimestamp : 0L);
        p.set(StampLayout.U32, at + FollowUpTelemetryTlv.TIMESTAMP_MODE,
                report ? (ctx.previousReplyTimestampMethod & 0xFF) << 24 : 0);
        // A stateless reflector keeps no previous reply to report (RFC 8972 §4.7).
        return ctx.stateful ? DONE : UNRECOGNIZED;
    }

    private int destinationNodeAddress(MemorySegment p, int at, int length, ReflectContext ctx) {
        if (length == DestinationNodeAddressTlv.IPV4_LENGTH) {
            return UNRECOGNIZED;
        }
        if (length != DestinationNodeAddressTlv.IPV6_LENGTH) {
            return MALFORMED;
        }
        int address = at + DestinationNodeAddressTlv.ADDRESS;
        MemorySegment.copy(p, address, address16, 0, Ipv6Octets.LENGTH);
        if (ctx.localAddresses == null || !ctx.localAddresses.isLocal(address16)) {
            return UNRECOGNIZED;
        }
        ctx.replySourceOffset = address;
        return DONE;
    }

    /**
     * Return Path (RFC 9503 §4). At most one Control Code and at most one path (Return Address,
     * SR-MPLS Label Stack or SRv6 Segment List); a repeat is malformed. Decisions reach the
     * context only if the whole TLV is well-formed. A path this node cannot follow (IPv4 address,
     * SR-MPLS, an unusable segment) is answered with U on the sub-TLV and on the TLV.
     */
    private int returnPath(MemorySegment p, int at, ReflectContext ctx) {
        int valueEnd = Tlv.end(p, at);
        if (valueEnd - Tlv.valueOffset(at) < Tlv.HEADER_LENGTH) {
            return MALFORMED;
        }
        boolean controlSeen = false;
        boolean pathSeen = false;
        boolean refused = false;
        boolean noReply = false;
        boolean sameLink = false;
        int returnAddress = -1;
        int segments = -1;
        int segmentCount = 0;
        subTlvs.reset(p, Tlv.valueOffset(at), valueEnd);
        while (subTlvs.next()) {
            int sub = subTlvs.offset();
            int length = subTlvs.valueLength();
            int value = subTlvs.valueOffset();
            int outcome;
            switch (subTlvs.type()) {
                case ReturnPathTlv.SUB_CONTROL_CODE -> {
                    if (controlSeen || length != ReturnPathTlv.CONTROL_CODE_LENGTH) {
                        outcome = MALFORMED;
                        break;
                    }
                    controlSeen = true;
                    int code = p.get(StampLayout.U32, value);
                    if (code == ReturnPathTlv.CONTROL_NO_REPLY) {
                        noReply = true;
                        outcome = DONE;
                    } else if (code == ReturnPathTlv.CONTROL_REPLY_SAME_LINK) {
                        sameLink = true;
                        outcome = DONE;
                    } else {
                        outcome = UNRECOGNIZED;
                    }
                }
                case ReturnPathTlv.SUB_RETURN_ADDRESS -> {
                    if (pathSeen || (length != Ipv6Octets.LENGTH && length != 4)) {
                        outcome = MALFORMED;
                        break;
                    }
                    pathSeen = true;
                    if (length == Ipv6Octets.LENGTH && Ipv6Octets.isUsableUnicast(p, value)) {
                        returnAddress = value;
                        outcome = DONE;
                    } else {
                        refused = true;
                        outcome = UNRECOGNIZED;
                    }
                }
                case ReturnPathTlv.SUB_SR_MPLS_LABEL_STACK -> {
                    if (pathSeen || length == 0 || length % ReturnPathTlv.LABEL_STACK_ENTRY_LENGTH != 0) {
                        outcome = MALFORMED;
                        break;
                    }
                    pathSeen = true;
                    refused = true; // this node has no MPLS data plane
                    outcome = UNRECOGNIZED;
                }
                case ReturnPathTlv.SUB_SRV6_SEGMENT_LIST -> {
                    if (pathSeen || length == 0 || length % ReturnPathTlv.SEGMENT_LENGTH != 0) {
                        outcome = MALFORMED;
                        break;
                    }
                    pathSeen = true;
                    int n = length / ReturnPathTlv.SEGMENT_LENGTH;
                    if (n <= Srh.MAX_SEGMENTS && allUsable(p, value, n)) {
                        segments = value;
                        segmentCount = n;
                        outcome = DONE;
                    } else {
                        refused = true;
                        outcome = UNRECOGNIZED;
                    }
                }
                default -> outcome = UNRECOGNIZED;
            }
            if (flagSubTlv(p, sub, outcome)) {
                return MALFORMED;
            }
        }
        if (subTlvsEndMalformed(p)) {
            return MALFORMED;
        }
        ctx.noReply = noReply;
        ctx.replyOnSameLink = sameLink;
        ctx.returnAddressOffset = returnAddress;
        ctx.returnSegmentsOffset = segments;
        ctx.returnSegmentsCount = segmentCount;
        return refused ? UNRECOGNIZED : DONE;
    }

    private static boolean allUsable(MemorySegment p, int first, int count) {
        for (int i = 0; i < count; i++) {
            if (!Ipv6Octets.isUsableUnicast(p, first + (long) i * Ipv6Octets.LENGTH)) {
                return false;
            }
        }
        return true;
    }

    /** Flags a processed sub-TLV (M, U or none); true if it was malformed, which ends processing. */
    private static boolean flagSubTlv(MemorySegment p, int sub, int outcome) {
        Tlv.flags(p, sub, outcome == MALFORMED ? Tlv.FLAG_M : outcome == UNRECOGNIZED ? Tlv.FLAG_U : 0);
        return outcome == MALFORMED;
    }

    /** Flags M on a fragment left after the last whole sub-TLV; true if there was one. */
    private boolean subTlvsEndMalformed(MemorySegment p) {
        if (subTlvs.malformed()) {
            Tlv.flags(p, subTlvs.offset(), Tlv.FLAG_M);
            return true;
        }
        return false;
    }
}
