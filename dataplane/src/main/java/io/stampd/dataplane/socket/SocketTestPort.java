package io.stampd.dataplane.socket;

import io.stampd.dataplane.core.SessionSender;
import io.stampd.dataplane.core.TestPacketPort;
import io.stampd.dataplane.session.PeerAddresses;
import io.stampd.sys.Libc;
import io.stampd.sys.Sockaddr;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * How one Session-Sender's test packets leave through a socket: its endpoint, the reflector as a
 * sockaddr and the forward path as the endpoint's routing header for it, and the
 * transmit-timestamp key of each packet. The packets are built in and sent from the plane's
 * {@link TestPacketBatch}.
 */
final class SocketTestPort implements TestPacketPort {
    final SenderEndpoint endpoint;
    final RoutingHeader route;
    final SessionSender session;
    final MemorySegment destination;
    /** An IPv4 reflector (IPv4-mapped): the traffic class (DSCP and ECN) goes in IP_TOS instead of IPV6_TCLASS. */
    final boolean ipv4;
    private final TestPacketBatch batch;

    SocketTestPort(TestPacketBatch batch, SenderEndpoint endpoint, SessionSender session) {
        this.batch = batch;
        this.endpoint = endpoint;
        this.session = session;
        this.route = endpoint.route(session.config.forwardSegments());
        this.ipv4 = PeerAddresses.isIpv4(session.config.reflectorAddress());
        this.destination = Arena.ofAuto().allocate(Libc.SOCKADDR_IN6_SIZE, 8);
        Sockaddr.write(destination, session.config.reflectorAddress(), session.config.reflectorPort());
    }

    @Override
    public MemorySegment buffer() {
        return batch.next();
    }

    @Override
    public void prepare(int length, int trafficClass, long seq) {
        TransmitTimestamps stamps = endpoint.transmitTimestamps;
        boolean keyed = stamps.enabled();
        batch.prepare(this, seq, length, trafficClass, keyed, keyed ? stamps.key(session, seq) : 0);
    }

    @Override
    public void send() {
        batch.commit();
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
