package io.stampd.dataplane.socket;

import io.stampd.dataplane.DataPlane;
import io.stampd.dataplane.DataPlaneCounters;
import io.stampd.dataplane.ReflectorHandle;
import io.stampd.dataplane.SendTiming;
import io.stampd.dataplane.SenderHandle;
import io.stampd.dataplane.core.Reflection;
import io.stampd.dataplane.core.ReplyDecision;
import io.stampd.dataplane.core.SessionObserver;
import io.stampd.dataplane.core.SessionReflector;
import io.stampd.dataplane.core.SessionSender;
import io.stampd.dataplane.core.StampNode;
import io.stampd.dataplane.session.RateLimit;
import io.stampd.dataplane.session.ReflectorSessionConfig;
import io.stampd.dataplane.session.SenderListener;
import io.stampd.dataplane.session.SenderSessionConfig;
import io.stampd.sys.Libc;

import java.lang.foreign.MemorySegment;
import io.stampd.dataplane.DataPlaneException;
import io.stampd.dataplane.PlaneSettings;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;


/**
 * The kernel-socket data plane: STAMP over ordinary UDP sockets, the SRv6 path carried by the
 * IPV6_RTHDR socket option, T2/T4 from kernel receive timestamps. The STAMP rules are the session
 * core's ({@link StampNode}); this class and its endpoints only move datagrams. One I/O thread
 * runs every session of this instance.
 */
public final class SocketDataPlane implements DataPlane, MessageBatch.SendErrors {
    /** Receive buffer per socket: 4 MiB absorbs bursts while the I/O thread is busy. */
    private static final int RECEIVE_BUFFER = 4 << 20;
    /**
     * Receive buffer of a socket shared by sessions without a sender port: thousands of sessions'
     * replies and transmit timestamps (1,000 sessions at 50 pps: 100,000 a second, about 1 KiB of
     * kernel memory each) must outlast a stall of the I/O thread of about a second. The soak
     * (BENCHMARKS.md) lost 979 replies at 50,000 pps with 32 MiB: a stall of the machine, the
     * catch-up after it and a full collection in the same second. Memory is taken only as used.
     */
    private static final int SHARED_RECEIVE_BUFFER = 128 << 20;

    final StampNode node;
    /** The I/O thread (the node's). */
    public final io.stampd.dataplane.core.EventLoop loop;
    final Reflection reflection;
    final MessageBatch rxBatch;
    /** The largest datagram a test packet or reply buffer holds. */
    static final int MAX_DATAGRAM = 9216;
    /** Where the senders' test packets are built and held until they leave together. */
    final TestPacketBatch testPackets = new TestPacketBatch();
    /** Sockets of sessions with a configured sender port (each shared by the sessions naming it). */
    private final Map<SenderEndpoint.Key, SenderEndpoint> senderEndpoints = new HashMap<>();
    /**
     * Sockets of sessions without one, by source address and forward path: a group's sessions
     * share the first whose sender table has room for them (no other session there with the same
     * SSID towards the same reflector address and port), else another one is opened.
     */
    private final Map<SenderEndpoint.Group, List<SenderEndpoint>> sharedSenderEndpoints = new HashMap<>();
    private final Map<Integer, ReflectorEndpoint> reflectorEndpoints = new HashMap<>();
    /** Running senders, whose timers stop before the sockets close. */
    private final java.util.Set<SessionSender> senders = new java.util.HashSet<>();
    private volatile boolean closed;
    /** Told about every session started and stopped (I/O thread). */
    private SessionObserver observer = SessionObserver.NONE;
    /**
     * Of the datagrams that arrive on interface {@code windowIfindex}, the receive times (Unix ns)
     * this path answers: [from, until). Another plane that sees copies of the same packets there
     * (AF_PACKET) answers the rest, so that a plane switch splits the traffic at one instant and no
     * packet is answered twice (both copies carry the kernel's one receive timestamp). Datagrams
     * from other interfaces are always this path's. I/O thread.
     */
    private int windowIfindex;
    private long handlesFrom = Long.MIN_VALUE;
    private long handlesUntil = Long.MAX_VALUE;
    /** Whether every endpoint socket carries the drop-everything filter (another plane answers). */
    private boolean muted;
    /** One slot for replies another plane decided but leaves to the kernel to send. */
    private final MessageBatch kernelReply = new MessageBatch(1, 9216);

