package io.stampd.dataplane.afpacket;

import io.stampd.dataplane.DataPlaneException;
import io.stampd.dataplane.PlanePrivileges;
import io.stampd.dataplane.PlaneSettings;
import io.stampd.dataplane.codec.StampLayout;
import io.stampd.dataplane.core.EventLoop;
import io.stampd.dataplane.core.Reflection;
import io.stampd.dataplane.core.ReplyChannel;
import io.stampd.dataplane.core.ReplyDecision;
import io.stampd.dataplane.core.SenderTable;
import io.stampd.dataplane.core.SessionObserver;
import io.stampd.dataplane.core.SessionReflector;
import io.stampd.dataplane.core.SessionSender;
import io.stampd.dataplane.core.StampNode;
import io.stampd.dataplane.core.TestPacketPort;
import io.stampd.dataplane.socket.SocketDataPlane;
import io.stampd.dataplane.socket.TransmitTimestamps;
import io.stampd.sys.Libc;
import io.stampd.sys.bpf.NetInterfaces;
import io.stampd.sys.packet.PacketRing;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.Inet6Address;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.logging.Logger;

/**
 * The AF_PACKET data plane of a node, on any Ethernet interface: a packet socket with a
 * TPACKET_V3 receive ring takes the node's STAMP packets (an eBPF socket filter,
 * ebpf/stamp_packet_filter.bpf.c, lets only test packets and replies for the sessions' ports and
 * the node's addresses into the ring), the session core handles them as it does for the socket
 * path, and replies and test packets leave as whole Ethernet frames built here (next hop from the
 * kernel's routing and neighbour tables, {@link NextHops}) through the same socket, past the
 * qdisc, in batches.
 *
 * <p>A packet socket is a tap: the kernel's own stack would get every packet too. So the same
 * filter's TC ingress twin (stamp_packet_take, a TCX link that ends with this process) drops what
 * the ring took, after the tap and before the IPv6 stack: no UDP socket queues it, no ICMP port
 * unreachable answers it, and the stack's cost is saved; STAMP packets arriving on other
 * interfaces still reach the socket path, which answers them. (Without TCX the socket path's
 * sockets are muted instead, {@link SocketDataPlane#mute}.) A plane switch splits the packets of
 * the interface at one receive instant (both copies of a packet carry the kernel's one
 * timestamp): the socket path answers what arrived before, this plane what arrived after, and the
 * other way round at a detach. What this plane cannot send itself (no usable neighbour yet,
 * a route through another interface) goes through the kernel via the socket path, which resolves
 * the neighbour for the next time. Every method runs on the node's I/O thread.
 */
