package io.stampd.dataplane.socket;

import io.stampd.dataplane.codec.Srh;
import io.stampd.dataplane.core.Reflection;
import io.stampd.dataplane.core.ReplyChannel;
import io.stampd.dataplane.core.ReplyDecision;
import io.stampd.dataplane.core.SessionReflector;
import io.stampd.sys.Libc;

import java.lang.foreign.MemorySegment;

/**
 * The socket of a reflector port (bound to all addresses; the destination address comes from
 * IPV6_PKTINFO): each datagram goes to the core's {@link Reflection}, which builds the reply in
 * place in the receive buffer (exactly as long as the request, so the reflector never sends more
 * than it received); this class puts the decision into socket terms and sends the replies in
 * batches (sendmmsg). A batch is cut where the return path changes, because the SRH is a sticky
 * socket option. T3 is written into the queued replies right before the system call that sends
 * them, after every other decision about them.
 */
final class ReflectorEndpoint extends ReceivingEndpoint implements ReplyChannel {
    final int port;
    private final Reflection reflection;
    /** The session and receive slot of each reply queued in the batch, in queue order. */
    private final SessionReflector[] queuedSession;
    private final int[] queuedSlot;
    /** The routing header of per-packet return paths (Return Path TLV), rewritten in place. */
    private final RoutingHeader scratchRoute = RoutingHeader.scratch();
    private MessageBatch batch;

    ReflectorEndpoint(SocketDataPlane owner, UdpSocket socket, int port) {
        // Transmit times only of the replies that Follow-Up Telemetry will report.
        super(owner, socket, TransmitTimestamps.on(socket, false));
        this.port = port;
        this.reflection = owner.reflection;
        this.queuedSession = new SessionReflector[owner.rxBatch.slots];
        this.queuedSlot = new int[owner.rxBatch.slots];
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
    void stampAndSend(MessageBatch rx) {
        int n = rx.pendingSends();
        long t3 = Libc.realtimeNanos();
        for (int k = 0; k < n; k++) {
            SessionReflector s = queuedSession[k];
            queuedSession[k] = null;
            Reflection.stamp(s, rx.payload(queuedSlot[k]), t3);
        }
        rx.flush(socket.fd, owner);
    }

    @Override
    public void flush() {
        if (batch.pendingSends() > 0) {
            stampAndSend(batch);
        }
    }

    @Override
    public void drainTransmitTimes() {
        transmitTimestamps.drain();
    }

    @Override
    public boolean transmitTimestamps() {
        return transmitTimestamps.enabled();
    }

    @Override
    void handle(MessageBatch rx, int i) {
        batch = rx;
        ReplyDecision d = reflection.reflect(rx, i, port, this);
        if (d.reply) {
            queue(rx, i, d);
        }
    }

    /**
     * Queues the reply that {@code d} describes, built in slot {@code i} of {@code rx} and
     * addressed (slot name) to the request's source, with its routing header and control
     * messages; {@link #stampAndSend} sends it.
     */
    void queue(MessageBatch rx, int i, ReplyDecision d) {
        SessionReflector s = d.session;
        MemorySegment p = rx.payload(i);
        RoutingHeader route = (RoutingHeader) s.attachment;
        MemorySegment name = rx.name(i);
        if (d.segmentsCount > 0) {
            scratchRoute.length = Srh.write(scratchRoute.bytes, 0, 0, p, d.segmentsOffset, d.segmentsCount);
            socket.invalidateRoute();
            route = scratchRoute;
            // The kernel puts the socket destination into Segment List[0]: it must be the last segment.
            MemorySegment.copy(p, d.segmentsOffset + 16L * (d.segmentsCount - 1), name, Libc.SIN6_ADDR, 16);
        } else if (d.destinationOffset >= 0) {
            MemorySegment.copy(p, d.destinationOffset, name, Libc.SIN6_ADDR, 16);
        }
        if (route != socket.installedRoute()) {
            if (rx.pendingSends() > 0) {
                stampAndSend(rx);
            }
            if (socket.useRoute(route) < 0) {
                node.counters.sendErrors.increment();
                return;
            }
        }
        int k = rx.pendingSends();
        queuedSession[k] = s;
        queuedSlot[k] = i;
        boolean stamp = d.stampTransmit;
        rx.queueReply(i, d.replyLength, d.source, d.ifindex, d.trafficClass, stamp,
                stamp ? transmitTimestamps.key(s, d.reflectorSeq) : 0); // T3: stampAndSend
        reflection.queued(d);
    }
}
