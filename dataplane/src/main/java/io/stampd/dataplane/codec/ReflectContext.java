package io.stampd.dataplane.codec;

import java.lang.foreign.MemorySegment;

/**
 * What the data plane knows about one received test packet (inputs) and what
 * {@link TlvReflector} decided about the reply (outputs). One reusable instance per receive
 * thread: the data plane sets the inputs for each packet; {@link TlvReflector#process} clears and
 * sets the outputs. Offsets in the outputs point into the reply segment given to {@code process}
 * and stay valid until that segment is reused.
 */
public final class ReflectContext {
    // ---- inputs: the received packet ---------------------------------------------------

    /** IPv6 source address of the test packet (16 octets at offset 0). */
    public MemorySegment sourceAddress;
    /** IPv6 destination address the test packet arrived with (16 octets at offset 0). */
    public MemorySegment destinationAddress;
    public int sourcePort;
    public int destinationPort;
    /** The received Traffic Class octet: DSCP in the upper six bits, ECN in the lower two. */
    public int receivedTrafficClass;

    // ---- inputs: session state and node policy -----------------------------------------

    /** R_RxC for Direct Measurement (RFC 8972 §4.5): the session's receive counter, this packet included. */
    public int reflectorRxCounter;
    /** R_TxC for Direct Measurement: the session's transmit counter as this reply will carry it. */
    public int reflectorTxCounter;
    /** Timestamp Information for T2 (TimestampInformationTlv.SYNC_* and METHOD_*). */
    public int t2SyncSource;
    public int t2Method;
    /** Timestamp Information for T3. */
    public int t3SyncSource;
    public int t3Method;
    /** Stateful reflector (own sequence numbers per session, RFC 8762 §4.2.1). */
    public boolean stateful;
    /** Follow-Up Telemetry: true once this session has sent a reply whose transmit time is known. */
    public boolean previousReplyValid;
    public int previousReplySeq;
    /** Precise transmit time of the previous reply, in this reflector's timestamp wire format. */
    public long previousReplyTimestamp;
    /** Timestamping method of {@link #previousReplyTimestamp} (TimestampInformationTlv.METHOD_*). */
    public int previousReplyTimestampMethod;
    /** Out: the packet asked a stateful reflector for Follow-Up Telemetry (the next reply will report this one's transmit time). */
    public boolean followUpRequested;
    /** Owner check for Destination Node Address; null treats every address as foreign. */
    public LocalAddressCheck localAddresses;
    /** Class of Service policy: may the reply carry the DSCP the sender asked for (DSCP1)? */
    public boolean dscp1Allowed;
    /** Class of Service policy: may the reply carry the ECN the sender asked for (EC1)? */
    public boolean ecn1Allowed;
    /** The session's HMAC key, or null when the session has none. */
    public StampHmac hmac;

    // ---- outputs -----------------------------------------------------------------------

    /** Return Path Control Code 0: the sender asked for no reply. */
    public boolean noReply;
    /** Return Path Control Code 1: reply on the link the test packet arrived on. */
    public boolean replyOnSameLink;
    /** Offset of a 16-octet IPv6 Return Address to send the reply to, or -1. */
    public int returnAddressOffset;
    /** Offset of the first of {@link #returnSegmentsCount} 16-octet SRv6 segments (first hop first), or -1. */
    public int returnSegmentsOffset;
    public int returnSegmentsCount;
    /** Offset of a local 16-octet address (Destination Node Address) to use as the reply's source, or -1. */
    public int replySourceOffset;
    /** DSCP for the reply (Class of Service DSCP1 allowed by policy), or -1 for the default. */
    public int replyDscp;
    /** ECN for the reply (Class of Service EC1 if allowed, else Not-ECT), or -1 without that TLV. */
    public int replyEcn;
    /** A TLV was malformed: processing stopped at {@link #malformedOffset}, the rest was copied. */
    public boolean malformed;
    public int malformedOffset;
    /** The HMAC TLV was missing, misplaced or wrong: every TLV carries I and none was acted on. */
    public boolean integrityFailed;

    public ReflectContext() {
        clearDecisions();
    }

    /** Resets the outputs; called by {@link TlvReflector#process} before it looks at a packet. */
    public void clearDecisions() {
        noReply = false;
        replyOnSameLink = false;
        returnAddressOffset = -1;
        returnSegmentsOffset = -1;
        returnSegmentsCount = 0;
        replySourceOffset = -1;
        replyDscp = -1;
        replyEcn = -1;
        malformed = false;
        malformedOffset = -1;
        integrityFailed = false;
        followUpRequested = false;
    }
}
