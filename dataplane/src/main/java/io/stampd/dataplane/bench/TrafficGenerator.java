package io.stampd.dataplane.bench;

import io.stampd.sys.bpf.BpfMap;
import io.stampd.sys.bpf.BpfObject;
import io.stampd.sys.bpf.NetInterfaces;
import io.stampd.sys.bpf.NetNamespace;
import io.stampd.sys.bpf.XdpLiveFrames;

import java.time.Instant;
import java.util.concurrent.Callable;

/**
 * A paced multi-Mpps IPv6/UDP traffic generator: ebpf/traffic_gen.bpf.c run with BPF_PROG_RUN
 * live frames, each invocation building one frame and redirecting it out of a veth.
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
 * times (the trials of a search). With a namespace in the configuration both run in a thread that
 * joined it ({@link NetNamespace#callIn}); without one, in the caller's thread and namespace.
 * The STAMP sequence number runs on across runs and restarts at 0 on {@link #configure}.
 * Not thread-safe: one run at a time.
 */
public final class TrafficGenerator implements AutoCloseable {
    static final String OBJECT_RESOURCE = "/io/stampd/ebpf/traffic_gen.bpf.o";
    static final String PROGRAM = "traffic_gen";
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

    private final BpfObject object;
    private final int programFd;
    private final BpfMap config;
    private final BpfMap state;
    private final BpfMap stats;
    private TrafficConfig current;
    private byte[] encodedConfig;

    private TrafficGenerator(BpfObject object) {
        this.object = object;
        this.programFd = object.programFd(PROGRAM);
        this.config = object.map(CONFIG_MAP);
        this.state = object.map(STATE_MAP);
        this.stats = object.map(STATS_MAP);
        requireValueSize(config, TrafficGenLayout.CFG_SIZE);
        requireValueSize(state, TrafficGenLayout.STATE_SIZE);
        requireValueSize(stats, TrafficGenLayout.STATS_SIZE);
    }

    /** Loads traffic_gen.bpf.o (from the class path) into the kernel; nothing is sent yet. */
    public static TrafficGenerator open() {
        BpfObject object = BpfObject.openResource(OBJECT_RESOURCE);
        try {
            return new TrafficGenerator(object.load());
        } catch (RuntimeException e) {
            object.close();
            throw e;
        }
    }

    /**
     * Applies {@code c}: resolves the device's index (and its MAC when none is given) in the
     * configured namespace, writes the program's settings and restarts the STAMP sequence at 0.
     *
     * @throws IllegalArgumentException if the device or namespace does not exist
     */
    public void configure(TrafficConfig c) {
        checkOpen();
        byte[] encoded = inNamespace(c, () -> {
            int ifindex = NetInterfaces.indexOf(c.device());
            byte[] sourceMac = c.sourceMac() != null ? c.sourceMac() : NetInterfaces.macOf(c.device());
            return TrafficGenLayout.encodeConfig(c, ifindex, sourceMac);
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
     * Sends {@code frames} frames in one BPF_PROG_RUN, frame i at start + i/ratePps (ratePps 0 =
     * as fast as possible), and returns what was built. Blocks for the whole run.
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
        int batch = batchSize(current.batchSize(), ratePps);
        byte[] template = new byte[current.templateLength()];
        TrafficGenLayout.setRate(encodedConfig, ratePps);
        TrafficGenLayout.setRunFrames(encodedConfig, (int) frames);
        config.update(BpfMap.indexKey(0), encodedConfig);
        int stampSeq = TrafficGenLayout.stateStampSeq(state.lookup(BpfMap.indexKey(0)).orElseThrow());
        return inNamespace(current, () -> {
            GeneratorCounters before = counters();
            // bpf_ktime_get_ns is CLOCK_MONOTONIC, as System.nanoTime on Linux; the STAMP timestamps
            // are CLOCK_REALTIME through this offset, measured right before the run.
            Instant now = Instant.now();
            long mono = System.nanoTime();
            long realtimeOffset = now.getEpochSecond() * 1_000_000_000L + now.getNano() - mono;
            state.update(BpfMap.indexKey(0), TrafficGenLayout.encodeState(realtimeOffset, stampSeq));
            long start = System.nanoTime();
            XdpLiveFrames.Outcome outcome = XdpLiveFrames.run(programFd, template, (int) frames, batch);
            long wall = System.nanoTime() - start;
            GeneratorCounters delta = counters().minus(before);
            long span = TrafficGenLayout.stateSpanNanos(state.lookup(BpfMap.indexKey(0)).orElseThrow());
            return new TrialResult(frames, delta.built(), delta.data(), delta.stamp(), delta.errors(), ratePps,
                    wall, span, delta.resyncs(), outcome.interrupted());
        });
    }

    /** Frames per batch: as configured, else what falls due within 20 us (1..16), 16 unpaced. */
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

    /** The program's counters since it was loaded, summed over CPUs. */
    public GeneratorCounters counters() {
        checkOpen();
        return GeneratorCounters.sum(stats.lookupPerCpu(BpfMap.indexKey(0)).orElseThrow(
                () -> new IllegalStateException("map " + STATS_MAP + " has no entry 0")));
    }

    /** Unloads the program (its maps go with it). Idempotent. */
    @Override
    public void close() {
        object.close();
    }

    private void checkOpen() {
        if (!object.isLoaded()) {
            throw new IllegalStateException("traffic generator is closed");
        }
    }

    private static <T> T inNamespace(TrafficConfig c, Callable<T> task) {
        try {
            return c.namespace() == null ? task.call() : NetNamespace.callIn(c.namespace(), task);
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
