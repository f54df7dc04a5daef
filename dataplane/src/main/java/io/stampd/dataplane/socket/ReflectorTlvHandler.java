package io.stampd.dataplane.socket;

import io.stampd.sys.Libc;
import io.stampd.dataplane.codec.ReflectContext;
import io.stampd.dataplane.codec.Srh;
import io.stampd.dataplane.codec.TimestampInformationTlv;
import io.stampd.dataplane.codec.TlvReflector;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * Runs the RFC 8972 / 9503 TLV duties of the socket reflector and turns the codec's decisions into
 * socket terms: a per-packet return path becomes a rewritten scratch routing header, a Return
 * Address rewrites the reply's destination, a local Destination Node Address becomes the reply's
 * source. One instance per reflector endpoint, used on the I/O thread only.
 */
final class ReflectorTlvHandler {
    /** What to do with the reply, beyond the session's defaults (null / -1 = keep the default). */
    static final class Decision {
        boolean noReply;
        RoutingHeader route;
        MemorySegment replySource;
        int tclass;
        /** Return Path Control Code 1: leave through the interface the request came in on. */
        boolean sameLink;
        /** The next request will ask for this reply's transmit time (Follow-Up Telemetry). */
        boolean stampTransmit;
    }

    private final TlvReflector reflector = new TlvReflector();
    private final ReflectContext ctx = new ReflectContext();
    private final Decision decision = new Decision();
    private final MutableRoutingHeader scratchRoute = new MutableRoutingHeader();
    private final MemorySegment replySource = Arena.ofAuto().allocate(16, 8);
    private final UdpSocket socket;

    ReflectorTlvHandler(SocketDataPlane owner, UdpSocket socket) {
        this.socket = socket;
        ctx.localAddresses = owner.localAddresses();
        ctx.dscp1Allowed = true;
        // Software timestamps of the host clock (no PTP hardware on a veth): free-running unless the
        // operator says otherwise in a later issue's configuration.
        ctx.t2SyncSource = TimestampInformationTlv.SYNC_FREE_RUNNING;
        ctx.t3SyncSource = TimestampInformationTlv.SYNC_FREE_RUNNING;
        ctx.t2Method = TimestampInformationTlv.METHOD_SW_LOCAL;
        ctx.t3Method = TimestampInformationTlv.METHOD_SW_LOCAL;
    }

    Decision process(SocketReflectorSession s, MessageBatch rx, int i, int length) {
        MemorySegment p = rx.payload(i);
        ctx.sourceAddress = rx.sourceAddress(i);
        ctx.destinationAddress = rx.destinationAddress(i);
        ctx.sourcePort = rx.sourcePort(i);
        ctx.destinationPort = s.config.reflectorPort();
        ctx.receivedTrafficClass = Math.max(0, rx.trafficClass[i]);
        ctx.reflectorRxCounter = (int) s.received;
        ctx.reflectorTxCounter = (int) (s.reflected + 1);
        ctx.stateful = s.config.stateful();
        ctx.previousReplyValid = s.previousReplyValid;
        ctx.previousReplySeq = (int) s.previousReplySeq;
        ctx.previousReplyTimestamp = s.previousReplyTimestampWire();
        ctx.previousReplyTimestampMethod = TimestampInformationTlv.METHOD_SW_LOCAL;
        ctx.hmac = s.hmac;
        reflector.process(p, s.layout.baseLength, length, ctx);

        Decision d = decision;
        d.noReply = ctx.noReply;
        d.sameLink = ctx.replyOnSameLink;
        d.stampTransmit = ctx.followUpRequested;
        d.route = null;
        d.replySource = null;
        d.tclass = ctx.replyDscp >= 0 ? ctx.replyDscp << 2 : -1;
        if (ctx.noReply) {
            return d;
        }
        MemorySegment name = rx.name(i);
        if (ctx.returnSegmentsCount > 0) {
            scratchRoute.rewrite(p, ctx.returnSegmentsOffset, ctx.returnSegmentsCount);
            socket.invalidateRoute();
            d.route = scratchRoute.header;
            // The kernel puts the socket destination into Segment List[0]: it must be the last segment.
            MemorySegment.copy(p, ctx.returnSegmentsOffset + 16L * (ctx.returnSegmentsCount - 1), name,
                    Libc.SIN6_ADDR, 16);
        } else if (ctx.returnAddressOffset >= 0) {
            MemorySegment.copy(p, ctx.returnAddressOffset, name, Libc.SIN6_ADDR, 16);
        }
        if (ctx.replySourceOffset >= 0) {
            MemorySegment.copy(p, ctx.replySourceOffset, replySource, 0, 16);
            d.replySource = replySource;
        }
        return d;
    }

    /** The scratch routing header behind per-packet Return Path segment lists. */
    private static final class MutableRoutingHeader {
        final RoutingHeader header = RoutingHeader.scratch();

        void rewrite(MemorySegment p, int offset, int count) {
            header.length = Srh.write(header.bytes, 0, 0, p, offset, count);
        }
    }
}