    /** Default poll window before a send: see {@link #SocketDataPlane(int, long)}. */
    public static final long DEFAULT_SPIN_NANOS = 200_000L;

    public SocketDataPlane() {
        this(32, DEFAULT_SPIN_NANOS);
    }

    /**
     * @param batch     datagrams per recvmmsg/sendmmsg call
     * @param spinNanos how long before each scheduled test packet the I/O thread polls instead of
     *                  sleeping: sends on time and from a warm CPU (0 = always sleep)
     */
    public SocketDataPlane(int batch, long spinNanos) {
        rxBatch = new MessageBatch(batch, MAX_DATAGRAM);
        node = new StampNode("stampd-socket-io", spinNanos);
        loop = node.loop;
        reflection = new Reflection(node);
        // The warm-up runs on this thread before the I/O thread touches any socket.
        HotPathWarmup.run(this);
        loop.call(() -> {
            loop.afterTimers(testPackets::flush);
            node.counters.reset();
            return null;
        });
    }

    /** The session core this plane moves packets for. */
    public StampNode node() {
        return node;
    }

    /**
     * Answers what the sockets hold right now (I/O thread): before another plane takes over the
     * packets to come, so that the older ones are not answered after them.
     */
    public void receiveQueued() {
        for (ReflectorEndpoint ep : reflectorEndpoints.values()) {
            ep.onReady(Libc.EPOLLIN);
        }
        for (SenderEndpoint ep : senderEndpoints()) {
            ep.onReady(Libc.EPOLLIN | Libc.EPOLLERR);
        }
    }

    /**
     * Whether this path answers a datagram received at {@code rxNanos} (0: no timestamp, yes) on
     * interface {@code ifindex}.
     */
    boolean handles(long rxNanos, int ifindex) {
        return rxNanos == 0 || ifindex != windowIfindex || (rxNanos >= handlesFrom && rxNanos < handlesUntil);
    }

    /**
     * From receive time {@code at} on, another plane answers what arrives on interface
     * {@code ifindex} (I/O thread): datagrams received earlier are still this path's, later ones
     * are dropped here.
     */
    public void handOver(long at, int ifindex) {
        windowIfindex = ifindex;
        handlesFrom = Long.MIN_VALUE;
        handlesUntil = at;
    }

    /** From receive time {@code at} on, this path answers again; earlier ones were the other plane's. */
    public void takeBack(long at) {
        handlesFrom = at;
        handlesUntil = Long.MAX_VALUE;
    }

    /**
     * Keeps every endpoint socket bound but queueing nothing (a filter that drops every datagram),
     * or undoes it: while another plane reads the packets from its own ring and cannot keep the
     * kernel's stack from seeing them too (no TCX on the kernel), the kernel must neither answer
     * the ports with ICMP (the sockets stay bound) nor fill their receive buffers. Sockets opened
     * meanwhile get the filter too. I/O thread.
     */
    public void mute(boolean on) {
        if (on == muted) {
            return;
        }
        muted = on;
        for (SenderEndpoint ep : senderEndpoints()) {
            muteSocket(ep.socket);
        }
        for (ReflectorEndpoint ep : reflectorEndpoints.values()) {
            muteSocket(ep.socket);
        }
    }

    private void muteSocket(UdpSocket socket) {
        int r = muted ? io.stampd.sys.packet.SocketFilters.dropAll(socket.fd)
                : io.stampd.sys.packet.SocketFilters.detach(socket.fd);
        if (r < 0 && !(r == -Libc.ENOENT && !muted)) {
            throw new DataPlaneException(DataPlaneException.Reason.RESOURCE, (muted ? "attaching" : "detaching")
                    + " the socket filter of UDP port " + socket.localPort + " failed: " + Libc.strerror(-r),
                    DataPlaneException.Subject.plane(DataPlaneException.Field.PLANE_TYPE));
        }
    }

