package io.stampd.dataplane.node;

import io.stampd.dataplane.DataPlane;
import io.stampd.dataplane.DataPlaneCounters;
import io.stampd.dataplane.PlaneSettings;
import io.stampd.dataplane.ReflectorHandle;
import io.stampd.dataplane.SendTiming;
import io.stampd.dataplane.SenderHandle;
import io.stampd.dataplane.afpacket.AfPacketPlane;
import io.stampd.dataplane.core.SessionObserver;
import io.stampd.dataplane.session.PeerAddresses;
import io.stampd.dataplane.session.RateLimit;
import io.stampd.dataplane.session.ReflectorSessionConfig;
import io.stampd.dataplane.session.SenderListener;
import io.stampd.dataplane.session.SenderSessionConfig;
import io.stampd.dataplane.socket.SocketDataPlane;
import io.stampd.dataplane.xdp.XdpPlane;

import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The data plane of a node: the socket path, always there, and on top of it, when the operator
 * chooses, the XDP programs on an interface ({@link XdpPlane}), which answer and collect what they
 * can in the kernel and leave the rest to the socket path, or a packet socket with a receive ring
 * on an interface ({@link AfPacketPlane}), which takes every STAMP packet of the node past the
 * kernel's UDP path and sends whole frames. Sessions run in the session core whatever
 * the plane; {@link #use} moves a running node between planes without stopping them.
 *
 * <pre>{@code
 * try (DataPlane dp = NodeDataPlane.open(PlaneSettings.xdp("eth1", Xdp.Mode.NATIVE))) {
 *     dp.startReflector(config);
 *     ...
 *     dp.use(PlaneSettings.SOCKET);   // programs detached, sessions keep running
 * }
 * }</pre>
 */
public final class NodeDataPlane implements DataPlane {
    private final SocketDataPlane socket;
    private volatile PlaneSettings plane = PlaneSettings.SOCKET;
    /** Attached XDP programs, or null; read and written on the I/O thread. */
    private volatile XdpPlane xdp;
    /** The open AF_PACKET plane, or null; read and written on the I/O thread. */
    private volatile AfPacketPlane afPacket;
    private volatile boolean closed;

    private NodeDataPlane(SocketDataPlane socket) {
        this.socket = socket;
    }

    /** A node on {@code plane}; a plane that cannot be used is refused (and nothing stays open). */
    public static NodeDataPlane open(PlaneSettings plane) {
        return open(plane, 32, SocketDataPlane.DEFAULT_SPIN_NANOS);
    }

    /** As {@link #open(PlaneSettings)}, with the socket path's batch size and poll window. */
    public static NodeDataPlane open(PlaneSettings plane, int batch, long spinNanos) {
        NodeDataPlane node = new NodeDataPlane(new SocketDataPlane(batch, spinNanos));
        try {
            node.use(plane);
            return node;
        } catch (RuntimeException e) {
            node.close();
            throw e;
        }
    }

    @Override
    public PlaneSettings plane() {
        return plane;
    }

    @Override
    public Set<PlaneSettings.Kind> supportedPlanes() {
        return Set.of(PlaneSettings.Kind.SOCKET, PlaneSettings.Kind.XDP, PlaneSettings.Kind.AF_PACKET);
    }

    @Override
    public void check(PlaneSettings p, Collection<SenderSessionConfig> senders,
                      Collection<ReflectorSessionConfig> reflectors) {
        checkOpen();
        checkIpv4(p, senders, reflectors);
        switch (p.kind()) {
            case SOCKET -> {
            }
            case XDP -> socket.loop.call(() -> {
                XdpPlane.check(p);
                boolean reflects = !reflectors.isEmpty() || !socket.node().reflectors.all().isEmpty();
                if (reflects && !XdpPlane.forwards(p.device())) {
                    throw XdpPlane.notForwarding(p.device());
                }
                return null;
            });
            case AF_PACKET -> socket.loop.call(() -> {
                AfPacketPlane.check(p);
                return null;
            });
        }
        socket.checkPorts(senders, reflectors);
    }

    @Override
    public synchronized void use(PlaneSettings p) {
        checkOpen();
        if (p.equals(plane)) {
            return;
        }
        check(p, java.util.List.of(), java.util.List.of());
        PlaneSettings before = plane;
        // Loaded here, off the I/O thread: the verifier takes a while, the sessions run on meanwhile.
        XdpPlane.Programs programs = p.kind() == PlaneSettings.Kind.XDP ? XdpPlane.Programs.load() : null;
        XdpPlane.Programs fallback = before.kind() == PlaneSettings.Kind.XDP && programs != null
                ? XdpPlane.Programs.load() : null;
        try {
            socket.loop.call(() -> {
                detachXdp();
                detachAfPacket();
                try {
                    attachXdp(p, programs);
                    attachAfPacket(p);
                } catch (RuntimeException e) {
                    try {
                        // all or nothing: the plane before
                        attachXdp(before, fallback);
                        attachAfPacket(before);
                    } catch (RuntimeException again) {
                        plane = PlaneSettings.SOCKET;
                        e.addSuppressed(again);
                    }
                    throw e;
                }
                return null;
            });
        } finally {
            if (fallback != null) {
                fallback.close(); // unless it was attached
            }
        }
        plane = p;
    }

    /** Attaches {@code programs} as {@code p} says, if it is the XDP plane (I/O thread). */
    private void attachXdp(PlaneSettings p, XdpPlane.Programs programs) {
        if (p.kind() != PlaneSettings.Kind.XDP || programs == null) {
            return;
        }
        try {
            xdp = XdpPlane.attach(socket.node(), p, programs, socket::receiveQueued, socket::observe);
        } catch (RuntimeException e) {
            socket.observe(SessionObserver.NONE);
            throw e;
        }
    }

    /** Opens the AF_PACKET plane as {@code p} says, if it is that plane (I/O thread). */
    private void attachAfPacket(PlaneSettings p) {
        if (p.kind() == PlaneSettings.Kind.AF_PACKET) {
            afPacket = AfPacketPlane.attach(socket.node(), socket, p);
        }
    }

    /** Hands the packets back to the socket path alone (I/O thread). */
    private void detachAfPacket() {
        AfPacketPlane a = afPacket;
        if (a != null) {
            afPacket = null;
            a.close();
        }
    }

    /** Hands the sessions back to the socket path alone (I/O thread). */
    private void detachXdp() {
        XdpPlane x = xdp;
        if (x != null) {
            socket.observe(SessionObserver.NONE);
            xdp = null;
            x.close();
        }
    }

    @Override
    public void batch(Runnable block) {
        checkOpen();
        socket.loop.call(() -> {
            block.run(); // on the I/O thread, each start's own hand-over runs inline
            return null;
        });
    }

    /**
     * Refuses IPv4 sessions on a plane whose programs parse IPv6 only: those to be started, and the
     * running ones that keep running (not replaced by a session of the same id among them).
     */
    private void checkIpv4(PlaneSettings p, Collection<SenderSessionConfig> senders,
                           Collection<ReflectorSessionConfig> reflectors) {
        if (p.kind() == PlaneSettings.Kind.SOCKET) {
            return;
        }
        PeerAddresses.checkPlane(p.kind(), senders, reflectors);
        java.util.Set<Long> replacedSenders = new java.util.HashSet<>();
        senders.forEach(c -> replacedSenders.add(c.id()));
        java.util.Set<Long> replacedReflectors = new java.util.HashSet<>();
        reflectors.forEach(c -> replacedReflectors.add(c.id()));
        PeerAddresses.checkPlane(p.kind(),
                socket.runningSenders().stream().filter(c -> !replacedSenders.contains(c.id())).toList(),
                socket.node().reflectors.all().stream().map(r -> r.config)
                        .filter(c -> !replacedReflectors.contains(c.id())).toList());
    }

    @Override
    public SenderHandle startSender(SenderSessionConfig config, SenderListener listener) {
        checkOpen();
        PeerAddresses.checkPlane(plane.kind(), java.util.List.of(config), java.util.List.of());
        return socket.startSender(config, listener);
    }

    @Override
    public ReflectorHandle startReflector(ReflectorSessionConfig config) {
        checkOpen();
        PlaneSettings p = plane;
        PeerAddresses.checkPlane(p.kind(), java.util.List.of(), java.util.List.of(config));
        if (p.kind() == PlaneSettings.Kind.XDP && !socket.loop.call(() -> XdpPlane.forwards(p.device()))) {
            throw XdpPlane.notForwarding(p.device());
        }
        return socket.startReflector(config);
    }

    @Override
    public void sourceRateLimit(RateLimit limit) {
        checkOpen();
        socket.loop.call(() -> {
            socket.node().sourceLimiter.limit(limit);
            XdpPlane x = xdp;
            if (x != null) {
                x.sourceLimit(limit); // the program's own buckets, for what it answers in the kernel
            }
            return null;
        });
    }

    @Override
    public DataPlaneCounters counters() {
        DataPlaneCounters c = socket.counters();
        XdpPlane x = xdp;
        if (x == null) {
            return c;
        }
        // The XDP program's drops over the per-source limit, beside the core's (what it passed up).
        return new DataPlaneCounters(c.unmatched(), c.malformed(), c.sendErrors(), c.internalErrors(),
                c.userSpaceRxTimestamps(), c.kernelTxTimestamps(), c.userSpaceTxTimestamps(),
                c.sourceRateLimited() + x.sourceLimitedInKernel());
    }

    @Override
    public Optional<SendTiming> sendTiming() {
        return socket.sendTiming();
    }

    @Override
    public Map<String, Long> programCounters() {
        XdpPlane x = xdp;
        if (x != null) {
            return x.counters();
        }
        AfPacketPlane a = afPacket;
        return a == null ? Map.of() : socket.loop.call(a::counters);
    }

    /** The socket path (for tests and the warm-up). */
    public SocketDataPlane socketPath() {
        return socket;
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("the data plane is closed");
        }
    }

    /** Detaches the programs (sessions handed back) and closes the socket path. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            socket.loop.call(() -> {
                detachXdp();
                detachAfPacket();
                return null;
            });
        } finally {
            socket.close();
        }
    }
}
