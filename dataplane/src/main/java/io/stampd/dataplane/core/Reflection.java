package io.stampd.dataplane.core;

import io.stampd.dataplane.codec.ReflectContext;
import io.stampd.dataplane.codec.StampLayout;
import io.stampd.dataplane.codec.TimestampInformationTlv;
import io.stampd.dataplane.codec.Timestamps;
import io.stampd.dataplane.codec.TlvReflector;
import io.stampd.dataplane.session.ReflectorSessionConfig;
import io.stampd.sys.Libc;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.function.LongSupplier;

/**
 * The Session-Reflector's rules for one received test packet, for every plane: find its session
 * (unprovisioned packets are counted and dropped, RFC 8972 §3), verify it (authenticated mode),
 * take the reflector's sequence number (stateful), turn the request into the reply in place
 * (RFC 8762 §4.3: same length, sender fields copied, T2 and the received TTL; a short TWAMP-Light
 * request of a session that accepts them gets a reply of the base packet's 44 octets, RFC 8762
 * §4.6), do the TLV duties
 * of RFC 8972 / 9503 and decide where the reply goes. The plane then queues the reply as the
 * {@link ReplyDecision} says, calls {@link #queued} and, right before the send, {@link #stamp}.
 * One instance per I/O thread; allocation-free.
 */
public final class Reflection {
    /** The unauthenticated base packet: a short (TWAMP-Light) request's reply has this length. */
    private static final int BASE = StampLayout.UNAUTHENTICATED.baseLength;
    private final StampNode node;
    private final TlvReflector tlvReflector = new TlvReflector();
    private final ReflectContext ctx = new ReflectContext();
    private final ReplyDecision decision = new ReplyDecision();
    /** A Destination Node Address copied out of the packet, to become the reply's source. */
    private final MemorySegment nodeAddress = Arena.ofAuto().allocate(16, 8);
    /** The clocks of the rate limits: monotonic, and the wall clock of receive timestamps (a test's own). */
    private final LongSupplier monotonicNanos;
    private final LongSupplier realtimeNanos;
    /** The longest a packet is taken to have waited for the I/O thread (more: a wall-clock step). */
    private static final long MAX_QUEUED_NANOS = 1_000_000_000L;

    public Reflection(StampNode node) {
        this(node, System::nanoTime, Libc::realtimeNanos);
    }

    Reflection(StampNode node, LongSupplier monotonicNanos, LongSupplier realtimeNanos) {
        this.node = node;
        this.monotonicNanos = monotonicNanos;
        this.realtimeNanos = realtimeNanos;
        ctx.localAddresses = node.localAddresses;
        // Software timestamps of the host clock (no PTP hardware on a veth): free-running unless the
        // operator says otherwise in a later issue's configuration.
        ctx.t2SyncSource = TimestampInformationTlv.SYNC_FREE_RUNNING;
        ctx.t3SyncSource = TimestampInformationTlv.SYNC_FREE_RUNNING;
        ctx.t2Method = TimestampInformationTlv.METHOD_SW_LOCAL;
        ctx.t3Method = TimestampInformationTlv.METHOD_SW_LOCAL;
    }

