package io.stampd.dataplane.xdp;

import io.stampd.dataplane.DataPlaneException;
import io.stampd.dataplane.PlanePrivileges;
import io.stampd.dataplane.PlaneSettings;
import io.stampd.dataplane.ReflectorCounters;
import io.stampd.dataplane.codec.ErrorEstimate;
import io.stampd.dataplane.codec.TimestampFormat;
import io.stampd.dataplane.core.EventLoop;
import io.stampd.dataplane.core.ReflectorTable;
import io.stampd.dataplane.core.SessionObserver;
import io.stampd.dataplane.core.SessionReflector;
import io.stampd.dataplane.core.SessionSender;
import io.stampd.dataplane.core.StampNode;
import io.stampd.dataplane.session.RateLimit;
import io.stampd.dataplane.session.ReflectorSessionConfig;
import io.stampd.sys.Libc;
import io.stampd.sys.bpf.BpfException;
import io.stampd.sys.bpf.BpfMap;
import io.stampd.sys.bpf.BpfObject;
import io.stampd.sys.bpf.BpfProgramInfo;
import io.stampd.sys.bpf.BpfRingBuffer;
import io.stampd.sys.bpf.NetInterfaces;
import io.stampd.sys.bpf.Xdp;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.Inet6Address;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The XDP data plane of a node, layered over its socket path: ebpf/stamp_reflector.bpf.c answers
 * the test packets of unauthenticated reflector sessions in the kernel and chains (tail call)
 * ebpf/stamp_collector.bpf.c, which takes the replies of the node's sender sessions and hands
 * them to the session core through a BPF ring buffer read from its mapped memory. What the
 * programs do not handle (authenticated sessions, TLVs other than Extra Padding, Follow-Up
 * Telemetry, a next hop not resolved yet, anything unexpected) they pass up untouched, and the
 * socket path beneath answers it through the same core. Test packets are still sent by the core
 * through the socket path.
 *
 * <p>The maps mirror the core's session tables ({@link SessionObserver}); a stateful session's
 * flows live in the kernel map while this plane is attached, and the socket path takes its numbers
 * from there too ({@link KernelFlowNumbers}), so no number is given twice. Attaching and
 * detaching carry flows and counters over, so that sessions keep running with their state.
 * Every method runs on the node's I/O thread (which is also in the node's network namespace).
 */
public final class XdpPlane implements SessionObserver, EventLoop.ReadHandler, AutoCloseable {
    private static final Logger LOG = Logger.getLogger(XdpPlane.class.getName());
    static final String REFLECTOR_OBJECT = "/io/stampd/ebpf/stamp_reflector.bpf.o";
    static final String COLLECTOR_OBJECT = "/io/stampd/ebpf/stamp_collector.bpf.o";
    public static final String REFLECTOR_PROGRAM = "stamp_reflector";
    static final String COLLECTOR_PROGRAM = "stamp_collector";
    static final String FLOW_TAKE_PROGRAM = "stamp_flow_take";
    /** Error Estimate of a reply whose T2 is the NIC's receive timestamp (T3 is read right before XDP_TX). */
    private static final long HW_ERROR_NANOS = 10_000;
    private static final long REFRESH_NANOS = 1_000_000_000L;
    /**
     * How long the reflector reuses a reply's route (next hop) that bpf_fib_lookup found: the
     * look-up is most of a reply's cost in the kernel; a changed route or neighbour is followed at
     * the latest this much later.
     */
    static final long ROUTE_TTL_NANOS = 100_000_000L;
    /** How long a program already running on another CPU may still take after a detach. */
    private static final long DETACH_GRACE_MILLIS = 5;

    private final StampNode node;
    private final PlaneSettings settings;
    private final int ifindex;
    private final int hopLimit;
    private final BpfObject reflectorObject;
    private final BpfObject collectorObject;
    private final int reflectorFd;
    private final int flowTakeFd;
    private final BpfMap reflSessions;
    private final BpfMap reflPorts;
    private final BpfMap reflLocal;
    private final BpfMap reflCounters;
    private final BpfMap reflLimits;
    private final KernelSourceBuckets sourceBuckets;
    private final BpfMap reflFlows;
    private final BpfMap reflConfig;
    private final BpfMap reflStats;
    private final BpfMap collSessions;
    private final BpfMap collPorts;
    private final BpfMap collLocal;
    private final BpfMap collConfig;
    private final BpfMap collStats;
    private final BpfRingBuffer ring;
    private final int ringFd;
    private int ringToken = -1;
    /** Set once the program's per-source drops are in the node's counter (detached). */
    private volatile boolean sourceLimitedFolded;

