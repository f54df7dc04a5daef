package io.stampd.dataplane.socket;

import io.stampd.dataplane.codec.Timestamps;

import java.lang.foreign.MemorySegment;

/**
 * The socket of a reflector port (bound to all addresses; the destination address comes from
 * IPV6_PKTINFO) and the sessions provisioned on it. Reflection happens in place in the receive
 * buffer: the reply is exactly as long as the request, so the reflector never sends more than it
 * received. Replies go out in batches (sendmmsg); a batch is cut where the return path changes,
 * because the SRH is a sticky socket option.
 */
final class ReflectorEndpoint extends ReceivingEndpoint<SocketReflectorSession> {
    final int port;
    private final ReflectorTlvHandler tlvs;

    ReflectorEndpoint(SocketDataPlane owner, UdpSocket socket, int port) {
        super(owner, socket, SocketReflectorSession[]::new);
        this.port = port;
        this.tlvs = new ReflectorTlvHandler(owner, socket);
    }

    @Override
    void add(SocketReflectorSession s) {
        super.add(s);
        s.endpoint = this;
    }

    @Override
    void afterBatch(MessageBatch rx) {
        if (rx.pendingSends() > 0) {
            rx.flush(socket.fd, owner);
        }
    }

    @Override
    void handle(MessageBatch rx, int i) {
        int len = rx.length[i];
        if ((rx.flags[i] & Libc.MSG_TRUNC) != 0 || len < 44) {
            // Shorter than a base packet: replying would send more than was received.
            owner.malformed++;
            return;
        }
        MemorySegment p = rx.payload(i);
        MemorySegment src = rx.sourceAddress(i);
        MemorySegment dst = rx.destinationAddress(i);
        int srcPort = rx.sourcePort(i);
        SocketReflectorSession s = null;
        for (SocketReflectorSession c : sessions) {
            if (c.matches(p, len, src, srcPort, dst)) {
                s = c;
                break;
            }
        }
        if (s == null) {
            owner.unmatched++;
            return;
        }
        s.received++;
        if (s.hmac != null && !s.hmac.verify(p)) {
            s.rejected++; // RFC 8762 §4.4: an unverifiable packet is discarded before any use
            return;
        }
        long t2 = rx.rxTimeNanos[i];
        if (t2 == 0) {
            owner.userSpaceRxTimestamps++;
            t2 = Libc.realtimeNanos();
        }
        int ttl = rx.hopLimit[i] >= 0 ? rx.hopLimit[i] : 0;
        long senderSeq = Integer.toUnsignedLong(s.layout.seq(p));
        int ssid = s.layout.ssid(p);
        long reflectorSeq = s.config.stateful() ? s.flows.take(src, srcPort, ssid) & 0xFFFF_FFFFL : senderSeq;
        s.layout.reflectInPlace(p, (int) reflectorSeq, Timestamps.encode(t2, s.config.timestampFormat()),
                s.errorEstimate, ttl);

        RoutingHeader route = s.returnRoute;
        MemorySegment replySource = dst;
        int tclass = rx.trafficClass[i] >= 0 ? rx.trafficClass[i] & 0xFC : -1;
        int ifindex = 0;
        if (len > s.layout.baseLength) {
            ReflectorTlvHandler.Decision d = tlvs.process(s, rx, i, len);
            if (d.noReply) {
                // The sender asked for no reply (Return Path control code 0): nothing is reflected,
                // so a stateful reflector does not spend a sequence number on it.
                if (s.config.stateful()) {
                    s.flows.untake(src, srcPort, ssid);
                }
                return;
            }
            if (d.sameLink) {
                ifindex = rx.ifIndex[i];
            }
            if (d.route != null) {
                route = d.route;
            }
            if (d.replySource != null) {
                replySource = d.replySource;
            }
            if (d.tclass >= 0) {
                tclass = d.tclass;
            }
        }
        if (route != socket.installedRoute()) {
            if (rx.pendingSends() > 0) {
                rx.flush(socket.fd, owner);
            }
            if (socket.useRoute(route) < 0) {
                owner.sendErrors++;
                return;
            }
        }
        // T3 as late as possible: after every other decision, right before queueing the reply.
        long t3Wire = Timestamps.encode(Libc.realtimeNanos(), s.config.timestampFormat());
        s.layout.timestamp(p, t3Wire);
        if (s.hmac != null) {
            s.hmac.sign(p);
        }
        rx.queueReply(i, len, isZero(replySource) ? null : replySource, ifindex, tclass);
        s.reflected++;
        s.lastSenderSeq = senderSeq;
        s.lastReflectorSeq = reflectorSeq;
        s.previousReplyValid = true;
        s.previousReplySeq = reflectorSeq;
        s.previousReplyT3Wire = t3Wire;
    }

    private static boolean isZero(MemorySegment a) {
        return a.get(Libc.LONG_U, 0) == 0 && a.get(Libc.LONG_U, 8) == 0;
    }
}
