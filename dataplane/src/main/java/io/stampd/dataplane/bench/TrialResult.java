package io.stampd.dataplane.bench;

/**
 * One run of the traffic generator: what the program built (deltas of its counters over the run)
 * and how long the run took.
 *
 * @param requested      frames asked for
 * @param built          frames the program built and handed to the redirect
 * @param data           of those, data frames
 * @param stamp          of those, STAMP frames
 * @param errors         frames that could not be built or whose redirect was refused by the program
 * @param ratePps        requested rate, 0 = unpaced
 * @param wallNanos      wall-clock time of the BPF_PROG_RUN call
 * @param interrupted    a signal ended the run early (EINTR); the counts say what was sent
 */
public record TrialResult(long requested, long built, long data, long stamp, long errors, long ratePps,
                          long wallNanos, boolean interrupted) {

    /** Frames per second the run achieved: built frames over the wall-clock time. */
    public double achievedPps() {
        return wallNanos <= 0 ? 0 : built * 1e9 / wallNanos;
    }

    /** Frames that left for the device (built minus errors). */
    public long sent() {
        return built - errors;
    }
}