    /**
     * Sends a reply that another plane decided ({@code d}, built by the core in {@code payload})
     * but cannot send itself, through the socket of reflector port {@code port}: the kernel
     * routes it and resolves the next hop's neighbour, which the other plane will find next time.
     * T3 is written right before the send. Returns false if no socket serves the port. I/O thread.
     */
    public boolean replyThroughKernel(int port, MemorySegment payload, int length, MemorySegment requestSource,
                                      int requestSourcePort, ReplyDecision d) {
        ReflectorEndpoint ep = reflectorEndpoints.get(port);
        if (ep == null || length > kernelReply.bufferSize) {
            return false;
        }
        MemorySegment.copy(payload, 0, kernelReply.payload(0), 0, length);
        kernelReply.length[0] = length;
        io.stampd.sys.Sockaddr.write(kernelReply.name(0), requestSource, requestSourcePort, 0);
        ep.queue(kernelReply, 0, d);
        if (kernelReply.pendingSends() > 0) {
            ep.stampAndSend(kernelReply);
        }
        return true;
    }

    /**
     * Has {@code o} told about every session started or stopped from now on, and about those
     * running now (as started). I/O thread only; {@link SessionObserver#NONE} to stop.
     */
    public void observe(SessionObserver o) {
        observer = o;
        for (SessionSender s : senders) {
            o.senderStarted(s, s.port().localPort());
        }
        for (SessionReflector r : node.reflectors.all()) {
            o.reflectorStarted(r);
        }
    }

    @Override
    public PlaneSettings plane() {
        return PlaneSettings.SOCKET;
    }

    @Override
    public Set<PlaneSettings.Kind> supportedPlanes() {
        return Set.of(PlaneSettings.Kind.SOCKET);
    }

    @Override
    public void check(PlaneSettings plane, Collection<SenderSessionConfig> senders,
                      Collection<ReflectorSessionConfig> reflectors) {
        if (plane.kind() != PlaneSettings.Kind.SOCKET) {
            throw new DataPlaneException(DataPlaneException.Reason.UNSUPPORTED, "this node runs the socket data plane"
                    + " only, not " + plane.kind(), DataPlaneException.Subject.plane(DataPlaneException.Field.PLANE_TYPE));
        }
        checkPorts(senders, reflectors);
    }

    /**
     * Refuses sessions whose port or address another program holds. Ports this plane holds itself
     * are not probed: it shares them (or a session being replaced releases them).
     */
    public void checkPorts(Collection<SenderSessionConfig> senders, Collection<ReflectorSessionConfig> reflectors) {
        var held = loop.call(() -> new Held(Set.copyOf(reflectorEndpoints.keySet()),
                Set.copyOf(senderEndpoints.keySet())));
        for (ReflectorSessionConfig r : reflectors) {
            if (!held.reflectorPorts.contains(r.reflectorPort())) {
                PortProbe.check(null, r.reflectorPort()).ifPresent(refusal -> {
                    throw new DataPlaneException(reason(refusal), "reflector session " + r.id() + " cannot start: "
                            + refusal.message(), new DataPlaneException.Subject(DataPlaneException.Field.REFLECTOR_PORT,
                            r.id()));
                });
            }
        }
        for (SenderSessionConfig c : senders) {
            if (c.senderPort() == 0 && c.senderAddress() == null) {
                continue; // the kernel picks a free port on any address
            }
            boolean ours = c.senderPort() != 0 && held.senderEndpoints.stream().anyMatch(k -> k.port() == c.senderPort()
                    && Objects.equals(k.address(), c.senderAddress()));
            if (!ours) {
                PortProbe.check(c.senderAddress(), c.senderPort()).ifPresent(refusal -> {
                    DataPlaneException.Field field = refusal.problem() == PortProbe.Problem.ADDRESS_NOT_AVAILABLE
                            ? DataPlaneException.Field.SENDER_ADDRESS : DataPlaneException.Field.SENDER_PORT;
                    throw new DataPlaneException(reason(refusal), "sender session " + c.id() + " cannot start: "
                            + refusal.message(), new DataPlaneException.Subject(field, c.id()));
                });
            }
        }
    }

