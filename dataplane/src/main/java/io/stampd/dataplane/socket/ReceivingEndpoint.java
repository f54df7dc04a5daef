package io.stampd.dataplane.socket;

import io.stampd.dataplane.core.EventLoop;
import io.stampd.dataplane.core.StampNode;
import io.stampd.sys.Libc;

/**
 * A bound socket on the I/O thread. Receives in batches until the socket is drained (at most 16
 * batches per wake-up, so one busy socket cannot starve the others) and hands each datagram to
 * the subclass, which hands it to the session core; a failure on one datagram is counted and the
 * rest go on.
 */
abstract class ReceivingEndpoint implements EventLoop.ReadHandler {
    private static final int MAX_BATCHES_PER_WAKEUP = 16;

    final UdpSocket socket;
    final SocketDataPlane owner;
    final StampNode node;
    /** Transmit times of what the sessions send (test packets, or replies a follow-up reports). */
    final TransmitTimestamps transmitTimestamps;
    /** Sessions served through this socket; it closes with the last one. */
    int sessions;
    int token = -1;

    ReceivingEndpoint(SocketDataPlane owner, UdpSocket socket, TransmitTimestamps transmitTimestamps) {
        this.owner = owner;
        this.node = owner.node;
        this.socket = socket;
        this.transmitTimestamps = transmitTimestamps;
    }

    @Override
    public final void onReady(int events) {
        // The error queue first: a packet's transmit timestamp is queued before its answer. An
        // EPOLLERR with nothing queued is a socket error, which the receive below reads and clears.
        if ((events & Libc.EPOLLERR) != 0 && transmitTimestamps.drain() > 0 && (events & Libc.EPOLLIN) == 0) {
            return;
        }
        MessageBatch rx = owner.rxBatch;
        for (int round = 0; round < MAX_BATCHES_PER_WAKEUP; round++) {
            int n = rx.receive(socket.fd);
            if (n <= 0) {
                return;
            }
            for (int i = 0; i < n; i++) {
                if (!owner.handles(rx.rxTimeNanos[i], rx.ifIndex[i])) {
                    continue; // another plane (AF_PACKET) answers what arrived in its time
                }
                try {
                    handle(rx, i);
                } catch (RuntimeException e) {
                    node.internalError(e);
                }
            }
            afterBatch(rx);
            if (n < rx.slots) {
                return;
            }
        }
    }

    /** Closes the socket and what belongs to it. */
    void close() {
        socket.close();
        transmitTimestamps.close();
    }

    /** Processes datagram {@code i} of the batch. */
    abstract void handle(MessageBatch rx, int i);

    /** Runs after each batch (e.g. to send the queued replies). */
    void afterBatch(MessageBatch rx) {
    }
}
