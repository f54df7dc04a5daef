package io.stampd.dataplane.socket;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;

/**
 * A local UDP endpoint of Session-Senders: one socket, the sessions that send from it, and the
 * demultiplexing of replies to them by SSID and reflector address and port.
 */
final class SenderEndpoint implements EventLoop.ReadHandler {
    final UdpSocket socket;
    final Key key;
    private final SocketDataPlane owner;
    private SocketSender[] sessions = new SocketSender[0];
    int token = -1;

    /** Where the endpoint is bound; port 0 endpoints are never shared. */
    record Key(java.net.Inet6Address address, int port) {
    }

    SenderEndpoint(SocketDataPlane owner, UdpSocket socket, Key key) {
        this.owner = owner;
        this.socket = socket;
        this.key = key;
    }

    void add(SocketSender s) {
        sessions = Arrays.copyOf(sessions, sessions.length + 1);
        sessions[sessions.length - 1] = s;
        s.endpoint = this;
    }

    SocketSender[] sessions() {
        return sessions;
    }

    /** Removes a session; returns true when none is left. */
    boolean remove(SocketSender s) {
        sessions = Arrays.stream(sessions).filter(x -> x != s).toArray(SocketSender[]::new);
        return sessions.length == 0;
    }

    @Override
    public void onReadable() {
        MessageBatch rx = owner.rxBatch;
        for (int round = 0; round < 16; round++) {
            int n = rx.receive(socket.fd);
            if (n <= 0) {
                return;
            }
            for (int i = 0; i < n; i++) {
                handle(rx, i);
            }
            if (n < rx.slots) {
                return;
            }
        }
    }

    private void handle(MessageBatch rx, int i) {
        MemorySegment p = rx.payload(i);
        int len = rx.length[i];
        if ((rx.flags[i] & Libc.MSG_TRUNC) != 0) {
            owner.malformed++;
            return;
        }
        MemorySegment src = rx.sourceAddress(i);
        int srcPort = rx.sourcePort(i);
        for (SocketSender s : sessions) {
            if (len >= s.layout.baseLength
                    && s.layout.ssid(p) == s.config.ssid()
                    && s.config.reflectorPort() == srcPort
                    && Sockaddr.sameAddress(src, 0, s.reflectorAddress)) {
                if (rx.rxTimeNanos[i] == 0) {
                    owner.userSpaceRxTimestamps++;
                }
                s.onReply(p, len, rx.rxTimeNanos[i]);
                return;
            }
        }
        if (len < 44) {
            owner.malformed++;
        } else {
            owner.unmatched++;
        }
    }
}
