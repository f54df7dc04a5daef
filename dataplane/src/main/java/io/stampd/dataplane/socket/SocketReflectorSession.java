package io.stampd.dataplane.socket;

import io.stampd.sys.Sockaddr;
import io.stampd.dataplane.ReflectorCounters;
import io.stampd.dataplane.ReflectorHandle;
import io.stampd.dataplane.codec.StampHmac;
import io.stampd.dataplane.codec.StampLayout;
import io.stampd.dataplane.session.ReflectorSessionConfig;

import java.lang.foreign.MemorySegment;

/** One provisioned reflector session on the socket data plane: its match fields, state and counters. */
final class SocketReflectorSession implements ReflectorHandle, TransmitTimestamps.Transmitted {
    final ReflectorSessionConfig config;
    final StampLayout layout;
    final StampHmac hmac;
    final RoutingHeader returnRoute;
    final short errorEstimate;
    private final byte[] senderAddress;
    private final byte[] reflectorAddress;
    private final SocketDataPlane owner;
    ReflectorEndpoint endpoint;

    /** Own sequence counters of a stateful reflector (RFC 8762 §4.3.1), one per test session served. */
    final ReflectorFlowCounters flows = new ReflectorFlowCounters();
    volatile long received;
    volatile long reflected;
    volatile long rejected;
    volatile long lastSenderSeq = -1;
    volatile long lastReflectorSeq = -1;
    private volatile boolean closed;
    /** Follow-Up Telemetry (RFC 8972 §4.7): the previous reply's sequence number and T3. */
    boolean previousReplyValid;
    long previousReplySeq;
    long previousReplyT3Wire;
    /** A reply of this session waits in the endpoint's batch for its T3 and the system call. */
    boolean replyQueued;
    /** The kernel's transmit time of this session's reply numbered {@link #transmittedSeq}. */
    long transmittedSeq = -1;
    long transmittedAt;
    /** A reply was sent asking for its transmit time, which has not come back yet. */
    boolean transmitPending;

    SocketReflectorSession(SocketDataPlane owner, ReflectorSessionConfig config) {
        this.owner = owner;
        this.config = config;
        this.layout = config.layout();
        this.hmac = config.authenticated() ? new StampHmac(config.hmacKey()) : null;
        this.returnRoute = RoutingHeader.of(config.returnSegments());
        this.errorEstimate = owner.errorEstimate(config.timestampFormat());
        this.senderAddress = config.senderAddress() == null ? null : config.senderAddress().getAddress();
        this.reflectorAddress = config.reflectorAddress() == null ? null : config.reflectorAddress().getAddress();
    }

    /** Does a received packet belong to this session? Wildcards: null address, port 0, ANY_SSID. */
    boolean matches(MemorySegment p, int length, MemorySegment src, int srcPort, MemorySegment dst) {
        return length >= layout.baseLength
                && (config.ssid() == ReflectorSessionConfig.ANY_SSID || layout.ssid(p) == config.ssid())
                && (config.senderPort() == 0 || config.senderPort() == srcPort)
                && (senderAddress == null || Sockaddr.sameAddress(src, 0, senderAddress))
                && (reflectorAddress == null || Sockaddr.sameAddress(dst, 0, reflectorAddress));
    }

    @Override
    public void onTransmitted(long seq, long nanos) {
        transmittedSeq = seq;
        transmittedAt = nanos;
        transmitPending = false;
    }

    /**
     * What Follow-Up Telemetry reports for the previous reply: its kernel transmit time if it came,
     * else the T3 it carried; in this session's timestamp wire format.
     */
    long previousReplyTimestampWire() {
        return transmittedSeq == previousReplySeq
                ? io.stampd.dataplane.codec.Timestamps.encode(transmittedAt, config.timestampFormat())
                : previousReplyT3Wire;
    }

    @Override
    public ReflectorCounters counters() {
        return new ReflectorCounters(received, reflected, rejected, lastSenderSeq, lastReflectorSeq);
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            owner.stopReflector(this);
        }
    }
}
