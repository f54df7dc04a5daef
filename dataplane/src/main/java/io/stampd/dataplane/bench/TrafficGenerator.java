package io.stampd.dataplane.bench;

import io.stampd.sys.bpf.BpfException;
import io.stampd.sys.bpf.BpfMap;
import io.stampd.sys.bpf.BpfObject;
import io.stampd.sys.bpf.NetInterfaces;
import io.stampd.sys.bpf.NetNamespace;
import io.stampd.sys.bpf.XdpLiveFrames;

import java.security.SecureRandom;
import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.Callable;

/**
 * A paced multi-Mpps IPv6/UDP traffic generator whose frames are built and paced in the kernel,
 * one of two ways ({@link SendMethod}), chosen at {@link #open()}: ebpf/traffic_gen.bpf.c run with
 * BPF_PROG_RUN live frames, each invocation building one frame and redirecting it out of a veth,
 * where the kernel permits live frames (a one-frame probe that drops its frame tells); otherwise
 * ebpf/traffic_gen_tc.bpf.c on the device's TC egress hook, turning each trigger frame user space
 * sends into a burst of frames sent with bpf_clone_redirect ({@link TcCloneSender}). Both share
 * the frame logic (ebpf/traffic_gen_frame.h) and the maps, so the frames, the pacing and the
 * counters are the same.
 *
 * <pre>{@code
 * try (TrafficGenerator gen = TrafficGenerator.open()) {
 *     gen.configure(TrafficConfig.builder().namespace("tg-1-gen").device("gen0")
 *             .destinationMac(peerMac).source(src).dataDestination(dst)
 *             .stampDestination(reflector).stampPercent(1).build());
 *     TrialResult r = gen.run(1_000_000, 500_000);   // blocks about 2 s
 * }
 * }</pre>
 *
 * The object is loaded once; {@link #configure} and {@link #run} may be called any number of
 * times (the trials of a search). With a namespace in the configuration, {@link #configure} and a
 * live-frames {@link #run} act in a thread that joined it ({@link NetNamespace#callIn}); without
 * one, in the caller's thread and namespace. A TC run sends its triggers from the caller's thread
 * through a socket opened in the namespace. {@link #configure} attaches the TC program to the
 * device (once per device) and {@link #close} detaches it. The STAMP sequence number runs on
 * across runs and restarts at 0 on {@link #configure}. Not thread-safe: one run at a time.
 */
public final class TrafficGenerator implements AutoCloseable {
    static final String OBJECT_RESOURCE = "/io/stampd/ebpf/traffic_gen.bpf.o";
    static final String TC_OBJECT_RESOURCE = "/io/stampd/ebpf/traffic_gen_tc.bpf.o";
    static final String PROGRAM = "traffic_gen";
    static final String PROBE_PROGRAM = "traffic_gen_probe";
    static final String CONFIG_MAP = "traffic_gen_cfg";
    static final String STATE_MAP = "traffic_gen_state";
    static final String STATS_MAP = "traffic_gen_stats";
    /** Largest number of frames of one run (BPF_PROG_RUN's repeat is an int). */
    public static final long MAX_FRAMES = Integer.MAX_VALUE;
    /** Lowest paced rate: the program waits at most 1 s for a frame's slot. */
    public static final long MIN_RATE_PPS = 1;
    public static final long MAX_RATE_PPS = 100_000_000;
    /** Paced runs batch the frames due within this time (at least 1, at most 16 frames). */
    private static final long AUTO_BATCH_WINDOW_NS = 20_000;
    private static final int AUTO_BATCH_MAX = 16;
    /**
     * TC: frames per trigger unpaced, and paced the frames due within TC_BURST_WINDOW_NS, at most
     * TC_PACED_BURST_MAX. A trigger costs about 8 us here (two system calls, and one NAPI poll of
     * a receiver on this CPU): at 1 Mpps, bursts of 100 rather than 50 frames took 3-5 % more
     * of the rate. The program holds off bottom halves (that NAPI too) for about a burst.
     */
    static final int TC_UNPACED_BURST = 128;
    static final int TC_PACED_BURST_MAX = 128;
    private static final long TC_BURST_WINDOW_NS = 100_000;

    private final BpfObject object;
    private final SendMethod method;
    private final String methodReason;
    private final int programFd;
    private final BpfMap config;
    private final BpfMap state;
    private final BpfMap stats;
    /** The value TC triggers carry so that only this generator's program acts on them. */
    private final long triggerToken;
    private TrafficConfig current;
    private byte[] encodedConfig;
    /** TC: the program on the configured device, null before {@link #configure}. */
    private TcCloneSender tc;

    private TrafficGenerator(BpfObject object, SendMethod method, String methodReason) {
        this.object = object;
        this.method = method;
        this.methodReason = methodReason;
        this.programFd = object.programFd(method == SendMethod.LIVE_FRAMES ? PROGRAM : TcCloneSender.PROGRAM);
        this.config = object.map(CONFIG_MAP);
        this.state = object.map(STATE_MAP);
        this.stats = object.map(STATS_MAP);
        requireValueSize(config, TrafficGenLayout.CFG_SIZE);
        requireValueSize(state, TrafficGenLayout.STATE_SIZE);
        requireValueSize(stats, TrafficGenLayout.STATS_SIZE);
        long token;
        do {
            token = new SecureRandom().nextLong();
        } while (token == 0);
        this.triggerToken = token;
    }