    /**
     * Handles datagram {@code i} of {@code rx}, received on reflector port {@code port}. The
     * returned decision is this object's and valid until the next call.
     */
    public ReplyDecision reflect(Datagrams rx, int i, int port, ReplyChannel channel) {
        ReplyDecision d = decision;
        d.clear();
        int len = rx.length(i);
        boolean truncated = rx.truncated(i);
        boolean shortPacket = !truncated && len < BASE && len >= ReflectorSessionConfig.SHORTEST_TEST_PACKET;
        if (truncated || (len < BASE && !shortPacket)) {
            node.counters.malformed.increment();
            return d;
        }
        MemorySegment p = rx.payload(i);
        if (shortPacket) {
            // A TWAMP-Light test packet (RFC 8762 §4.6): read as if zero-filled to the base packet,
            // so an SSID it is too short to carry is 0 (the slot is far longer than 44 octets).
            for (int k = len; k < BASE; k++) {
                p.set(ValueLayout.JAVA_BYTE, k, (byte) 0);
            }
        }
        MemorySegment src = rx.sourceAddress(i);
        MemorySegment dst = rx.destinationAddress(i);
        int srcPort = rx.sourcePort(i);
        // A short packet can only be an unauthenticated session's: 44 octets do not reach the
        // authenticated base packet (112).
        SessionReflector s = node.reflectors.find(port, p, shortPacket ? BASE : len, src, srcPort, dst);
        if (s == null || (shortPacket && !s.config.acceptShortTestPackets())) {
            // A short packet its session does not accept is dropped as before: malformed.
            (shortPacket ? node.counters.malformed : node.counters.unmatched).increment();
            return d;
        }
        s.received.increment();
        if (overLimit(s, src, rx.receiveNanos(i))) {
            return d;
        }
        if (s.hmac != null && !s.hmac.verify(p)) {
            s.rejected.increment(); // RFC 8762 §4.4: an unverifiable packet is discarded before any use
            return d;
        }
        long t2 = rx.receiveNanos(i);
        if (t2 == 0) {
            node.counters.userSpaceRxTimestamps.increment();
            t2 = Libc.realtimeNanos();
        }
        int ttl = rx.hopLimit(i) >= 0 ? rx.hopLimit(i) : 0;
        long senderSeq = Integer.toUnsignedLong(s.layout.seq(p));
        int packetSsid = s.layout.ssid(p);
        long reflectorSeq = s.config.stateful() ? s.takeNumber(src, srcPort, packetSsid) & 0xFFFF_FFFFL : senderSeq;
        s.layout.reflectInPlace(p, (int) reflectorSeq, Timestamps.encode(t2, s.config.timestampFormat()),
                s.errorEstimate, ttl);
        d.session = s;
        d.reply = true;
        d.replyLength = shortPacket ? BASE : len;
        d.reflectorSeq = reflectorSeq;
        d.senderSeq = senderSeq;
        d.source = dst;
        int tc = rx.trafficClass(i);
        int configuredDscp = s.config.classOfService().replyDscp();
        d.trafficClass = configuredDscp >= 0 ? configuredDscp << 2 : tc >= 0 ? tc & 0xFC : -1;
        if (len > s.layout.baseLength) {
            if (s.replyQueued) {
                // Follow-Up Telemetry reports the previous reply's T3: it must have been sent.
                channel.flush();
            }
            if (s.transmitPending) {
                channel.drainTransmitTimes(); // its transmit time, if the loop has not read it yet
            }
            tlvs(s, rx, i, port, len);
            if (ctx.noReply) {
                // The sender asked for no reply (Return Path control code 0): nothing is reflected,
                // so a stateful reflector does not spend a sequence number on it.
                if (s.config.stateful()) {
                    s.untakeNumber(src, srcPort, packetSsid, reflectorSeq);
                }
                d.reply = false;
                return d;
            }
            if (ctx.returnSegmentsCount > 0) {
                d.segmentsOffset = ctx.returnSegmentsOffset;
                d.segmentsCount = ctx.returnSegmentsCount;
            } else if (ctx.returnAddressOffset >= 0) {
                d.destinationOffset = ctx.returnAddressOffset;
            }
            if (ctx.replySourceOffset >= 0) {
                MemorySegment.copy(p, ctx.replySourceOffset, nodeAddress, 0, 16);
                d.source = nodeAddress;
            }
            if (ctx.replyOnSameLink) {
                d.ifindex = rx.ifIndex(i);
                // Linux holds a reply to the interface in IPV6_PKTINFO only when the source is
                // left to it (a strict lookup); with a source it merely prefers the interface and
                // follows a better route elsewhere. So the source is left out when the kernel
                // cannot choose another: it is the interface's one global address.
                if (node.localAddresses.isSoleGlobalAddressOf(d.source, d.ifindex)) {
                    d.source = null;
                }
            }
            if (ctx.replyDscp >= 0) {
                d.trafficClass = ctx.replyDscp << 2;
            }
            if (ctx.replyEcn >= 0) {
                // Class of Service EC1 (or Not-ECT where policy refused it) in the ECN bits.
                d.trafficClass = Math.max(0, d.trafficClass) & 0xFC | ctx.replyEcn;
            }
            d.stampTransmit = ctx.followUpRequested && channel.transmitTimestamps();
        }
        if (d.source != null && isZero(d.source)) {
            d.source = null;
        }
        return d;
    }