    /** Reflector sessions in the maps, by slot; slots are reused. */
    private final Map<SessionReflector, Integer> reflectorSlots = new HashMap<>();
    private final ArrayDeque<Integer> freeSlots = new ArrayDeque<>();
    private int nextSlot;
    /** Sessions per (port << 4 | pattern), for refl_ports. */
    private final Map<Integer, Integer> patternUse = new HashMap<>();
    /** Sender sessions in the maps: by id (index), the id of each, and sessions per local port. */
    private final SessionSender[] sendersById = new SessionSender[XdpStructs.STAMP_MAX_SESSIONS];
    private final Map<SessionSender, Integer> senderIds = new HashMap<>();
    private final Map<Integer, Integer> localPortUse = new HashMap<>();
    private final ArrayDeque<Integer> freeSenderIds = new ArrayDeque<>();
    private int nextSenderId;
    private final Consumer<MemorySegment> recordHandler = this::onRecord;
    private long taiOffsetNanos = Long.MIN_VALUE;
    private Set<String> localAddresses = Set.of();
    private final EventLoop.Timer refresher = new EventLoop.Timer() {
        @Override
        protected long fire(long now) {
            refresh();
            return now + REFRESH_NANOS;
        }
    };
    /**
     * While the sessions move in, the last step of each (its flows into the kernel, its port's
     * pattern bit) waits, and {@link #goLive} does them all at once, right after a drain.
     */
    private boolean registering;
    private final List<Runnable> goingLive = new ArrayList<>();
    private int programId;
    private boolean attached;
    private boolean closed;

    /**
     * The two programs loaded into the kernel (verified, maps created) and chained, but not
     * attached anywhere: loading takes a while (the verifier), so it happens off the I/O thread,
     * which meanwhile keeps answering on the socket path. Close it if it is not attached.
     */
    public static final class Programs implements AutoCloseable {
        final BpfObject reflector;
        final BpfObject collector;
        private boolean taken;

        private Programs(BpfObject reflector, BpfObject collector) {
            this.reflector = reflector;
            this.collector = collector;
        }

        /** Loads both objects from the class path and chains the collector behind the reflector. */
        public static Programs load() {
            BpfObject reflector = null;
            BpfObject collector = null;
            try {
                reflector = BpfObject.openResource(REFLECTOR_OBJECT).load();
                collector = BpfObject.openResource(COLLECTOR_OBJECT).load();
                // The collector runs as the reflector's tail call: one program per interface serves both.
                reflector.map("refl_next").update(BpfMap.indexKey(0),
                        BpfMap.indexKey(collector.programFd(COLLECTOR_PROGRAM)));
                return new Programs(reflector, collector);
            } catch (RuntimeException e) {
                if (collector != null) {
                    collector.close();
                }
                if (reflector != null) {
                    reflector.close();
                }
                throw new DataPlaneException(DataPlaneException.Reason.RESOURCE, "the xdp data plane cannot load its"
                        + " programs: " + e.getMessage(), DataPlaneException.Subject.plane(
                        DataPlaneException.Field.PLANE_TYPE), e);
            }
        }

        /** Closes the objects unless a plane took them. */
        @Override
        public void close() {
            if (!taken) {
                collector.close();
                reflector.close();
            }
        }
    }

    private XdpPlane(StampNode node, PlaneSettings settings, int ifindex, Programs programs) {
        this.node = node;
        this.settings = settings;
        this.ifindex = ifindex;
        this.hopLimit = hopLimit(settings.device());
        this.reflectorObject = programs.reflector;
        this.collectorObject = programs.collector;
        this.reflectorFd = reflectorObject.programFd(REFLECTOR_PROGRAM);
        this.flowTakeFd = reflectorObject.programFd(FLOW_TAKE_PROGRAM);
        this.reflSessions = reflectorObject.map("refl_sessions");
        this.reflPorts = reflectorObject.map("refl_ports");
        this.reflLocal = reflectorObject.map("refl_local");
        this.reflCounters = reflectorObject.map("refl_counters");
        this.reflLimits = reflectorObject.map("refl_limits");
        this.sourceBuckets = new KernelSourceBuckets(reflectorObject.map("refl_source_limit"),
                reflectorObject.map("refl_sources"), System::nanoTime);
        this.reflFlows = reflectorObject.map("refl_flows");
        this.reflConfig = reflectorObject.map("refl_config");
        this.reflStats = reflectorObject.map("refl_stats");
        this.collSessions = collectorObject.map("coll_sessions");
        this.collPorts = collectorObject.map("coll_ports");
        this.collLocal = collectorObject.map("coll_local");
        this.collConfig = collectorObject.map("coll_config");
        this.collStats = collectorObject.map("coll_stats");
        BpfMap records = collectorObject.map("coll_records");
        this.ring = BpfRingBuffer.open(records);
        this.ringFd = records.fd();
        programs.taken = true;
        warmUp();
        sourceLimit(node.sourceLimiter.limit());
    }