    /**
     * Loads the generator (from the class path) into the kernel, sending with live frames if the
     * kernel permits them, else with the TC program; nothing is sent yet (the live-frames probe
     * drops its one frame).
     */
    public static TrafficGenerator open() {
        return open(null);
    }

    /**
     * Loads the generator with {@code method}; null chooses as {@link #open()} does.
     *
     * @throws BpfException with {@link SendMethod#LIVE_FRAMES} where the kernel refuses live frames
     */
    public static TrafficGenerator open(SendMethod method) {
        if (method == SendMethod.TC_CLONE) {
            return load(TC_OBJECT_RESOURCE, SendMethod.TC_CLONE, "asked for");
        }
        BpfObject live = loadObject(OBJECT_RESOURCE);
        String refusal;
        try {
            probeLiveFrames(live);
            try {
                return new TrafficGenerator(live, SendMethod.LIVE_FRAMES,
                        method == null ? "BPF_PROG_RUN live frames work here" : "asked for");
            } catch (RuntimeException e) {
                live.close();
                throw e;
            }
        } catch (BpfException e) {
            live.close();
            if (method != null) {
                throw e;
            }
            refusal = e.getMessage();
        }
        return load(TC_OBJECT_RESOURCE, SendMethod.TC_CLONE, "live frames refused here (" + refusal + ")");
    }

    private static TrafficGenerator load(String resource, SendMethod method, String reason) {
        BpfObject object = loadObject(resource);
        try {
            return new TrafficGenerator(object, method, reason);
        } catch (RuntimeException e) {
            object.close();
            throw e;
        }
    }

    private static BpfObject loadObject(String resource) {
        BpfObject object = BpfObject.openResource(resource);
        try {
            return object.load();
        } catch (RuntimeException e) {
            object.close();
            throw e;
        }
    }

    /** One live-frames run of traffic_gen_probe, which drops its frame: throws what the kernel says. */
    private static void probeLiveFrames(BpfObject live) {
        XdpLiveFrames.run(live.programFd(PROBE_PROGRAM), new byte[TrafficConfig.MIN_FRAME_LENGTH], 1, 1);
    }

    /** How this generator sends. */
    public SendMethod method() {
        return method;
    }

    /** Why it sends that way: "BPF_PROG_RUN live frames work here", "asked for", or the probe's refusal. */
    public String methodReason() {
        return methodReason;
    }

    /**
     * Applies {@code c}: resolves the device's index (and its MAC when none is given) in the
     * configured namespace, writes the program's settings and restarts the STAMP sequence at 0.
     * With {@link SendMethod#TC_CLONE}, attaches the TC program to the device's egress hook (and
     * detaches it from a device configured before).
     *
     * @throws IllegalArgumentException if the device or namespace does not exist
     */
    public void configure(TrafficConfig c) {
        checkOpen();
        if (tc != null && !(Objects.equals(tc.namespace(), c.namespace()) && tc.device().equals(c.device()))) {
            detachTc();
        }
        byte[] encoded = inNamespace(c.namespace(), () -> {
            int ifindex = NetInterfaces.indexOf(c.device());
            byte[] sourceMac = c.sourceMac() != null ? c.sourceMac() : NetInterfaces.macOf(c.device());
            if (method == SendMethod.TC_CLONE) {
                if (tc != null && (tc.ifindex() != ifindex || !tc.isAttached())) {
                    // The same names, another interface (recreated, or the namespace was): the old filter
                    // and socket went with the old one; detach() leaves what is not this program's.
                    tc.detach();
                    tc = null;
                }
                if (tc == null) {
                    tc = TcCloneSender.attach(c.namespace(), c.device(), ifindex, programFd);
                }
            }
            return TrafficGenLayout.encodeConfig(c, ifindex, sourceMac, triggerToken);
        });
        config.update(BpfMap.indexKey(0), encoded);
        state.update(BpfMap.indexKey(0), TrafficGenLayout.encodeState(0, 0));
        this.current = c;
        this.encodedConfig = encoded;
    }

    /** The configuration in force, or null before {@link #configure}. */
    public TrafficConfig configuration() {
        return current;
    }

