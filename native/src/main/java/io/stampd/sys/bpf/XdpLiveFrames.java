package io.stampd.sys.bpf;

import io.stampd.sys.Libc;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * BPF_PROG_RUN of an XDP program with BPF_F_TEST_XDP_LIVE_FRAMES: the kernel runs the program
 * {@code repeat} times on page-pool frames initialised from a template, and really transmits what
 * it redirects (or sends back with XDP_TX). The ingress device and the redirect targets are
 * resolved in the calling thread's network namespace (see {@link NetNamespace#callIn}).
 *
 * <p>The call blocks for the whole run. A signal ends it early (EINTR); that is reported as
 * {@link Outcome#interrupted()}, not as an error, since what was sent up to then is real.
 */
public final class XdpLiveFrames {
    /** The kernel refuses more frames per batch than this (NAPI_POLL_WEIGHT). */
    public static final int MAX_BATCH_SIZE = 256;

    private XdpLiveFrames() {
    }

    /** How one run ended. */
    public record Outcome(boolean interrupted, int retval) {
    }

    /**
     * Runs program {@code programFd} {@code repeat} times on frames initialised from {@code frame}
     * (the largest frame the program will produce; it may shrink it with bpf_xdp_adjust_tail),
     * {@code batchSize} frames per batch (1 to {@link #MAX_BATCH_SIZE}).
     *
     * @throws BpfException naming bpf_prog_test_run_opts and the errno for any failure but EINTR
     */
    public static Outcome run(int programFd, byte[] frame, int repeat, int batchSize) {
        if (repeat < 1) {
            throw new IllegalArgumentException("repeat must be at least 1, got " + repeat);
        }
        if (batchSize < 1 || batchSize > MAX_BATCH_SIZE) {
            throw new IllegalArgumentException("batch size must be from 1 to " + MAX_BATCH_SIZE + ", got " + batchSize);
        }
        if (frame.length == 0) {
            throw new IllegalArgumentException("frame template must not be empty");
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment data = arena.allocateFrom(JAVA_BYTE, frame);
            MemorySegment opts = arena.allocate(LibBpfStructs.BPF_TEST_RUN_OPTS);
            opts.set(JAVA_LONG, LibBpf.TEST_RUN_OPTS_SZ, LibBpf.TEST_RUN_OPTS_SIZE);
            opts.set(ADDRESS, LibBpf.TEST_RUN_OPTS_DATA_IN, data);
            opts.set(JAVA_INT, LibBpf.TEST_RUN_OPTS_DATA_SIZE_IN, frame.length);
            // data_out and ctx_out stay NULL: live mode refuses them.
            opts.set(JAVA_INT, LibBpf.TEST_RUN_OPTS_REPEAT, repeat);
            opts.set(JAVA_INT, LibBpf.TEST_RUN_OPTS_FLAGS, LibBpf.BPF_F_TEST_XDP_LIVE_FRAMES);
            opts.set(JAVA_INT, LibBpf.TEST_RUN_OPTS_BATCH_SIZE, batchSize);
            int rc = LibBpf.get().progTestRunOpts(programFd, opts);
            if (rc == -Libc.EINTR) {
                return new Outcome(true, opts.get(JAVA_INT, LibBpf.TEST_RUN_OPTS_RETVAL));
            }
            if (rc < 0) {
                throw new BpfException("bpf_prog_test_run_opts", "program fd " + programFd + " (live frames, repeat "
                        + repeat + ", batch " + batchSize + ", " + frame.length + "-octet frame)", rc,
                        -rc == Libc.EINVAL ? "live frames need an XDP program and no data_out/ctx_out" : null);
            }
            return new Outcome(false, opts.get(JAVA_INT, LibBpf.TEST_RUN_OPTS_RETVAL));
        }
    }
}