    /**
     * The map operations once each, with keys no session uses, so that their first real use, in
     * the short window where sessions move into the maps while packets arrive, is not the one that
     * links the native calls (tens of ms, which would hold packets in the socket path's queue).
     */
    private void warmUp() {
        try (Arena a = Arena.ofConfined()) {
            reflSessions.lookup(a.allocate(XdpStructs.STAMP_REFL_KEY), a.allocate(XdpStructs.STAMP_REFL_SESSION));
            reflCounters.lookup(BpfMap.indexKey(0));
            MemorySegment flow = a.allocate(XdpStructs.STAMP_FLOW_KEY);
            flow.set(ValueLayout.JAVA_INT, XdpStructs.FLOW_KEY_SLOT, -1);
            reflFlows.update(flow, a.allocate(ValueLayout.JAVA_LONG));
            reflFlows.delete(flow);
            reflPorts.update(index(a, 0), a.allocate(ValueLayout.JAVA_INT)); // port 0: never a session's
            collSessions.lookup(a.allocate(XdpStructs.STAMP_SENDER_KEY), a.allocate(XdpStructs.STAMP_SENDER_SESSION));
            collPorts.update(index(a, 0), a.allocate(ValueLayout.JAVA_INT));
            reflSessions.delete(a.allocate(XdpStructs.STAMP_REFL_KEY));
            collSessions.delete(a.allocate(XdpStructs.STAMP_SENDER_KEY));
        }
        // The socket path's way to the kernel's numbers (BPF_PROG_RUN of stamp_flow_take).
        MemorySegment address = Arena.ofAuto().allocate(16);
        KernelFlowNumbers numbers = new KernelFlowNumbers(flowTakeFd, XdpStructs.STAMP_MAX_SESSIONS - 1);
        long n = numbers.take(address, 0, 0);
        numbers.untake(address, 0, 0, n);
        try (Arena a = Arena.ofConfined()) {
            MemorySegment flow = a.allocate(XdpStructs.STAMP_FLOW_KEY);
            XdpStructs.flowKey(flow, XdpStructs.STAMP_MAX_SESSIONS - 1, 0, 0, new byte[16]);
            reflFlows.delete(flow);
        }
    }

    /**
     * Checks that {@code settings} could be used here (on the I/O thread: the node's namespace):
     * the process has the capabilities the plane needs, the interface exists and carries no XDP
     * program but ours.
     */
    public static void check(PlaneSettings settings) {
        PlanePrivileges.requireXdp();
        int ifindex = interfaceIndex(settings);
        foreignProgram(settings, ifindex);
    }

    private static int interfaceIndex(PlaneSettings settings) {
        try {
            return NetInterfaces.indexOf(settings.device());
        } catch (IllegalArgumentException e) {
            throw new DataPlaneException(DataPlaneException.Reason.INVALID_CONFIGURATION,
                    "the xdp data plane cannot attach: " + e.getMessage(),
                    DataPlaneException.Subject.plane(DataPlaneException.Field.PLANE_INTERFACE));
        }
    }

    /** Our program left attached (by a crashed agent), or null; refuses a program of someone else. */
    private static Xdp.AttachedProgram foreignProgram(PlaneSettings settings, int ifindex) {
        try {
            return Xdp.findNamed(settings.device(), ifindex, REFLECTOR_PROGRAM).orElse(null);
        } catch (IllegalStateException e) {
            throw new DataPlaneException(DataPlaneException.Reason.RESOURCE, e.getMessage()
                    + "; the xdp data plane does not replace another program",
                    DataPlaneException.Subject.plane(DataPlaneException.Field.PLANE_INTERFACE));
        }
    }

