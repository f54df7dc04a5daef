package io.stampd.dataplane.socket;

import io.stampd.dataplane.core.SessionSender;
import java.lang.foreign.MemorySegment;
import java.net.Inet6Address;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A local UDP endpoint of Session-Senders: one socket that the sessions send from and that their
 * replies come back to; each reply goes to its session through the core's {@link
 * io.stampd.dataplane.core.SenderTable} (SSID, reflector address and port).
 */
final class SenderEndpoint extends ReceivingEndpoint {
    final Key key;
    /** This endpoint's id in the core's sender table (the socket's descriptor: unique while open). */
    final int id;
    /**
     * One routing header per forward path of the sessions here: the socket re-installs its sticky
     * option only when a packet needs another header object than the last one's.
     */
    private final Map<List<Inet6Address>, RoutingHeader> routes = new HashMap<>();

    /** Where the endpoint is bound: a configured sender port, shared by every session that names it. */
    record Key(Inet6Address address, int port) {
    }

    /**
     * Sessions without a configured sender port: those with the same source address and forward
     * path share sockets with a kernel-chosen port, so their packets leave in one sendmmsg.
     */
    record Group(Inet6Address address, List<Inet6Address> path) {
    }

    SenderEndpoint(SocketDataPlane owner, UdpSocket socket, Key key, TransmitTimestamps transmitTimestamps) {
        super(owner, socket, transmitTimestamps);
        this.key = key;
        this.id = socket.fd;
    }

    /** The routing header for {@code path} on this socket (the one object per path). */
    RoutingHeader route(List<Inet6Address> path) {
        return routes.computeIfAbsent(List.copyOf(path), RoutingHeader::of);
    }

    @Override
    void handle(MessageBatch rx, int i) {
        int len = rx.length[i];
        if ((rx.flags[i] & io.stampd.sys.Libc.MSG_TRUNC) != 0) {
            node.counters.malformed.increment();
            return;
        }
        MemorySegment p = rx.payload(i);
        SessionSender s = null;
        // The SSID is where the unauthenticated layout has it, or (authenticated) further on.
        if (len >= 16) {
            s = node.senders.find(id, io.stampd.dataplane.codec.StampLayout.UNAUTHENTICATED.ssid(p), rx.sourcePort(i),
                    rx.sourceAddress(i));
            if (s != null && s.layout.authenticated()) {
                s = null;
            }
        }
        if (s == null && len >= 28) {
            s = node.senders.find(id, io.stampd.dataplane.codec.StampLayout.AUTHENTICATED.ssid(p), rx.sourcePort(i),
                    rx.sourceAddress(i));
            if (s != null && !s.layout.authenticated()) {
                s = null;
            }
        }
        if (s != null) {
            // A reply that is too short for the session's mode is that session's malformed packet.
            s.onReply(p, len, rx.rxTimeNanos[i], rx.trafficClass(i));
            return;
        }
        if (len < 44) {
            node.counters.malformed.increment();
        } else {
            node.counters.unmatched.increment();
        }
    }
}
