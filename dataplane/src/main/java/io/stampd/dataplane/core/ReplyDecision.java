package io.stampd.dataplane.core;

import java.lang.foreign.MemorySegment;

/**
 * What the core decided about one test packet: its reply is built in place in the datagram's
 * payload (all but T3, which the plane has the core write right before the send), and this says
 * where and how it goes. One instance per {@link Reflection}, reused for every packet.
 */
public final class ReplyDecision {
    /** The session the packet belongs to; null when it belongs to none (dropped and counted). */
    public SessionReflector session;
    /** False: nothing is sent (no session, rejected, or the sender asked for no reply). */
    public boolean reply;
    /**
     * Octets of UDP payload the reply has: the request's length, or the base packet's for a short
     * (TWAMP-Light) request, which the reply extends with zeroes.
     */
    public int replyLength;
    /** The reflector Sequence Number the reply carries, and the sender's it copies. */
    public long reflectorSeq;
    public long senderSeq;
    /** A per-packet SRv6 return path in the payload (Return Path TLV): first segment's offset, or -1. */
    public int segmentsOffset;
    public int segmentsCount;
    /** A per-packet destination in the payload (Return Address), or -1: the reply goes to the source. */
    public int destinationOffset;
    /** The reply's source (16 octets at 0): the address the request was sent to, or a Destination Node Address; null: the kernel's choice. */
    public MemorySegment source;
    /** Leave through this interface (Return Path Control Code 1), or 0. */
    public int ifindex;
    /** Traffic Class of the reply, or -1 for the plane's default. */
    public int trafficClass;
    /** Report the reply's transmit time to the session (Follow-Up Telemetry). */
    public boolean stampTransmit;

    void clear() {
        session = null;
        reply = false;
        replyLength = 0;
        reflectorSeq = 0;
        senderSeq = 0;
        segmentsOffset = -1;
        segmentsCount = 0;
        destinationOffset = -1;
        source = null;
        ifindex = 0;
        trafficClass = -1;
        stampTransmit = false;
    }
}