    /**
     * Attaches {@code programs} to the interface {@code settings} names, all or nothing, on the I/O
     * thread. The program goes on with empty session maps (it passes everything up), which takes
     * the kernel a while (tens of ms on a veth); then {@code drain} has the socket path answer what
     * arrived meanwhile, and only then {@code register} has the plane told about every session,
     * which mirrors them into the maps and moves stateful flows into the kernel: from that moment
     * the program answers. So no older test packet is numbered after a newer one the program
     * answers, but for the few that arrive while the maps are filled, which a second drain takes.
     * On failure the programs are closed.
     */
    public static XdpPlane attach(StampNode node, PlaneSettings settings, Programs programs, Runnable drain,
                                  Consumer<XdpPlane> register) {
        XdpPlane plane = null;
        try {
            int ifindex = interfaceIndex(settings);
            Xdp.AttachedProgram stale = foreignProgram(settings, ifindex);
            plane = new XdpPlane(node, settings, ifindex, programs);
            plane.refresh();
            plane.ringToken = node.loop.register(plane.ringFd, plane);
            plane.attachProgram(stale);
            drain.run();
            plane.registering = true;
            register.accept(plane);
            plane.registering = false;
            drain.run();
            plane.goLive();
            drain.run();
            node.loop.schedule(plane.refresher, System.nanoTime() + REFRESH_NANOS);
            LOG.info("xdp data plane attached to " + settings.device() + " (" + settings.xdpMode() + ", program id "
                    + plane.programId + ")" + (stale != null ? ", replacing a program left behind (id "
                    + stale.program().id() + ")" : ""));
            return plane;
        } catch (RuntimeException e) {
            if (plane != null) {
                plane.undoAttach();
            } else {
                programs.close();
            }
            throw e instanceof DataPlaneException d ? d : new DataPlaneException(DataPlaneException.Reason.RESOURCE,
                    "the xdp data plane cannot attach to " + settings.device() + ": " + e.getMessage(),
                    DataPlaneException.Subject.plane(DataPlaneException.Field.PLANE_INTERFACE), e);
        }
    }

    private void attachProgram(Xdp.AttachedProgram stale) {
        try {
            if (stale != null && stale.mode() == settings.xdpMode()) {
                Xdp.replace(ifindex, reflectorFd, settings.xdpMode(), stale.program().id());
            } else {
                if (stale != null) {
                    Xdp.detach(ifindex, stale.mode(), stale.program().id());
                }
                Xdp.attach(ifindex, reflectorFd, settings.xdpMode());
            }
        } catch (BpfException e) {
            throw new DataPlaneException(DataPlaneException.Reason.RESOURCE, "the xdp data plane cannot attach to "
                    + settings.device() + ": " + e.getMessage(), DataPlaneException.Subject.plane(
                    e.errno() == 95 ? DataPlaneException.Field.PLANE_MODE : DataPlaneException.Field.PLANE_INTERFACE), e);
        }
        programId = Xdp.attachedProgramId(ifindex, settings.xdpMode());
        attached = true;
    }

    public PlaneSettings settings() {
        return settings;
    }

    // ---- the node's own addresses and the kernel's TAI offset --------------------------------

    /** Follows the kernel's TAI offset and the node's addresses (once a second). */
    private void refresh() {
        long tai = Libc.taiOffsetSeconds() * 1_000_000_000L;
        if (tai != taiOffsetNanos) {
            try (Arena a = Arena.ofConfined()) {
                MemorySegment v = a.allocate(XdpStructs.STAMP_XDP_CONFIG);
                XdpStructs.config(v, tai, ROUTE_TTL_NANOS);
                reflConfig.update(index(a, 0), v);
                collConfig.update(index(a, 0), v);
            }
            if (taiOffsetNanos != Long.MIN_VALUE) {
                LOG.info("kernel TAI offset changed to " + tai / 1_000_000_000L + " s: the XDP programs follow");
            }
            taiOffsetNanos = tai;
        }
        Set<String> now = new HashSet<>();
        for (byte[] a : node.localAddresses.snapshot()) {
            now.add(java.util.HexFormat.of().formatHex(a));
        }
        if (!now.equals(localAddresses)) {
            byte[] one = {1};
            for (String a : now) {
                if (!localAddresses.contains(a)) {
                    byte[] key = java.util.HexFormat.of().parseHex(a);
                    reflLocal.update(key, one);
                    collLocal.update(key, one);
                }
            }
            for (String a : localAddresses) {
                if (!now.contains(a)) {
                    byte[] key = java.util.HexFormat.of().parseHex(a);
                    reflLocal.delete(key);
                    collLocal.delete(key);
                }
            }
            localAddresses = now;
        }
    }

