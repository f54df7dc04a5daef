package io.stampd.dataplane.socket;

import io.stampd.dataplane.codec.StampLayout;
import io.stampd.dataplane.codec.TimestampFormat;
import io.stampd.dataplane.codec.Timestamps;
import io.stampd.dataplane.core.SessionReflector;
import io.stampd.dataplane.core.SessionSender;
import io.stampd.dataplane.session.ReflectorSessionConfig;
import io.stampd.dataplane.session.SenderListener;
import io.stampd.dataplane.session.SenderSessionConfig;
import io.stampd.sys.Libc;
import io.stampd.sys.Sockaddr;

import java.lang.foreign.MemorySegment;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;

/**
 * Runs the per-packet code of the data plane until the JIT has compiled it: the clock and codec,
 * the system-call downcalls, and the real reflector and sender paths (match, reflect, queue, stamp
 * T3, send; schedule, build, send; demultiplex a reply) on throw-away sessions whose socket is an
 * invalid descriptor, so every system call fails at once with EBADF and nothing reaches a network.
 * Without it the first few hundred packets of a low-rate session run in the interpreter, where
 * the stretch between reading T3 and the system call took 20-40 µs instead of about one, all of
 * it counted as backward delay.
 *
 * <p>Runs in the data plane's constructor, before its I/O thread handles any socket; the
 * throw-away sessions leave the session core's tables afterwards and the counters they touched
 * are reset.
 */
final class HotPathWarmup {
    private static final int ROUNDS = 5_000;
    private static final Inet6Address PEER = loopback();
    private static final int PEER_PORT = 40_000;

    private HotPathWarmup() {
    }

    static void run(SocketDataPlane owner) {
        UdpSocket dead = UdpSocket.invalid("warm-up");
        reflector(owner, dead);
        sender(owner, dead);
    }

    /** Stateless and stateful reflector sessions answering a Session-Sender packet. */
    private static void reflector(SocketDataPlane owner, UdpSocket dead) {
        ReflectorEndpoint ep = new ReflectorEndpoint(owner, dead, SenderSessionConfig.DEFAULT_REFLECTOR_PORT);
        List<SessionReflector> sessions = List.of(
                session(owner, 1, TimestampFormat.NTP, false), session(owner, 2, TimestampFormat.PTP, true));
        sessions.forEach(owner.node.reflectors::add);
        try {
            MessageBatch rx = owner.rxBatch;
            for (int i = 0; i < ROUNDS; i++) {
                ep.onReady(Libc.EPOLLIN); // recvmmsg: EBADF
                receivedPacket(rx);
                StampLayout.UNAUTHENTICATED.writeSender(rx.payload(0), i, Timestamps.encode(Libc.realtimeNanos(),
                        TimestampFormat.NTP), (short) 1, 1 + (i & 1));
                ep.handle(rx, 0);
                ep.afterBatch(rx);
            }
        } finally {
            sessions.forEach(owner.node.reflectors::remove);
            ep.close();
        }
    }

    private static SessionReflector session(SocketDataPlane owner, int ssid, TimestampFormat format, boolean stateful) {
        SessionReflector s = new SessionReflector(owner.node, new ReflectorSessionConfig(0, ssid, null, 0, null,
                SenderSessionConfig.DEFAULT_REFLECTOR_PORT, List.of(), format, stateful, null));
        s.attachment = RoutingHeader.NONE;
        return s;
    }

    /** A sender session sending (with a transmit-timestamp key) and taking a reply. */
    private static void sender(SocketDataPlane owner, UdpSocket dead) {
        SenderSessionConfig config = SenderSessionConfig.builder().ssid(1).reflectorAddress(PEER)
                .reflectorPort(PEER_PORT).intervalNanos(SenderSessionConfig.MIN_INTERVAL_NANOS).build();
        SessionSender s = new SessionSender(owner.node, config, SenderListener.IGNORE, 0);
        SenderEndpoint ep = new SenderEndpoint(owner, dead, new SenderEndpoint.Key(null, 0),
                TransmitTimestamps.assumedOn(dead));
        s.attach(new SocketTestPort(owner.testPackets, ep, s), null);
        owner.node.senders.add(ep.id, s);
        try {
            MessageBatch rx = owner.rxBatch;
            for (int i = 0; i < ROUNDS; i++) {
                s.fire(System.nanoTime());
                owner.testPackets.flush(); // sendmmsg: EBADF, reported to the session
                ep.onReady(Libc.EPOLLERR | Libc.EPOLLIN); // error queue and recvmmsg: EBADF
                receivedPacket(rx);
                MemorySegment p = rx.payload(0);
                StampLayout.UNAUTHENTICATED.writeSender(p, i, Timestamps.encode(Libc.realtimeNanos(),
                        TimestampFormat.NTP), (short) 1, 1);
                StampLayout.UNAUTHENTICATED.reflectInPlace(p, i, Timestamps.encode(Libc.realtimeNanos(),
                        TimestampFormat.NTP), (short) 1, 64);
                ep.handle(rx, 0);
            }
        } finally {
            owner.node.senders.remove(ep.id, s);
            ep.close();
        }
    }

    /** Slot 0 of {@code rx} as if the kernel had just received a base packet from the peer. */
    private static void receivedPacket(MessageBatch rx) {
        rx.length[0] = StampLayout.UNAUTHENTICATED.baseLength;
        rx.flags[0] = 0;
        rx.rxTimeNanos[0] = Libc.realtimeNanos();
        rx.hopLimit[0] = 64;
        rx.trafficClass[0] = 0;
        rx.ifIndex[0] = 0;
        Sockaddr.write(rx.name(0), PEER, PEER_PORT);
        rx.destinationAddress(0).fill((byte) 0);
    }

    private static Inet6Address loopback() {
        try {
            return (Inet6Address) InetAddress.getByName("::1");
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }
}
