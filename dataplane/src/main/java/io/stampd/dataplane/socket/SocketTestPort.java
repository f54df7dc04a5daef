package io.stampd.dataplane.socket;

import io.stampd.dataplane.core.SessionSender;
import io.stampd.dataplane.core.TestPacketPort;
import io.stampd.sys.Libc;
import io.stampd.sys.Sockaddr;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * How one Session-Sender's test packets leave through a socket: its endpoint, the reflector as a
 * sockaddr and the forward path as a routing header, and the transmit-timestamp key of each
 * packet. The payload is built in the plane's one transmit buffer.
 */
final class SocketTestPort implements TestPacketPort {
    final SenderEndpoint endpoint;
    final RoutingHeader route;
    private final SocketDataPlane owner;
    private final MemorySegment destination;
    private SessionSender session;

    SocketTestPort(SocketDataPlane owner, SenderEndpoint endpoint, SessionSender session) {
        this.owner = owner;
        this.endpoint = endpoint;
        this.session = session;
        this.route = RoutingHeader.of(session.config.forwardSegments());
        this.destination = Arena.ofAuto().allocate(Libc.SOCKADDR_IN6_SIZE, 8);
        Sockaddr.write(destination, session.config.reflectorAddress(), session.config.reflectorPort());
    }

    @Override
    public MemorySegment buffer() {
        return owner.txPayload;
    }

    @Override
    public void prepare(int length, int dscp, long seq) {
        TransmitTimestamps stamps = endpoint.transmitTimestamps;
        boolean keyed = stamps.enabled();
        owner.prepareTest(endpoint.socket, route, destination, length, dscp, keyed, keyed ? stamps.key(session, seq) : 0);
    }

    @Override
    public long sendPrepared() {
        return owner.sendPrepared(endpoint.socket);
    }

    @Override
    public void drainTransmitTimes() {
        endpoint.transmitTimestamps.drain();
    }

    @Override
    public int localPort() {
        return endpoint.socket.localPort;
    }
}
