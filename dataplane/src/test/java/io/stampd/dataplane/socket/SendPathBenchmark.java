package io.stampd.dataplane.socket;

import io.stampd.dataplane.core.SessionSender;
import io.stampd.dataplane.core.TestPacketPort;
import io.stampd.dataplane.session.Ipv6Addresses;
import io.stampd.dataplane.session.SenderListener;
import io.stampd.dataplane.session.SenderSessionConfig;
import io.stampd.sys.Libc;
import io.stampd.sys.Sockaddr;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.Inet6Address;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * Benchmark of the socket plane's test-packet send path (issue 11), one sendmsg per packet (the
 * path before batching, reproduced here as {@link OneSendmsgPort}) against the batched path
 * ({@link TestPacketBatch}: up to 16 packets per sendmmsg), in alternating rounds of one run.
 * {@code sessions} sender sessions share one socket on ::1, as the plane shares it, and send to a
 * UDP socket on ::1 that nobody reads (the kernel drops what overflows it), one session after the
 * other as if all were due at once: the packet is built, T1 read and written, the send done and
 * its outcome reported to the session, with transmit timestamps on and the error queue read every
 * 16 packets in both paths. Measured per round: packets sent per second of wall time, and the
 * thread's CPU time (user + system, which on loopback includes the receive side's softirq work
 * done in the sender's system call) per packet. Bounded: a round ends after its packet count or
 * after 10 s, whichever comes first.
 *
 * <p>Usage: {@code SendPathBenchmark [sessions] [packets per round] [rounds per path]}
 * (defaults 10000, 1000000, 5).
 */
public final class SendPathBenchmark {
    private static final Inet6Address LOOPBACK = Ipv6Addresses.parse("::1", "benchmark address");
    private static final long ROUND_LIMIT_NANOS = 10_000_000_000L;

    /** One round of one path. */
    public record Round(String path, long packets, long wallNanos, long cpuNanos) {
        public double packetsPerSecond() {
            return packets * 1e9 / wallNanos;
        }

        public double cpuNanosPerPacket() {
            return (double) cpuNanos / packets;
        }
    }

    private SendPathBenchmark() {
    }

    public static void main(String[] args) {
        int sessions = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
        long packets = args.length > 1 ? Long.parseLong(args[1]) : 1_000_000L;
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 5;
        if (sessions < 1 || sessions > 65_535 || packets < 1 || packets > 100_000_000L || rounds < 1 || rounds > 50) {
            throw new IllegalArgumentException("sessions 1..65535, packets per round 1..1e8, rounds 1..50");
        }
        List<Round> all = run(sessions, packets, rounds);
        System.out.println("| round | path | packets | packets/s | CPU ns/packet |");
        System.out.println("|---|---|---|---|---|");
        for (int i = 0; i < all.size(); i++) {
            Round r = all.get(i);
            System.out.printf(Locale.ROOT, "| %d | %s | %d | %.0f | %.0f |%n", i / 2 + 1, r.path(), r.packets(),
                    r.packetsPerSecond(), r.cpuNanosPerPacket());
        }
        double[] ppsRatio = new double[rounds];
        double[] cpuRatio = new double[rounds];
        for (int i = 0; i < rounds; i++) {
            Round one = all.get(2 * i);
            Round batched = all.get(2 * i + 1);
            ppsRatio[i] = batched.packetsPerSecond() / one.packetsPerSecond();
            cpuRatio[i] = batched.cpuNanosPerPacket() / one.cpuNanosPerPacket();
        }
        System.out.printf(Locale.ROOT, "%nsessions %d; per round: batched/one-sendmsg packets/s median %.2f (%s),"
                + " CPU per packet median %.2f (%s)%n", sessions, median(ppsRatio), spread(ppsRatio),
                median(cpuRatio), spread(cpuRatio));
    }

    /** Alternating rounds: one-sendmsg, batched, one-sendmsg, ... */
    public static List<Round> run(int sessions, long packetsPerRound, int rounds) {
        List<Round> out = new ArrayList<>();
        try (SocketDataPlane plane = new SocketDataPlane(32, 0);
             UdpSocket sink = UdpSocket.bind(LOOPBACK, 0, 0, "benchmark sink")) {
            UdpSocket socket = UdpSocket.bind(null, 0, 0, "benchmark sender");
            SenderEndpoint ep = new SenderEndpoint(plane, socket, new SenderEndpoint.Key(null, 0),
                    TransmitTimestamps.on(socket, true));
            try {
                SessionSender[] one = new SessionSender[sessions];
                SessionSender[] batched = new SessionSender[sessions];
                for (int i = 0; i < sessions; i++) {
                    SenderSessionConfig c = SenderSessionConfig.builder().id(i).ssid(1 + i).reflectorAddress(LOOPBACK)
                            .reflectorPort(sink.localPort).intervalNanos(100_000_000L).build();
                    one[i] = new SessionSender(plane.node, c, SenderListener.IGNORE, 0);
                    one[i].attach(new OneSendmsgPort(ep, one[i]), null);
                    batched[i] = new SessionSender(plane.node, c, SenderListener.IGNORE, 0);
                    batched[i].attach(new SocketTestPort(plane.testPackets, ep, batched[i]), null);
                }
                round("warm-up", one, ep, plane, Math.min(packetsPerRound, 200_000));
                round("warm-up", batched, ep, plane, Math.min(packetsPerRound, 200_000));
                for (int r = 0; r < rounds; r++) {
                    out.add(round("one sendmsg per packet", one, ep, plane, packetsPerRound));
                    out.add(round("sendmmsg batches of 16", batched, ep, plane, packetsPerRound));
                }
            } finally {
                ep.close();
            }
        }
        return out;
    }