    /**
     * True, counted, if the packet is over its source's or its session's rate limit: dropped, never
     * answered. Before the HMAC check, so that a flood of forged packets costs at most the limit's
     * worth of HMAC computations; a source over its own limit spends none of its session's credit.
     * The buckets are read at the packet's arrival ({@code receivedAt}, the kernel's receive time
     * on the wall clock, 0 if none), taken to the monotonic clock: when the I/O thread was kept
     * from running and finds a queue of packets, those that came at the limit's rate are still
     * answered. A wall-clock step between arrival and now moves the arrival by at most
     * {@link #MAX_QUEUED_NANOS}, and a bucket adds nothing for a time earlier than its last.
     */
    private boolean overLimit(SessionReflector s, MemorySegment src, long receivedAt) {
        SourceRateLimiter sources = node.sourceLimiter;
        TokenBucket bucket = s.bucket;
        if (bucket == null && !sources.limited()) {
            return false;
        }
        long now = monotonicNanos.getAsLong();
        if (receivedAt != 0) {
            now -= Math.clamp(realtimeNanos.getAsLong() - receivedAt, 0, MAX_QUEUED_NANOS);
        }
        if (sources.limited() && !sources.tryTake(src, now)) {
            node.counters.sourceRateLimited.increment();
            return true;
        }
        if (bucket != null && !bucket.tryTake(now)) {
            s.rateLimited.increment();
            return true;
        }
        return false;
    }

    private void tlvs(SessionReflector s, Datagrams rx, int i, int port, int length) {
        ctx.sourceAddress = rx.sourceAddress(i);
        ctx.destinationAddress = rx.destinationAddress(i);
        ctx.sourcePort = rx.sourcePort(i);
        ctx.destinationPort = port;
        ctx.receivedTrafficClass = Math.max(0, rx.trafficClass(i));
        ctx.reflectorRxCounter = (int) s.received.get();
        ctx.reflectorTxCounter = (int) (s.reflected.get() + 1);
        ctx.stateful = s.config.stateful();
        ctx.previousReplyValid = s.previousReplyValid;
        ctx.previousReplySeq = (int) s.previousReplySeq;
        ctx.previousReplyTimestamp = s.previousReplyTimestampWire();
        ctx.previousReplyTimestampMethod = TimestampInformationTlv.METHOD_SW_LOCAL;
        ctx.hmac = s.hmac;
        ctx.dscp1Allowed = s.config.classOfService().dscp1Allowed();
        ctx.ecn1Allowed = s.config.classOfService().ecn1Allowed();
        tlvReflector.process(rx.payload(i), s.layout.baseLength, length, ctx);
    }

    /** The plane queued the reply of {@code d}: it counts as reflected. */
    public void queued(ReplyDecision d) {
        SessionReflector s = d.session;
        s.replyQueued = true;
        s.transmitPending = d.stampTransmit;
        s.reflected.increment();
        s.lastSenderSeq = d.senderSeq;
        s.lastReflectorSeq = d.reflectorSeq;
        s.previousReplyValid = true;
        s.previousReplySeq = d.reflectorSeq;
    }

    /**
     * Writes T3 ({@code t3}, Unix ns, read right before the send) into a queued reply of
     * {@code s} and signs it; the reply is now on its way.
     */
    public static void stamp(SessionReflector s, MemorySegment reply, long t3) {
        long t3Wire = Timestamps.encode(t3, s.config.timestampFormat());
        s.layout.timestamp(reply, t3Wire);
        if (s.hmac != null) {
            s.hmac.sign(reply);
        }
        s.previousReplyT3Wire = t3Wire;
        s.replyQueued = false;
    }

    private static boolean isZero(MemorySegment a) {
        return a.get(Libc.LONG_U, 0) == 0 && a.get(Libc.LONG_U, 8) == 0;
    }
}
