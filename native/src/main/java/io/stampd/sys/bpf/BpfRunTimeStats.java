package io.stampd.sys.bpf;

import io.stampd.sys.Libc;

/**
 * The kernel's run-time statistics of BPF programs (BPF_ENABLE_STATS), on while this is open:
 * {@link BpfProgramInfo#runTimeNanos()} and {@link BpfProgramInfo#runCount()} count then. They
 * cost every program run two clock readings, so they are turned on for a measurement and off
 * after it, not left on.
 */
public final class BpfRunTimeStats implements AutoCloseable {
    private int fd;

    private BpfRunTimeStats(int fd) {
        this.fd = fd;
    }

    /** Turns the statistics on until {@link #close()} (other holders may keep them on longer). */
    public static BpfRunTimeStats enable() {
        int fd = LibBpf.get().enableStats(LibBpf.BPF_STATS_RUN_TIME);
        if (fd < 0) {
            throw new BpfException("bpf_enable_stats", "BPF_STATS_RUN_TIME", fd);
        }
        return new BpfRunTimeStats(fd);
    }

    @Override
    public synchronized void close() {
        if (fd >= 0) {
            Libc.close(fd);
            fd = -1;
        }
    }
}