    private static Round round(String path, SessionSender[] sessions, SenderEndpoint ep, SocketDataPlane plane,
                               long packets) {
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        long sentBefore = sent(sessions);
        long cpu0 = mx.getCurrentThreadCpuTime();
        long t0 = System.nanoTime();
        long p = 0;
        while (p < packets && System.nanoTime() - t0 < ROUND_LIMIT_NANOS) {
            for (int k = 0; k < 16 && p < packets; k++, p++) {
                sessions[(int) (p % sessions.length)].fire(System.nanoTime());
            }
            plane.testPackets.flush();
            ep.transmitTimestamps.drain();
        }
        long wall = System.nanoTime() - t0;
        long cpu = mx.getCurrentThreadCpuTime() - cpu0;
        return new Round(path, sent(sessions) - sentBefore, wall, cpu);
    }

    private static long sent(SessionSender[] sessions) {
        long n = 0;
        for (SessionSender s : sessions) {
            n += s.sent();
        }
        return n;
    }

    private static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }

    private static String spread(double[] v) {
        return String.format(Locale.ROOT, "%.2f-%.2f", Arrays.stream(v).min().orElseThrow(),
                Arrays.stream(v).max().orElseThrow());
    }

    /**
     * The send path before batching, as SocketDataPlane had it: one msghdr, the routing header
     * made sticky before the send, traffic class and transmit-timestamp key as cmsgs, and one
     * sendmsg per packet right after T1.
     */
    private static final class OneSendmsgPort implements TestPacketPort {
        private final SenderEndpoint endpoint;
        private final SessionSender session;
        private final RoutingHeader route;
        private final MemorySegment payload;
        private final MemorySegment hdr;
        private final MemorySegment iov;
        private final MemorySegment control;
        private int routeError;
        private long seq;

        OneSendmsgPort(SenderEndpoint endpoint, SessionSender session) {
            this.endpoint = endpoint;
            this.session = session;
            this.route = endpoint.route(session.config.forwardSegments());
            Arena arena = Arena.ofAuto();
            payload = arena.allocate(SocketDataPlane.MAX_DATAGRAM, 64);
            iov = arena.allocate(Libc.IOVEC_SIZE, 8);
            hdr = arena.allocate(Libc.MMSGHDR_SIZE, 8);
            control = arena.allocate(64, 8);
            MemorySegment destination = arena.allocate(Libc.SOCKADDR_IN6_SIZE, 8);
            Sockaddr.write(destination, session.config.reflectorAddress(), session.config.reflectorPort());
            iov.set(ADDRESS, 0, payload);
            Libc.putMsgHeader(hdr, 0, destination, iov);
        }

        @Override
        public MemorySegment buffer() {
            return payload;
        }

        @Override
        public void prepare(int length, int dscp, long s) {
            seq = s;
            routeError = endpoint.socket.useRoute(route);
            iov.set(JAVA_LONG, 8, length);
            long used = 0;
            if (dscp > 0) {
                used = Libc.putCmsgInt(control, used, Libc.IPPROTO_IPV6, Libc.IPV6_TCLASS, dscp << 2);
            }
            TransmitTimestamps stamps = endpoint.transmitTimestamps;
            if (stamps.enabled()) {
                used = Libc.putCmsgInt(control, used, Libc.SOL_SOCKET, Libc.SCM_TS_OPT_ID, stamps.key(session, s));
            }
            hdr.set(ADDRESS, Libc.MSG_CONTROL, used == 0 ? MemorySegment.NULL : control);
            hdr.set(JAVA_LONG, Libc.MSG_CONTROLLEN, used);
        }

        @Override
        public void send() {
            long n = routeError;
            if (n == 0) {
                do {
                    n = Libc.sendmsg(endpoint.socket.fd, hdr, Libc.MSG_DONTWAIT);
                } while (n == -Libc.EINTR);
            }
            session.sendCompleted(seq, n);
        }

        @Override
        public int localPort() {
            return endpoint.socket.localPort;
        }
    }
}
