package io.stampd.dataplane.socket;

import io.stampd.sys.Libc;
import io.stampd.dataplane.codec.Timestamps;

import java.lang.foreign.MemorySegment;

/**
 * The socket of a reflector port (bound to all addresses; the destination address comes from
 * IPV6_PKTINFO) and the sessions provisioned on it. Reflection happens in place in the receive
 * buffer: the reply is exactly as long as the request, so the reflector never sends more than it
 * received. Replies go out in batches (sendmmsg); a batch is cut where the return path changes,
 * because the SRH is a sticky socket option. T3 is written into the queued replies right before
 * the system call that sends them, after every other decision about them.
 */
final class ReflectorEndpoint extends ReceivingEndpoint<SocketReflectorSession> {
    final int port;
    private final ReflectorTlvHandler tlvs;
    /** The session and receive slot of each reply queued in the batch, in queue order. */
    private final SocketReflectorSession[] queuedSession;
    private final int[] queuedSlot;

    ReflectorEndpoint(SocketDataPlane owner, UdpSocket socket, int port) {
        // Transmit times only of the replies that Follow-Up Telemetry will report.
        super(owner, socket, TransmitTimestamps.on(socket, false), SocketReflectorSession[]::new);
        this.port = port;
        this.tlvs = new ReflectorTlvHandler(owner, socket);
        this.queuedSession = new SocketReflectorSession[owner.rxBatch.slots];
        this.queuedSlot = new int[owner.rxBatch.slots];
    }

    @Override
    void add(SocketReflectorSession s) {
        super.add(s);
        s.endpoint = this;
    }

    @Override
    void afterBatch(MessageBatch rx) {
        if (rx.pendingSends() > 0) {
            stampAndSend(rx);
        }
    }

    /**
     * Writes T3 into every queued reply and sends them. One clock reading for the batch, taken
     * right before the system call: what lies between T3 and the wire is only the HMACs (which
     * cover T3) and the kernel's send path.
     */
    private void stampAndSend(MessageBatch rx) {
        int n = rx.pendingSends();
        long t3 = Libc.realtimeNanos();
        for (int k = 0; k < n; k++) {
            SocketReflectorSession s = queuedSession[k];
            queuedSession[k] = null;
            MemorySegment p = rx.payload(queuedSlot[k]);
            long t3Wire = Timestamps.encode(t3, s.config.timestampFormat());
            s.layout.timestamp(p, t3Wire);
            if (s.hmac != null) {
                s.hmac.sign(p);
            }
            s.previousReplyT3Wire = t3Wire;
            s.replyQueued = false;
        }
        rx.flush(socket.fd, owner);
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
        boolean stamp = false;
        if (len > s.layout.baseLength) {
            if (s.replyQueued) {
                // Follow-Up Telemetry reports the previous reply's T3: it must have been sent.
                stampAndSend(rx);
            }
            if (s.transmitPending) {
                transmitTimestamps.drain(); // its transmit time, if the loop has not read it yet
            }
            ReflectorTlvHandler.Decision d = tlvs.process(s, rx, i, len);
            if (d.noReply) {
                // The sender asked for no reply (Return Path control code 0): nothing is reflected,
                // so a stateful reflector does not spend a sequence number on it.
                if (s.config.stateful()) {
                    s.flows.untake(src, srcPort, ssid);
                }
                return;
            }
            if (d.route != null) {
                route = d.route;
            }
            if (d.replySource != null) {
                replySource = d.replySource;
            }
            if (d.sameLink) {
                ifindex = rx.ifIndex[i];
                // Linux holds a reply to the interface in IPV6_PKTINFO only when the source is
                // left to it (a strict lookup); with a source it merely prefers the interface and
                // follows a better route elsewhere. So the source is left out when the kernel
                // cannot choose another: it is the interface's one global address.
                if (owner.localAddresses().isSoleGlobalAddressOf(replySource, ifindex)) {
                    replySource = null;
                }
            }
            if (d.tclass >= 0) {
                tclass = d.tclass;
            }
            stamp = d.stampTransmit && transmitTimestamps.enabled();
        }
        if (route != socket.installedRoute()) {
            if (rx.pendingSends() > 0) {
                stampAndSend(rx);
            }
            if (socket.useRoute(route) < 0) {
                owner.sendErrors++;
                return;
            }
        }
        int k = rx.pendingSends();
        queuedSession[k] = s;
        queuedSlot[k] = i;
        s.replyQueued = true;
        s.transmitPending = stamp;
        rx.queueReply(i, len, replySource == null || isZero(replySource) ? null : replySource, ifindex, tclass, stamp,
                stamp ? transmitTimestamps.key(s, reflectorSeq) : 0); // T3: stampAndSend
        s.reflected++;
        s.lastSenderSeq = senderSeq;
        s.lastReflectorSeq = reflectorSeq;
        s.previousReplyValid = true;
        s.previousReplySeq = reflectorSeq;
    }

    private static boolean isZero(MemorySegment a) {
        return a.get(Libc.LONG_U, 0) == 0 && a.get(Libc.LONG_U, 8) == 0;
    }
}