public final class AfPacketPlane implements SessionObserver, EventLoop.ReadHandler, ReplyChannel,
        PacketRing.FrameHandler, AutoCloseable {
    private static final Logger LOG = Logger.getLogger(AfPacketPlane.class.getName());
    private static final int BATCH = 64;
    private static final int SLOT = FrameWriter.HEAD + 9216;
    private static final int BLOCKS_PER_WAKEUP = 16;
    /**
     * How long after a switch the kernel's stack keeps getting (and the socket path discarding)
     * what this plane answers, before the packets are taken from it: long enough for every packet
     * stamped before the switch to have reached its socket, which answers it.
     */
    private static final long TAKE_AFTER_NANOS = 20_000_000L;
    /** How long a detach waits for frames stamped before it to reach the ring. */
    private static final long DETACH_GRACE_MILLIS = 10;
    private static final long REFRESH_NANOS = 1_000_000_000L;

    /** What this plane did, for the operational state (read by other threads: volatile-free snapshots are fine). */
    static final class Counters {
        long frames;
        long outsideWindow;
        long refusedNotIpv6;
        long refusedExtensionHeaders;
        long refusedTruncated;
        long refusedChecksum;
        long refusedTooLong;
        long repliesSent;
        long repliesThroughKernel;
        long testPacketsSent;
        long testPacketsThroughKernel;
        long sendErrors;
        long ringDrops;

        void clear() {
            frames = outsideWindow = refusedNotIpv6 = refusedExtensionHeaders = refusedTruncated = 0;
            refusedChecksum = refusedTooLong = repliesSent = repliesThroughKernel = testPacketsSent = 0;
            testPacketsThroughKernel = sendErrors = ringDrops = 0;
        }
    }

    final Counters counters = new Counters();
    private final StampNode node;
    private final SocketDataPlane socketPath;
    private final PlaneSettings settings;
    final int ifindex;
    final long localMac;
    final int hopLimit;
    /** The interface's IPv6 MTU (net.ipv6.conf.DEV.mtu, followed once a second): longer frames go through the kernel. */
    int ipv6Mtu;
    private final io.stampd.sys.Sysctl.IntSetting mtuSetting;
    private final Reflection reflection;
    private final StampPacketFilter filter;
    private final PacketRing ring;
    /** The kernel's transmit times of test packets (T1) and of the replies a follow-up reports (T3). */
    final TransmitTimestamps txStamps;
    private final NextHops nextHops = new NextHops();
    private final FrameBatch batch;
    private int token = -1;
    /** The receive times this plane answers: [from, until). */
    private long from = Long.MAX_VALUE;
    private long until = Long.MAX_VALUE;

    // replies queued for one sendmmsg
    private final Arena arena = Arena.ofShared();
    private final MemorySegment txSlots;
    private final MemorySegment[] txFrame = new MemorySegment[BATCH];
    private final MemorySegment[] txPayload = new MemorySegment[BATCH];
    /** txHdrs from entry k on: where a partial sendmmsg resumes. */
    private final MemorySegment[] txHdrTails = new MemorySegment[BATCH];
    private final MemorySegment txHdrs;
    private final MemorySegment txIovs;
    private final SessionReflector[] queuedSession = new SessionReflector[BATCH];
    private final int[] queuedSegments = new int[BATCH];
    /** The frame slot (= the batch's datagram index) of each queued reply. */
    private final int[] queuedSlot = new int[BATCH];
    private final int[] queuedUdpLength = new int[BATCH];
    /** Per reply slot: room for the cmsgs that ask for its transmit timestamp. */
    private final MemorySegment txControl;
    private int queued;
    // one test packet
    private final MemorySegment testHdr;
    private final MemorySegment testIov;
    private final MemorySegment testControl;

    /** Sessions per port: reflector ports and the senders' local ports (indexed by port, no boxing). */
    private final int[] reflectorPortUse = new int[65_536];
    private final int[] senderPortUse = new int[65_536];
    /** The senders by (local port, SSID, reflector port and address). */
    private final SenderTable senders = new SenderTable();
    private final Map<SessionSender, TestPacketPort> kernelPorts = new IdentityHashMap<>();
    /** Each reflector session's return path (16 octets per segment, first hop first), or absent. */
    private final Map<SessionReflector, MemorySegment> returnPaths = new IdentityHashMap<>();
    private Set<String> localAddresses = Set.of();
    /**
     * Once every packet stamped before the switch has reached the socket path: the STAMP packets
     * of this interface are taken from the kernel's stack at TC ingress (after the ring has its
     * copy), or, where the kernel has no TCX, the socket path's sockets are muted instead.
     */
    private final EventLoop.Timer taker = new EventLoop.Timer() {
        @Override
        protected long fire(long now) {
            try {
                filter.takeFromStack(ifindex);
            } catch (DataPlaneException e) {
                LOG.warning(e.getMessage() + "; the socket path's sockets drop the STAMP packets instead");
                socketPath.mute(true);
            }
            return -1;
        }
    };
    private final EventLoop.Timer refresher = new EventLoop.Timer() {
        @Override
        protected long fire(long now) {
            refreshAddresses();
            ipv6Mtu = mtuSetting.read(ipv6Mtu);
            counters.ringDrops += ring.takeDrops();
            return now + REFRESH_NANOS;
        }
    };
    private boolean closed;
    /** Where frames are sent: the ring's socket, or -1 while the warm-up runs (every send fails). */
    private int txFd = -1;
    /** While the warm-up runs: its send failures are not the node's. */
    private boolean warming;

    private AfPacketPlane(StampNode node, SocketDataPlane socketPath, PlaneSettings settings, int ifindex,
                          long localMac) {
        this.node = node;
        this.socketPath = socketPath;
        this.settings = settings;
        this.ifindex = ifindex;
        this.localMac = localMac;
        this.hopLimit = hopLimit(settings.device());
        this.mtuSetting = new io.stampd.sys.Sysctl.IntSetting("net/ipv6/conf/" + settings.device() + "/mtu");
        this.ipv6Mtu = mtuSetting.read(1280);
        this.reflection = new Reflection(node);
        txSlots = arena.allocate((long) SLOT * BATCH, 64);
        txHdrs = arena.allocate((long) Libc.MMSGHDR_SIZE * BATCH, 8);
        txIovs = arena.allocate((long) Libc.IOVEC_SIZE * BATCH, 8);
        for (int k = 0; k < BATCH; k++) {
            txFrame[k] = txSlots.asSlice((long) SLOT * k, SLOT);
            txPayload[k] = txSlots.asSlice((long) SLOT * k + FrameWriter.HEAD, 9216);
            txHdrTails[k] = txHdrs.asSlice((long) Libc.MMSGHDR_SIZE * k);
            MemorySegment iov = txIovs.asSlice((long) Libc.IOVEC_SIZE * k, Libc.IOVEC_SIZE);
            Libc.putMsgHeader(txHdrs, (long) Libc.MMSGHDR_SIZE * k, null, iov);
            txHdrs.set(ValueLayout.JAVA_INT, (long) Libc.MMSGHDR_SIZE * k + Libc.MSG_NAMELEN, 0); // the bound interface
        }
        // Datagram i is read straight into reply frame i: the core answers it in place there.
        this.batch = new FrameBatch(9216, ifindex, txPayload);
        txControl = arena.allocate(64L * BATCH, 8);
        testIov = arena.allocate(Libc.IOVEC_SIZE, 8);
        testControl = arena.allocate(64, 8);
        testHdr = arena.allocate(Libc.MSGHDR_SIZE, 8);
        Libc.putMsgHeader(testHdr, 0, null, testIov);
        testHdr.set(ValueLayout.JAVA_INT, Libc.MSG_NAMELEN, 0);
        StampPacketFilter f = StampPacketFilter.load();
        try {
            ring = PacketRing.open(ifindex, PacketRing.Geometry.DEFAULT, f::attach);
        } catch (RuntimeException e) {
            f.close();
            nextHops.close();
            arena.close();
            throw e;
        }
        filter = f;
        txStamps = TransmitTimestamps.forPacketSocket(ring.fd);
        warming = true;
        try {
            AfPacketWarmup.run(this, node);
        } finally {
            warming = false;
            nextHops.clear();
            counters.clear();
        }
        txFd = ring.fd;
    }

    /**
     * Checks that {@code settings} can be used here (on the I/O thread: the node's namespace): the
     * process has the capabilities the plane needs, the interface exists and is an Ethernet interface.
     */
    public static void check(PlaneSettings settings) {
        PlanePrivileges.requireAfPacket();
        interfaceOf(settings);
    }

    private static long interfaceOf(PlaneSettings settings) {
        int ifindex;
        byte[] mac;
        try {
            ifindex = NetInterfaces.indexOf(settings.device());
            mac = NetInterfaces.macOf(settings.device());
        } catch (IllegalArgumentException | IllegalStateException e) {
            throw new DataPlaneException(DataPlaneException.Reason.INVALID_CONFIGURATION,
                    "the af-packet data plane cannot open interface " + settings.device() + ": " + e.getMessage(),
                    DataPlaneException.Subject.plane(DataPlaneException.Field.PLANE_INTERFACE));
        }
        long m = 0;
        for (byte b : mac) {
            m = m << 8 | Byte.toUnsignedLong(b);
        }
        if (mac.length != 6 || m == 0) {
            throw new DataPlaneException(DataPlaneException.Reason.INVALID_CONFIGURATION, "the af-packet data plane"
                    + " builds Ethernet frames: " + settings.device() + " has no Ethernet address",
                    DataPlaneException.Subject.plane(DataPlaneException.Field.PLANE_INTERFACE));
        }
        return (long) ifindex << 48 | m;
    }

    /**
     * Opens the ring on the interface {@code settings} names and takes over the node's packets
     * from now on (I/O thread): {@code register} has the plane told about every session, then the
     * receive instant that splits the packets is set, and a little later the packets are taken
     * from the kernel's stack. All or nothing.
     */
    public static AfPacketPlane attach(StampNode node, SocketDataPlane socketPath, PlaneSettings settings) {
        long id = interfaceOf(settings);
        AfPacketPlane plane;
        try {
            plane = new AfPacketPlane(node, socketPath, settings, (int) (id >>> 48), id & 0xFFFF_FFFF_FFFFL);
        } catch (RuntimeException e) {
            throw e instanceof DataPlaneException d ? d : new DataPlaneException(DataPlaneException.Reason.RESOURCE,
                    "the af-packet data plane cannot open " + settings.device() + ": " + e.getMessage(),
                    DataPlaneException.Subject.plane(DataPlaneException.Field.PLANE_INTERFACE), e);
        }
        try {
            plane.refreshAddresses();
            plane.token = node.loop.register(plane.ring.fd, plane);
            socketPath.observe(plane);
            long at = Libc.realtimeNanos();
            plane.from = at;
            socketPath.handOver(at, plane.ifindex);
            node.loop.schedule(plane.taker, System.nanoTime() + TAKE_AFTER_NANOS);
            node.loop.schedule(plane.refresher, System.nanoTime() + REFRESH_NANOS);
            LOG.info("af-packet data plane on " + settings.device() + " (ifindex " + plane.ifindex + ")");
            return plane;
        } catch (RuntimeException e) {
            plane.close();
            throw e;
        }
    }

    public PlaneSettings settings() {
        return settings;
    }

    // ---- sessions ------------------------------------------------------------------------------

    @Override
    public void senderStarted(SessionSender s, int localPort) {
        if (senderPortUse[localPort]++ == 0) {
            filter.port(localPort, true);
        }
        senders.add(localPort, s);
        TestPacketPort kernel = s.port();
        kernelPorts.put(s, kernel);
        s.usePort(new AfPacketTestPort(this, s, kernel));
    }

    @Override
    public void senderStopped(SessionSender s, int localPort) {
        senders.remove(localPort, s);
        txStamps.forget(s);
        TestPacketPort kernel = kernelPorts.remove(s);
        if (kernel != null) {
            s.usePort(kernel);
        }
        if (--senderPortUse[localPort] == 0) {
            filter.port(localPort, false);
        }
    }

    @Override
    public void reflectorStarted(SessionReflector s) {
        int port = s.config.reflectorPort();
        if (reflectorPortUse[port]++ == 0) {
            filter.port(port, true);
        }
        List<Inet6Address> path = s.config.returnSegments();
        if (!path.isEmpty()) {
            MemorySegment p = arena.allocate(16L * path.size(), 8);
            for (int i = 0; i < path.size(); i++) {
                MemorySegment.copy(path.get(i).getAddress(), 0, p, ValueLayout.JAVA_BYTE, 16L * i, 16);
            }
            returnPaths.put(s, p);
        }
    }

    @Override
    public void reflectorStopped(SessionReflector s) {
        returnPaths.remove(s);
        txStamps.forget(s);
        int port = s.config.reflectorPort();
        if (--reflectorPortUse[port] == 0) {
            filter.port(port, false);
        }
    }

    /** The node's addresses into the filter (once a second): only packets to them reach the ring. */
    private void refreshAddresses() {
        Set<String> now = new HashSet<>();
        for (byte[] a : node.localAddresses.snapshot()) {
            now.add(HexFormat.of().formatHex(a));
        }
        if (now.equals(localAddresses)) {
            return;
        }
        for (String a : now) {
            if (!localAddresses.contains(a)) {
                filter.localAddress(HexFormat.of().parseHex(a), true);
            }
        }
        for (String a : localAddresses) {
            if (!now.contains(a)) {
                filter.localAddress(HexFormat.of().parseHex(a), false);
            }
        }
        localAddresses = now;
    }

    // ---- receiving -----------------------------------------------------------------------------

    @Override
    public void onReady(int events) {
        if ((events & Libc.EPOLLERR) != 0) {
            txStamps.drain(); // transmit timestamps are queued before the replies they lead to
        }
        ring.poll(this, BLOCKS_PER_WAKEUP);
        handleBatch();
    }

    @Override
    public void frame(MemorySegment ringMemory, long mac, int captured, int wireLength, long rxNanos,
                      PacketRing.Stamp stamp, boolean checksumDone) {
        counters.frames++;
        if (rxNanos < from || rxNanos >= until) {
            counters.outsideWindow++; // the socket path's (before the switch, or after a detach)
            return;
        }
        switch (batch.add(ringMemory, mac, captured, stamp == PacketRing.Stamp.COARSE ? 0 : rxNanos, checksumDone)) {
            case NONE -> {
                if (batch.full()) {
                    handleBatch();
                }
            }
            case NOT_IPV6 -> counters.refusedNotIpv6++;
            case EXTENSION_HEADERS -> counters.refusedExtensionHeaders++;
            case TRUNCATED -> {
                counters.refusedTruncated++;
                node.counters.malformed.increment();
            }
            case CHECKSUM -> counters.refusedChecksum++;
            case TOO_LONG -> {
                counters.refusedTooLong++;
                node.counters.malformed.increment();
            }
        }
    }

    void handleBatch() {
        int n = batch.count;
        for (int i = 0; i < n; i++) {
            try {
                int port = batch.destinationPort[i];
                if (reflectorPortUse[port] > 0) {
                    reflect(i, port);
                } else {
                    senderReply(i, port);
                }
            } catch (RuntimeException e) {
                node.internalError(e);
            }
        }
        batch.count = 0;
        flush();
    }

    /** A reply to one of the node's senders (the socket path's SenderEndpoint, by local port). */
    private void senderReply(int i, int port) {
        MemorySegment p = batch.payload(i);
        int len = batch.length[i];
        SessionSender s = null;
        if (len >= 16) {
            s = senders.find(port, StampLayout.UNAUTHENTICATED.ssid(p), batch.sourcePort[i], batch.sourceAddress(i));
            if (s != null && s.layout.authenticated()) {
                s = null;
            }
        }
        if (s == null && len >= 28) {
            s = senders.find(port, StampLayout.AUTHENTICATED.ssid(p), batch.sourcePort[i], batch.sourceAddress(i));
            if (s != null && !s.layout.authenticated()) {
                s = null;
            }
        }
        if (s != null) {
            s.onReply(p, len, batch.rxNanos[i], batch.trafficClass(i));
        } else if (len < 44) {
            node.counters.malformed.increment();
        } else {
            node.counters.unmatched.increment();
        }
    }

    /** A test packet to one of the node's reflector ports: the core decides, the reply is built here. */
    private void reflect(int i, int port) {
        ReplyDecision d = reflection.reflect(batch, i, port, this);
        if (!d.reply) {
            return;
        }
        MemorySegment p = batch.payload(i);
        int len = d.replyLength; // the request's, or the base packet's for a short (TWAMP-Light) request
        MemorySegment path = null;
        long pathAt = 0;
        int segments = 0;
        MemorySegment destination = batch.sourceAddress(i);
        long destinationAt = 0;
        if (d.segmentsCount > 0) {
            path = p;
            pathAt = d.segmentsOffset;
            segments = d.segmentsCount;
            destination = p;
            destinationAt = d.segmentsOffset + 16L * (segments - 1);
        } else {
            MemorySegment r = returnPaths.get(d.session);
            if (r != null) {
                path = r;
                segments = (int) (r.byteSize() / 16);
            }
            if (d.destinationOffset >= 0) {
                destination = p;
                destinationAt = d.destinationOffset;
            }
        }
        NextHops.Hop hop = segments > 0 ? nextHops.lookup(path, pathAt, System.nanoTime())
                : nextHops.lookup(destination, destinationAt, System.nanoTime());
        if (!sendsVia(hop) || (d.ifindex != 0 && d.ifindex != ifindex) || queued == BATCH
                || !fits(segments, len)) {
            // The kernel routes it (and resolves the neighbour for next time, or fragments a reply
            // that a longer return path made longer than the link's MTU).
            counters.repliesThroughKernel++;
            if (!socketPath.replyThroughKernel(port, p, len, batch.sourceAddress(i), batch.sourcePort[i], d)) {
                node.counters.sendErrors.increment();
            }
            return;
        }
        MemorySegment source = d.source != null ? d.source : batch.destinationAddress(i);
        int k = queued++;
        long slot = (long) SLOT * i;
        MemorySegment frame = txFrame[i]; // p is this frame's payload already
        int start = FrameWriter.write(frame, hop.mac, localMac, Math.max(0, d.trafficClass), hopLimit, source, 0,
                path, pathAt, segments, destination, destinationAt, port, batch.sourcePort[i], len);
        MemorySegment iov = txIovs;
        long iv = (long) Libc.IOVEC_SIZE * k;
        iov.set(ValueLayout.JAVA_LONG, iv + Libc.IOV_BASE, txSlots.address() + slot + start);
        iov.set(ValueLayout.JAVA_LONG, iv + Libc.IOV_LEN, FrameWriter.HEAD + len - start);
        long h = (long) Libc.MMSGHDR_SIZE * k;
        if (d.stampTransmit) {
            long c = 64L * k;
            long end = Libc.putCmsgInt(txControl, c, Libc.SOL_SOCKET, Libc.SO_TIMESTAMPING,
                    TransmitTimestamps.STAMP_THIS_PACKET);
            end = Libc.putCmsgInt(txControl, end, Libc.SOL_SOCKET, Libc.SCM_TS_OPT_ID,
                    txStamps.key(d.session, d.reflectorSeq));
            txHdrs.set(ValueLayout.JAVA_LONG, h + Libc.MSG_CONTROL, txControl.address() + c);
            txHdrs.set(ValueLayout.JAVA_LONG, h + Libc.MSG_CONTROLLEN, end - c);
        } else {
            txHdrs.set(ValueLayout.JAVA_LONG, h + Libc.MSG_CONTROL, 0);
            txHdrs.set(ValueLayout.JAVA_LONG, h + Libc.MSG_CONTROLLEN, 0);
        }
        queuedSession[k] = d.session;
        queuedSlot[k] = i;
        queuedSegments[k] = segments;
        queuedUdpLength[k] = FrameBatch.UDP_HEADER + len;
        reflection.queued(d);
    }

    // ---- sending -------------------------------------------------------------------------------

    /** Whether an IPv6 packet with an SRH of {@code segments} and {@code payload} octets of UDP payload fits the MTU. */
    boolean fits(int segments, int payload) {
        return FrameBatch.IPV6_HEADER + (segments > 0 ? io.stampd.dataplane.codec.Srh.length(segments) : 0)
                + FrameBatch.UDP_HEADER + payload <= ipv6Mtu;
    }

    /** Whether a frame to {@code hop} can leave through this plane's interface now. */
    boolean sendsVia(NextHops.Hop hop) {
        return hop.usable && hop.ifindex == ifindex;
    }

    /** The reflector ports' session counts, for the warm-up's throw-away session. */
    int[] reflectorPortUse() {
        return reflectorPortUse;
    }

    NextHops nextHops() {
        return nextHops;
    }

    /** Receives from now on what arrived from {@code at} on (the warm-up: everything). */
    void window(long fromNanos, long untilNanos) {
        from = fromNanos;
        until = untilNanos;
    }

    /** The next hop towards the 16-octet address at {@code a[0]}. */
    NextHops.Hop hopTowards(MemorySegment a) {
        return nextHops.lookup(a, 0, System.nanoTime());
    }

    /**
     * Sends one whole frame, {@code length} octets at {@code slot[start]}, with transmit-timestamp
     * key {@code key} if it is not negative: octets sent or -errno.
     */
    long sendFrame(MemorySegment slot, int start, int length, long key) {
        testIov.set(ValueLayout.JAVA_LONG, Libc.IOV_BASE, slot.address() + start);
        testIov.set(ValueLayout.JAVA_LONG, Libc.IOV_LEN, length);
        if (key >= 0) {
            long end = Libc.putCmsgInt(testControl, 0, Libc.SOL_SOCKET, Libc.SO_TIMESTAMPING,
                    TransmitTimestamps.STAMP_THIS_PACKET);
            end = Libc.putCmsgInt(testControl, end, Libc.SOL_SOCKET, Libc.SCM_TS_OPT_ID, (int) key);
            testHdr.set(ValueLayout.JAVA_LONG, Libc.MSG_CONTROL, testControl.address());
            testHdr.set(ValueLayout.JAVA_LONG, Libc.MSG_CONTROLLEN, end);
        } else {
            testHdr.set(ValueLayout.JAVA_LONG, Libc.MSG_CONTROL, 0);
            testHdr.set(ValueLayout.JAVA_LONG, Libc.MSG_CONTROLLEN, 0);
        }
        long n;
        do {
            n = Libc.sendmsg(txFd, testHdr, Libc.MSG_DONTWAIT);
        } while (n == -Libc.EINTR);
        if (n >= 0) {
            counters.testPacketsSent++;
        } else {
            counters.sendErrors++;
        }
        return n;
    }

    /**
     * Writes T3 into the queued replies, then their checksums, and sends them: one clock reading
     * for the batch, right before the system call.
     */
    @Override
    public void flush() {
        int n = queued;
        if (n == 0) {
            return;
        }
        long t3 = Libc.realtimeNanos();
        for (int k = 0; k < n; k++) {
            SessionReflector s = queuedSession[k];
            queuedSession[k] = null;
            Reflection.stamp(s, txPayload[queuedSlot[k]], t3);
            long slot = (long) SLOT * queuedSlot[k];
            int segments = queuedSegments[k];
            io.stampd.dataplane.codec.UdpChecksum.fill(txSlots, slot + FrameWriter.sourceOffset(segments), txSlots,
                    slot + FrameWriter.finalDestinationOffset(segments), txSlots, slot + FrameWriter.UDP,
                    queuedUdpLength[k]);
        }
        int done = 0;
        while (done < n) {
            int r = Libc.sendmmsg(txFd, txHdrTails[done], n - done,
                    Libc.MSG_DONTWAIT);
            if (r > 0) {
                done += r;
                counters.repliesSent += r;
            } else if (r != -Libc.EINTR) {
                counters.sendErrors++;
                if (!warming) {
                    node.counters.sendErrors.increment();
                }
                done++;
            }
        }
        queued = 0;
    }

    @Override
    public void drainTransmitTimes() {
        txStamps.drain();
    }

    @Override
    public boolean transmitTimestamps() {
        return txStamps.enabled();
    }

    /** The plane's counters for the operational state, by name. */
    public Map<String, Long> counters() {
        Map<String, Long> m = new LinkedHashMap<>();
        m.put("af-packet/frames", counters.frames);
        m.put("af-packet/outside-switch-window", counters.outsideWindow);
        m.put("af-packet/not-ipv6", counters.refusedNotIpv6);
        m.put("af-packet/extension-headers", counters.refusedExtensionHeaders);
        m.put("af-packet/truncated", counters.refusedTruncated);
        m.put("af-packet/bad-checksum", counters.refusedChecksum);
        m.put("af-packet/too-long", counters.refusedTooLong);
        m.put("af-packet/replies-sent", counters.repliesSent);
        m.put("af-packet/replies-through-kernel", counters.repliesThroughKernel);
        m.put("af-packet/test-packets-sent", counters.testPacketsSent);
        m.put("af-packet/test-packets-through-kernel", counters.testPacketsThroughKernel);
        m.put("af-packet/send-errors", counters.sendErrors);
        m.put("af-packet/ring-drops", counters.ringDrops);
        m.put("af-packet/next-hop-lookups", nextHops.lookups);
        for (Map.Entry<String, Long> e : filter.counters().entrySet()) {
            m.put("af-packet/filter-" + e.getKey(), e.getValue());
        }
        return m;
    }

    /**
     * Hands the packets back to the socket path (I/O thread): the kernel's stack gets them again,
     * and from this instant on the socket path answers them; this plane answers what arrived
     * before, waiting briefly for the last of those to reach the ring; the senders go back to their
     * socket ports.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        node.loop.cancel(taker);
        node.loop.cancel(refresher);
        // The stack gets the packets again first, and only then is the instant read: whatever is
        // stamped from it on reaches the socket path.
        filter.giveBackToStack();
        long at = Libc.realtimeNanos();
        until = at;
        try {
            socketPath.mute(false);
        } finally {
            socketPath.takeBack(at);
            socketPath.observe(SessionObserver.NONE);
            for (Map.Entry<SessionSender, TestPacketPort> e : kernelPorts.entrySet()) {
                e.getKey().usePort(e.getValue());
            }
            kernelPorts.clear();
            if (token >= 0) {
                try {
                    Thread.sleep(DETACH_GRACE_MILLIS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                onReady(Libc.EPOLLIN);
                node.loop.unregister(ring.fd, token);
            }
            ring.close();
            txStamps.close();
            filter.close();
            nextHops.close();
            batch.close();
            arena.close();
        }
    }

    /** The IPv6 hop limit the kernel gives packets leaving {@code device} (frames built here get the same). */
    private static int hopLimit(String device) {
        return io.stampd.sys.Sysctl.ipv6Conf(device, "hop_limit", 64);
    }
}
