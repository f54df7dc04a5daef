package io.stampd.dataplane.socket;

import io.stampd.sys.Libc;
import java.util.Arrays;
import java.util.function.IntFunction;

/**
 * A bound socket on the I/O thread and the sessions it serves. Receives in batches until the
 * socket is drained (at most 16 batches per wake-up, so one busy socket cannot starve the others)
 * and hands each datagram to the subclass; a failure on one datagram is counted and the rest go
 * on.
 */
abstract class ReceivingEndpoint<S extends TransmitTimestamps.Transmitted> implements EventLoop.ReadHandler {
    private static final int MAX_BATCHES_PER_WAKEUP = 16;

    final UdpSocket socket;
    final SocketDataPlane owner;
    /** Transmit times of what the sessions send (test packets, or replies a follow-up reports). */
    final TransmitTimestamps transmitTimestamps;
    private final IntFunction<S[]> newArray;
    /** Replaced, never mutated, so the receive loop iterates a stable array. */
    S[] sessions;
    int token = -1;

    ReceivingEndpoint(SocketDataPlane owner, UdpSocket socket, TransmitTimestamps transmitTimestamps,
                      IntFunction<S[]> newArray) {
        this.owner = owner;
        this.socket = socket;
        this.transmitTimestamps = transmitTimestamps;
        this.newArray = newArray;
        this.sessions = newArray.apply(0);
    }

    void add(S s) {
        S[] next = Arrays.copyOf(sessions, sessions.length + 1);
        next[sessions.length] = s;
        sessions = next;
    }

    /** Removes a session; returns true when none is left. */
    boolean remove(S s) {
        transmitTimestamps.forget(s);
        sessions = Arrays.stream(sessions).filter(x -> x != s).toArray(newArray);
        return sessions.length == 0;
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
                try {
                    handle(rx, i);
                } catch (RuntimeException e) {
                    owner.internalError(e);
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