    /**
     * Whether {@code device} forwards IPv6 (net.ipv6.conf.DEV.forwarding): bpf_fib_lookup, which
     * finds a reply's next hop, answers only for an interface that does; on any other the reflector
     * would leave every test packet to the socket path. Read in the calling thread's namespace.
     */
    public static boolean forwards(String device) {
        return io.stampd.sys.Sysctl.ipv6Conf(device, "forwarding", 0) != 0;
    }

    /** The refusal of reflector sessions on an interface that does not forward IPv6. */
    public static DataPlaneException notForwarding(String device) {
        return new DataPlaneException(DataPlaneException.Reason.INVALID_CONFIGURATION, "the xdp data plane answers"
                + " test packets in the kernel only on an interface that forwards IPv6 (bpf_fib_lookup, which finds"
                + " the reply's next hop, refuses others): set net.ipv6.conf." + device + ".forwarding=1 (the node"
                + " forwards nothing more while net.ipv6.conf.all.forwarding is 0), or use the socket data plane",
                DataPlaneException.Subject.plane(DataPlaneException.Field.PLANE_INTERFACE));
    }

    /** The IPv6 hop limit the kernel gives packets leaving {@code device} (its replies get the same). */
    private static int hopLimit(String device) {
        return io.stampd.sys.Sysctl.ipv6Conf(device, "hop_limit", 64);
    }

    // ---- reflector sessions -------------------------------------------------------------------

    @Override
    public void reflectorStarted(SessionReflector s) {
        ReflectorSessionConfig c = s.config;
        int slot = freeSlots.isEmpty() ? nextSlot++ : freeSlots.pop();
        if (slot >= XdpStructs.STAMP_MAX_SESSIONS) {
            nextSlot--;
            LOG.warning("the xdp data plane holds " + XdpStructs.STAMP_MAX_SESSIONS + " reflector sessions: " + c
                    + " is served by the socket path");
            return;
        }
        reflectorSlots.put(s, slot);
        try (Arena a = Arena.ofConfined()) {
            provision(a, s, slot);
        }
    }

    private void provision(Arena a, SessionReflector s, int slot) {
        ReflectorSessionConfig c = s.config;
        reflCounters.update(index(a, slot), a.allocate(XdpStructs.STAMP_REFL_COUNTERS));
        boolean inKernel = s.reflectableInKernel();
        MemorySegment key = a.allocate(XdpStructs.STAMP_REFL_KEY);
        XdpStructs.reflKey(key, address(c.reflectorAddress()), address(c.senderAddress()), c.reflectorPort(),
                c.senderPort(), c.ssid() == ReflectorSessionConfig.ANY_SSID ? XdpStructs.STAMP_ANY_SSID : c.ssid());
        MemorySegment value = a.allocate(XdpStructs.STAMP_REFL_SESSION);
        List<Inet6Address> path = c.returnSegments();
        MemorySegment segments = a.allocate(Math.max(16, 16L * path.size()));
        for (int i = 0; i < path.size(); i++) {
            MemorySegment.copy(path.get(i).getAddress(), 0, segments, ValueLayout.JAVA_BYTE, 16L * i, 16);
        }
        TimestampFormat f = c.timestampFormat();
        int flags = (c.stateful() ? XdpStructs.STAMP_RS_STATEFUL : 0) | (f == TimestampFormat.PTP ? XdpStructs.STAMP_RS_PTP
                : 0) | (inKernel ? 0 : XdpStructs.STAMP_RS_USER);
        RateLimit rateLimit = s.rateLimit();
        // The kernel's own bucket, full; what the program passes up meets the core's. Written for
        // every session (zeros: none), so no count of the slot's previous session is read as its.
        MemorySegment limit = a.allocate(XdpStructs.STAMP_REFL_LIMIT);
        if (inKernel && rateLimit != null) {
            XdpStructs.reflLimit(limit, rateLimit.packetsPerSecond(), rateLimit.burst());
            flags |= XdpStructs.STAMP_RS_LIMITED;
        }
        reflLimits.update(index(a, slot), limit);
        XdpStructs.reflSession(value, slot, flags, node.errorEstimate(f), ErrorEstimate.forError(false, f, HW_ERROR_NANOS),
                hopLimit, segments, 0, path.size());
        reflSessions.update(key, value);
        if (inKernel) {
            s.kernelCounters(() -> kernelCounters(slot));
        }
        // Last: the flows move into the kernel and the port's pattern bit goes on; from then on the
        // program answers the session.
        Runnable live = () -> {
            if (inKernel && c.stateful()) {
                pushFlows(s, slot);
            }
            int use = (c.reflectorPort() << 4) | ReflectorTable.pattern(c);
            if (patternUse.merge(use, 1, Integer::sum) == 1) {
                updatePortPatterns(c.reflectorPort());
            }
        };
        if (registering) {
            goingLive.add(live);
        } else {
            live.run();
        }
    }