    /**
     * Sends {@code frames} frames, frame i at start + i/ratePps (ratePps 0 = as fast as possible),
     * in one BPF_PROG_RUN or in TC bursts, and returns what was built. Blocks for the whole run.
     *
     * @throws IllegalStateException    before {@link #configure}
     * @throws IllegalArgumentException for a frame count or rate out of range
     */
    public TrialResult run(long frames, long ratePps) {
        checkOpen();
        if (current == null) {
            throw new IllegalStateException("traffic generator is not configured; call configure() first");
        }
        if (frames < 1 || frames > MAX_FRAMES) {
            throw new IllegalArgumentException("frame count must be from 1 to " + MAX_FRAMES + ", got " + frames);
        }
        if (ratePps != 0 && (ratePps < MIN_RATE_PPS || ratePps > MAX_RATE_PPS)) {
            throw new IllegalArgumentException("rate must be from " + MIN_RATE_PPS + " to " + MAX_RATE_PPS
                    + " frames per second, or 0 for unpaced, got " + ratePps);
        }
        TrafficGenLayout.setRate(encodedConfig, ratePps);
        TrafficGenLayout.setRunFrames(encodedConfig, (int) frames);
        config.update(BpfMap.indexKey(0), encodedConfig);
        int stampSeq = TrafficGenLayout.stateStampSeq(state.lookup(BpfMap.indexKey(0)).orElseThrow());
        if (method == SendMethod.TC_CLONE) {
            int burst = burstSize(current.batchSize(), ratePps);
            // The socket is the namespace's already: the caller's thread sends (and busy-waits in the program).
            return inNamespace(null, () -> measure(frames, ratePps, stampSeq, () -> tc.send(state, triggerToken,
                    frames, ratePps, burst, current.templateLength()).interrupted()));
        }
        int batch = batchSize(current.batchSize(), ratePps);
        byte[] template = new byte[current.templateLength()];
        return inNamespace(current.namespace(), () -> measure(frames, ratePps, stampSeq,
                () -> XdpLiveFrames.run(programFd, template, (int) frames, batch).interrupted()));
    }

    /** Resets the run's state, runs {@code send} (true when interrupted) and returns what the counters saw. */
    private TrialResult measure(long frames, long ratePps, int stampSeq, Callable<Boolean> send) throws Exception {
        GeneratorCounters before = counters();
        // bpf_ktime_get_ns is CLOCK_MONOTONIC, as System.nanoTime on Linux; the STAMP timestamps
        // are CLOCK_REALTIME through this offset, measured right before the run.
        Instant now = Instant.now();
        long mono = System.nanoTime();
        long realtimeOffset = now.getEpochSecond() * 1_000_000_000L + now.getNano() - mono;
        state.update(BpfMap.indexKey(0), TrafficGenLayout.encodeState(realtimeOffset, stampSeq));
        long start = System.nanoTime();
        boolean interrupted = send.call();
        long wall = System.nanoTime() - start;
        GeneratorCounters delta = counters().minus(before);
        long span = TrafficGenLayout.stateSpanNanos(state.lookup(BpfMap.indexKey(0)).orElseThrow());
        return new TrialResult(frames, delta.built(), delta.data(), delta.stamp(), delta.errors(), ratePps,
                wall, span, delta.resyncs(), interrupted, method);
    }

    /** Live frames per batch: as configured, else what falls due within 20 us (1..16), 16 unpaced. */
    static int batchSize(int configured, long ratePps) {
        if (configured > 0) {
            return configured;
        }
        if (ratePps == 0) {
            return AUTO_BATCH_MAX;
        }
        long due = ratePps * AUTO_BATCH_WINDOW_NS / 1_000_000_000L;
        return (int) Math.max(1, Math.min(AUTO_BATCH_MAX, due));
    }

    /** TC frames per trigger: as configured, else what falls due within 100 us (1..128), 128 unpaced. */
    static int burstSize(int configured, long ratePps) {
        if (configured > 0) {
            return configured;
        }
        if (ratePps == 0) {
            return TC_UNPACED_BURST;
        }
        long due = ratePps * TC_BURST_WINDOW_NS / 1_000_000_000L;
        return (int) Math.max(1, Math.min(TC_PACED_BURST_MAX, due));
    }

    /** The program's counters since it was loaded, summed over CPUs. */
    public GeneratorCounters counters() {
        checkOpen();
        return GeneratorCounters.sum(stats.lookupPerCpu(BpfMap.indexKey(0)).orElseThrow(
                () -> new IllegalStateException("map " + STATS_MAP + " has no entry 0")));
    }

    /** Detaches the TC program if attached, and unloads the program (its maps go with it). Idempotent. */
    @Override
    public void close() {
        try {
            detachTc();
        } finally {
            object.close();
        }
    }

    private void detachTc() {
        TcCloneSender sender = tc;
        if (sender == null) {
            return;
        }
        tc = null;
        inNamespace(sender.namespace(), () -> {
            sender.detach();
            return null;
        });
    }

    private void checkOpen() {
        if (!object.isLoaded()) {
            throw new IllegalStateException("traffic generator is closed");
        }
    }

    private static <T> T inNamespace(String namespace, Callable<T> task) {
        try {
            return namespace == null ? task.call() : NetNamespace.callIn(namespace, task);
        } catch (RuntimeException e) {
            throw e;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the generator thread", e);
        } catch (Exception e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    /** Guards against ebpf/traffic_gen.h and TrafficGenLayout drifting apart. */
    private static void requireValueSize(BpfMap map, int expected) {
        if (map.valueSize() != expected) {
            throw new IllegalStateException("map " + map.name() + " holds " + map.valueSize()
                    + "-byte values, expected " + expected + ": ebpf/traffic_gen.h and TrafficGenLayout disagree");
        }
    }
}
