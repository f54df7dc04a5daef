package io.stampd.dataplane.socket;

import io.stampd.sys.Libc;
import io.stampd.sys.Sockaddr;
import java.lang.foreign.MemorySegment;

/**
 * A local UDP endpoint of Session-Senders: one socket, the sessions that send from it, and the
 * demultiplexing of replies to them by SSID and reflector address and port.
 */
final class SenderEndpoint extends ReceivingEndpoint<SocketSender> {
    final Key key;

    /** Where the endpoint is bound; port 0 endpoints are never shared. */
    record Key(java.net.Inet6Address address, int port) {
    }

    SenderEndpoint(SocketDataPlane owner, UdpSocket socket, Key key, TransmitTimestamps transmitTimestamps) {
        super(owner, socket, transmitTimestamps, SocketSender[]::new);
        this.key = key;
    }

    @Override
    void add(SocketSender s) {
        super.add(s);
        s.endpoint = this;
    }

    @Override
    void handle(MessageBatch rx, int i) {
        MemorySegment p = rx.payload(i);
        int len = rx.length[i];
        if ((rx.flags[i] & Libc.MSG_TRUNC) != 0) {
            owner.malformed++;
            return;
        }
        MemorySegment src = rx.sourceAddress(i);
        int srcPort = rx.sourcePort(i);
        for (SocketSender s : sessions) {
            // The reply belongs to the session whose reflector sent it with the session's SSID; a
            // reply that is then too short for the session's mode is that session's malformed packet.
            if (len >= s.layout.ssid + 2
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