    /** The kernel map numbers the session's flows from now on, from where the core was. */
    private void pushFlows(SessionReflector s, int slot) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment key = a.allocate(XdpStructs.STAMP_FLOW_KEY);
            MemorySegment next = a.allocate(ValueLayout.JAVA_LONG);
            s.flows.forEach((address, port, ssid, n) -> {
                XdpStructs.flowKey(key, slot, port, ssid, address);
                next.set(ValueLayout.JAVA_LONG, 0, n);
                reflFlows.update(key, next);
            });
        }
        s.numberFrom(new KernelFlowNumbers(flowTakeFd, slot));
    }

    /** The sessions that moved in go live, all at once (I/O thread). */
    private void goLive() {
        goingLive.forEach(Runnable::run);
        goingLive.clear();
    }

    @Override
    public void reflectorStopped(SessionReflector s) {
        Integer slot = reflectorSlots.remove(s);
        if (slot == null) {
            return;
        }
        ReflectorSessionConfig c = s.config;
        try (Arena a = Arena.ofConfined()) {
            MemorySegment key = a.allocate(XdpStructs.STAMP_REFL_KEY);
            XdpStructs.reflKey(key, address(c.reflectorAddress()), address(c.senderAddress()), c.reflectorPort(),
                    c.senderPort(), c.ssid() == ReflectorSessionConfig.ANY_SSID ? XdpStructs.STAMP_ANY_SSID : c.ssid());
            reflSessions.delete(key);
        }
        int use = (c.reflectorPort() << 4) | ReflectorTable.pattern(c);
        if (patternUse.merge(use, -1, Integer::sum) <= 0) {
            patternUse.remove(use);
            updatePortPatterns(c.reflectorPort());
        }
        if (s.reflectableInKernel()) {
            s.foldKernelCounters(kernelCounters(slot));
            if (c.stateful()) {
                pullFlows(s, slot);
            }
            s.numberFrom(null);
        }
        freeSlots.push(slot);
    }

    /**
     * The node's per-source rate limit in the kernel from now on (null: none), beside the core's
     * (SourceRateLimiter), which takes what the program passes up. I/O thread.
     */
    public void sourceLimit(RateLimit limit) {
        sourceBuckets.limit(limit);
    }

    /**
     * Test packets the program dropped over the per-source limit, all CPUs; 0 once detached (then
     * they are in the node's count). Any thread.
     */
    public long sourceLimitedInKernel() {
        return sourceLimitedFolded ? 0 : kernelSourceLimited();
    }

    private long kernelSourceLimited() {
        long sum = 0;
        for (byte[] cpu : reflStats.lookupPerCpu(BpfMap.indexKey(XdpStructs.STAMP_C_SOURCE_LIMITED))
                .orElse(new byte[0][])) {
            sum += MemorySegment.ofArray(cpu).get(ValueLayout.JAVA_LONG_UNALIGNED, 0);
        }
        return sum;
    }

    /** The program's per-source drops into the node's counter, once the program runs no more. */
    private void foldSourceLimited() {
        if (!sourceLimitedFolded) {
            node.counters.sourceRateLimited.add(kernelSourceLimited());
            sourceLimitedFolded = true;
        }
    }

    private void updatePortPatterns(int port) {
        int mask = 0;
        for (int p = 0; p < ReflectorTable.PATTERNS; p++) {
            if (patternUse.containsKey((port << 4) | p)) {
                mask |= 1 << p;
            }
        }
        try (Arena a = Arena.ofConfined()) {
            MemorySegment v = a.allocate(ValueLayout.JAVA_INT);
            v.set(ValueLayout.JAVA_INT, 0, mask);
            reflPorts.update(index(a, port), v);
        }
    }

    /** Moves the session's flows from the kernel map back into its own table (they leave the map). */
    private void pullFlows(SessionReflector s, int slot) {
        for (byte[] k : reflFlows.keys()) {
            MemorySegment key = MemorySegment.ofArray(k);
            if (key.get(ValueLayout.JAVA_INT_UNALIGNED, XdpStructs.FLOW_KEY_SLOT) != slot) {
                continue;
            }
            reflFlows.lookup(k).ifPresent(v -> {
                byte[] address = Arrays.copyOfRange(k, (int) XdpStructs.FLOW_KEY_SENDER_ADDR,
                        (int) XdpStructs.FLOW_KEY_SENDER_ADDR + 16);
                int port = Short.toUnsignedInt(key.get(ValueLayout.JAVA_SHORT_UNALIGNED, XdpStructs.FLOW_KEY_SENDER_PORT));
                int ssid = Short.toUnsignedInt(key.get(ValueLayout.JAVA_SHORT_UNALIGNED, XdpStructs.FLOW_KEY_SSID));
                s.flows.put(address, port, ssid, MemorySegment.ofArray(v).get(ValueLayout.JAVA_LONG_UNALIGNED, 0));
            });
            reflFlows.delete(k);
        }
    }

    /** The kernel's counters of slot {@code slot}, as a session adds them to its own. Any thread. */
    private ReflectorCounters kernelCounters(int slot) {
        byte[] v = reflCounters.lookup(BpfMap.indexKey(slot)).orElse(new byte[(int) XdpStructs.STAMP_REFL_COUNTERS
                .byteSize()]);
        MemorySegment c = MemorySegment.ofArray(v);
        long reflected = c.get(ValueLayout.JAVA_LONG_UNALIGNED, XdpStructs.REFL_COUNTERS_REFLECTED);
        long lastSender = c.get(ValueLayout.JAVA_LONG_UNALIGNED, XdpStructs.REFL_COUNTERS_LAST_SENDER_SEQ);
        long lastReflector = c.get(ValueLayout.JAVA_LONG_UNALIGNED, XdpStructs.REFL_COUNTERS_LAST_REFLECTOR_SEQ);
        long limited = reflLimits.lookup(BpfMap.indexKey(slot))
                .map(l -> MemorySegment.ofArray(l).get(ValueLayout.JAVA_LONG_UNALIGNED, XdpStructs.REFL_LIMIT_LIMITED))
                .orElse(0L);
        // Dropped over the per-source limit: received, neither answered nor over the session's.
        long sourceLimited = c.get(ValueLayout.JAVA_LONG_UNALIGNED, XdpStructs.REFL_COUNTERS_SOURCE_LIMITED);
        return new ReflectorCounters(reflected + limited + sourceLimited, reflected, 0, reflected == 0 ? -1 : lastSender,
                reflected == 0 ? -1 : lastReflector, reflected, limited);
    }

    // ---- sender sessions ----------------------------------------------------------------------

    @Override
    public void senderStarted(SessionSender s, int localPort) {
        int id = freeSenderIds.isEmpty() ? nextSenderId++ : freeSenderIds.pop();
        if (id >= XdpStructs.STAMP_MAX_SESSIONS) {
            nextSenderId--;
            LOG.warning("the xdp data plane holds " + XdpStructs.STAMP_MAX_SESSIONS + " sender sessions: "
                    + s.config + " is served by the socket path");
            return;
        }
        sendersById[id] = s;
        senderIds.put(s, id);
        try (Arena a = Arena.ofConfined()) {
            MemorySegment key = a.allocate(XdpStructs.STAMP_SENDER_KEY);
            XdpStructs.senderKey(key, s.config.reflectorAddress().getAddress(), s.config.reflectorPort(), localPort,
                    s.config.ssid());
            MemorySegment value = a.allocate(XdpStructs.STAMP_SENDER_SESSION);
            XdpStructs.senderSession(value, id, s.collectableInKernel() ? 0 : XdpStructs.STAMP_SS_USER);
            collSessions.update(key, value);
            if (localPortUse.merge(localPort, 1, Integer::sum) == 1) {
                MemorySegment v = a.allocate(ValueLayout.JAVA_INT);
                v.set(ValueLayout.JAVA_INT, 0, 1);
                collPorts.update(index(a, localPort), v);
            }
        }
    }

    @Override
    public void senderStopped(SessionSender s, int localPort) {
        Integer id = senderIds.remove(s);
        if (id == null) {
            return;
        }
        try (Arena a = Arena.ofConfined()) {
            MemorySegment key = a.allocate(XdpStructs.STAMP_SENDER_KEY);
            XdpStructs.senderKey(key, s.config.reflectorAddress().getAddress(), s.config.reflectorPort(), localPort,
                    s.config.ssid());
            collSessions.delete(key);
            if (localPortUse.merge(localPort, -1, Integer::sum) <= 0) {
                localPortUse.remove(localPort);
                collPorts.update(index(a, localPort), a.allocate(ValueLayout.JAVA_INT));
            }
        }
        drainRing(); // its last records, before the id is given to another session
        sendersById[id] = null;
        freeSenderIds.push(id);
    }

    /** The collector's ring has records (epoll). */
    @Override
    public void onReady(int events) {
        drainRing();
    }

    private void drainRing() {
        while (ring.poll(recordHandler, 256) > 0) {
            // each batch of records is handed to the sessions as it is read
        }
    }

    private void onRecord(MemorySegment r) {
        int id = XdpStructs.recordSessionId(r);
        SessionSender s = id >= 0 && id < sendersById.length ? sendersById[id] : null;
        if (s == null) {
            node.counters.unmatched.increment(); // its session stopped meanwhile
            return;
        }
        s.collected.increment();
        s.onCollected((int) XdpStructs.recordSenderSeq(r), (int) XdpStructs.recordReflectorSeq(r),
                XdpStructs.recordT1(r), XdpStructs.recordT2(r), XdpStructs.recordT3(r), XdpStructs.recordErrorEstimate(r),
                XdpStructs.recordSenderTtl(r), XdpStructs.recordT4(r));
    }

    // ---- counters -----------------------------------------------------------------------------

    /** The programs' counters by reason, "reflector/..." and "collector/...", zeros left out. Any thread. */
    public Map<String, Long> counters() {
        Map<String, Long> out = new LinkedHashMap<>();
        perCpuCounters("reflector/", reflStats, out);
        perCpuCounters("collector/", collStats, out);
        return out;
    }

    private static void perCpuCounters(String prefix, BpfMap stats, Map<String, Long> out) {
        for (int i = 0; i < XdpStructs.STAMP_C_COUNT; i++) {
            long sum = 0;
            for (byte[] cpu : stats.lookupPerCpu(BpfMap.indexKey(i)).orElse(new byte[0][])) {
                sum += MemorySegment.ofArray(cpu).get(ValueLayout.JAVA_LONG_UNALIGNED, 0);
            }
            if (sum != 0) {
                out.put(prefix + XdpStructs.counterName(i), sum);
            }
        }
    }

    // ---- detaching ----------------------------------------------------------------------------

    /**
     * Detaches the programs and hands the sessions back to the socket path with their state
     * (numbers, counters). The caller stops telling this plane about sessions first. I/O thread.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        detachProgram();
        foldSourceLimited();
        node.loop.cancel(refresher);
        drainRing();
        for (SessionReflector s : new ArrayList<>(reflectorSlots.keySet())) {
            reflectorStopped(s);
        }
        for (SessionSender s : new ArrayList<>(senderIds.keySet())) {
            senderStopped(s, s.port().localPort());
        }
        release();
        LOG.info("xdp data plane detached from " + settings.device());
    }

    private void detachProgram() {
        if (!attached) {
            return;
        }
        attached = false;
        try {
            Xdp.detach(ifindex, settings.xdpMode(), programId);
        } catch (BpfException e) {
            LOG.log(Level.WARNING, "detaching the xdp data plane from " + settings.device() + ": " + e.getMessage());
        }
        // A program already running on another CPU finishes its packet; its numbers and records
        // must be in the maps before they are read back.
        try {
            Thread.sleep(DETACH_GRACE_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** A failed attach: back to how it was before. */
    private void undoAttach() {
        closed = true;
        detachProgram();
        foldSourceLimited();
        node.loop.cancel(refresher);
        for (SessionReflector s : new ArrayList<>(reflectorSlots.keySet())) {
            reflectorStopped(s);
        }
        release();
    }

    private void release() {
        if (ringToken >= 0) {
            node.loop.unregister(ringFd, ringToken);
            ringToken = -1;
        }
        ring.close();
        collectorObject.close();
        reflectorObject.close();
    }

    /** The id of the program attached now (0 after close). */
    public int programId() {
        return attached ? programId : 0;
    }

    private static byte[] address(Inet6Address a) {
        return a == null ? new byte[16] : a.getAddress();
    }

    private static MemorySegment index(Arena a, int i) {
        MemorySegment k = a.allocate(ValueLayout.JAVA_INT);
        k.set(ValueLayout.JAVA_INT, 0, i);
        return k;
    }

    /** Program info of what is attached to {@code device}, for tests and operators. */
    static BpfProgramInfo attachedProgram(int ifindex) {
        return BpfProgramInfo.ofId(Xdp.attachedProgramId(ifindex));
    }
}