    private record Held(Set<Integer> reflectorPorts, Set<SenderEndpoint.Key> senderEndpoints) {
    }

    private static DataPlaneException.Reason reason(PortProbe.Refusal refusal) {
        return switch (refusal.problem()) {
            case IN_USE -> DataPlaneException.Reason.PORT_IN_USE;
            case ADDRESS_NOT_AVAILABLE -> DataPlaneException.Reason.ADDRESS_NOT_AVAILABLE;
            case OTHER -> DataPlaneException.Reason.RESOURCE;
        };
    }

    @Override
    public void use(PlaneSettings plane) {
        check(plane, java.util.List.of(), java.util.List.of());
    }

    @Override
    public SenderHandle startSender(SenderSessionConfig config, SenderListener listener) {
        return startSender(config, listener, 0);
    }

    /**
     * Starts a sender whose first sequence number is {@code firstSeq} instead of 0 (RFC 8762
     * §4.2.1: a session starts at zero). For tests only: a session 49 days into its life at 1 ms,
     * where the 32-bit wire number wraps.
     */
    SenderHandle startSender(SenderSessionConfig config, SenderListener listener, long firstSeq) {
        checkOpen();
        SessionSender s = new SessionSender(node, config, listener, firstSeq);
        return loop.call(() -> {
            SenderEndpoint.Key key = new SenderEndpoint.Key(config.senderAddress(), config.senderPort());
            SenderEndpoint.Group group = new SenderEndpoint.Group(config.senderAddress(), config.forwardSegments());
            SenderEndpoint ep = config.senderPort() == 0 ? sharedEndpointWithRoomFor(group, s) : senderEndpoints.get(key);
            boolean created = false;
            if (ep == null) {
                UdpSocket sock = UdpSocket.bind(config.senderAddress(), config.senderPort(),
                        config.senderPort() == 0 ? SHARED_RECEIVE_BUFFER : RECEIVE_BUFFER,
                        "sender session " + config.id());
                ep = new SenderEndpoint(this, sock, key, TransmitTimestamps.on(sock, true));
                created = true;
                if (muted) {
                    muteSocket(sock);
                }
            }
            SocketTestPort port = new SocketTestPort(testPackets, ep, s);
            try {
                node.senders.add(ep.id, s);
                ep.socket.checkRoute(port.route); // the kernel validates the SRH now, not at packet 1
            } catch (RuntimeException e) {
                node.senders.remove(ep.id, s);
                if (created) {
                    ep.close();
                }
                throw e;
            }
            if (created) {
                ep.token = loop.register(ep.socket.fd, ep);
                if (config.senderPort() == 0) {
                    sharedSenderEndpoints.computeIfAbsent(group, g -> new ArrayList<>()).add(ep);
                } else {
                    senderEndpoints.put(key, ep);
                }
            }
            ep.sessions++;
            senders.add(s);
            final SenderEndpoint endpoint = ep;
            s.attach(port, () -> stopSender(s, endpoint));
            observer.senderStarted(s, port.localPort());
            s.start(System.nanoTime());
            return s;
        });
    }

    /** A socket of {@code group} where {@code s} can tell its replies from the others', or null. */
    private SenderEndpoint sharedEndpointWithRoomFor(SenderEndpoint.Group group, SessionSender s) {
        for (SenderEndpoint ep : sharedSenderEndpoints.getOrDefault(group, List.of())) {
            if (!node.senders.taken(ep.id, s)) {
                return ep;
            }
        }
        return null;
    }

    /** The configurations of the running sender sessions. Any thread. */
    public List<SenderSessionConfig> runningSenders() {
        return loop.call(() -> senders.stream().map(s -> s.config).toList());
    }

    /** How many sender sockets are open (tests of the sharing). Any thread. */
    int senderSockets() {
        return loop.call(() -> senderEndpoints().size());
    }

    /** Test packets sent so far, and the sendmmsg calls that sent them (tests of the batching). Any thread. */
    long[] testPacketsAndSystemCalls() {
        return loop.call(() -> new long[] {testPackets.messages(), testPackets.systemCalls()});
    }

    /** Every sender socket open. I/O thread. */
    private List<SenderEndpoint> senderEndpoints() {
        List<SenderEndpoint> all = new ArrayList<>(senderEndpoints.values());
        sharedSenderEndpoints.values().forEach(all::addAll);
        return all;
    }

    private void stopSender(SessionSender s, SenderEndpoint ep) {
        loop.call(() -> {
            loop.cancel(s);
            if (senders.remove(s)) {
                observer.senderStopped(s, ep.socket.localPort);
            }
            node.senders.remove(ep.id, s);
            ep.transmitTimestamps.forget(s);
            if (--ep.sessions == 0) {
                loop.unregister(ep.socket.fd, ep.token);
                senderEndpoints.values().remove(ep);
                sharedSenderEndpoints.values().forEach(l -> l.remove(ep));
                sharedSenderEndpoints.values().removeIf(List::isEmpty);
                ep.close();
            }
            return null;
        });
    }

    @Override
    public ReflectorHandle startReflector(ReflectorSessionConfig config) {
        checkOpen();
        SessionReflector s = new SessionReflector(node, config);
        RoutingHeader returnRoute = RoutingHeader.of(config.returnSegments());
        s.attachment = returnRoute;
        return loop.call(() -> {
            ReflectorEndpoint ep = reflectorEndpoints.get(config.reflectorPort());
            boolean created = false;
            if (ep == null) {
                UdpSocket sock = UdpSocket.bind(null, config.reflectorPort(), RECEIVE_BUFFER,
                        "reflector session " + config.id());
                ep = new ReflectorEndpoint(this, sock, config.reflectorPort());
                created = true;
                if (muted) {
                    muteSocket(sock);
                }
            }
            try {
                node.reflectors.add(s);
                ep.socket.checkRoute(returnRoute);
            } catch (RuntimeException e) {
                node.reflectors.remove(s);
                if (created) {
                    ep.close();
                }
                throw e;
            }
            if (created) {
                ep.token = loop.register(ep.socket.fd, ep);
                reflectorEndpoints.put(config.reflectorPort(), ep);
            }
            ep.sessions++;
            final ReflectorEndpoint endpoint = ep;
            s.onClose(() -> stopReflector(s, endpoint));
            s.onRateLimit(limit -> loop.call(() -> {
                // An in-kernel plane provisions the session again with the new limit.
                observer.reflectorStopped(s);
                s.applyRateLimit(limit, System.nanoTime());
                observer.reflectorStarted(s);
                return null;
            }));
            observer.reflectorStarted(s);
            return s;
        });
    }

    private void stopReflector(SessionReflector s, ReflectorEndpoint ep) {
        loop.call(() -> {
            observer.reflectorStopped(s);
            node.reflectors.remove(s);
            ep.transmitTimestamps.forget(s);
            if (--ep.sessions == 0) {
                loop.unregister(ep.socket.fd, ep.token);
                reflectorEndpoints.remove(ep.port);
                ep.close();
            }
            return null;
        });
    }

    @Override
    public void sourceRateLimit(RateLimit limit) {
        checkOpen();
        loop.call(() -> {
            node.sourceLimiter.limit(limit);
            return null;
        });
    }

    @Override
    public void onSendError(int errno) {
        node.counters.sendErrors.increment();
    }

    @Override
    public DataPlaneCounters counters() {
        return node.counters.read(loop.handlerFailures());
    }

    /** Lateness of every test packet sent by this data plane, T1 against its scheduled time. */
    @Override
    public Optional<SendTiming> sendTiming() {
        return Optional.of(node.sendTiming.snapshot());
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("the socket data plane is closed");
        }
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        loop.call(() -> {
            senders.forEach(loop::cancel);
            senders.clear();
            for (SenderEndpoint ep : senderEndpoints()) {
                ep.close();
            }
            for (ReflectorEndpoint ep : reflectorEndpoints.values()) {
                ep.close();
            }
            senderEndpoints.clear();
            sharedSenderEndpoints.clear();
            reflectorEndpoints.clear();
            return null;
        });
        node.close();
        rxBatch.close();
        kernelReply.close();
        testPackets.close();
    }
}
