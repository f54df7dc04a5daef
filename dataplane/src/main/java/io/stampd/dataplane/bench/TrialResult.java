package io.stampd.dataplane.bench;

/**
 * One run of the traffic generator: what the program built (deltas of its counters over the run),
 * how long the run took and how the frames were sent.
 *
 * @param requested      frames asked for
 * @param built          frames the program built and handed to the redirect
 * @param data           of those, data frames
 * @param stamp          of those, STAMP frames
 * @param errors         frames that could not be built or whose redirect (live frames) or clone
 *                       redirect (TC) failed
 * @param ratePps        requested rate, 0 = unpaced
 * @param wallNanos      wall-clock time of the run: the BPF_PROG_RUN call, its set-up (page pool)
 *                       included, or all the TC triggers
 * @param spanNanos      time from the first to the last frame, taken by the program; 0 when the
 *                       run did not reach its last frame (interrupted) or had one frame
 * @param resyncs        paced frames found so late (a stalled CPU) that the schedule restarted from
 *                       them instead of sending the backlog in one burst; each one lowers the rate
 * @param interrupted    a signal (live frames: EINTR) or a thread interrupt (TC) ended the run early;
 *                       the counts say what was sent
 * @param method         how the frames were sent
 */
public record TrialResult(long requested, long built, long data, long stamp, long errors, long ratePps,
                          long wallNanos, long spanNanos, long resyncs, boolean interrupted, SendMethod method) {

    /**
     * Frames per second the run achieved: the frame intervals over the program's own span from the
     * first to the last frame; without a span, built frames over the wall-clock time.
     */
    public double achievedPps() {
        if (spanNanos > 0 && built > 1) {
            return (built - 1) * 1e9 / spanNanos;
        }
        return wallNanos <= 0 ? 0 : built * 1e9 / wallNanos;
    }

    /** Frames that left for the device (built minus errors). */
    public long sent() {
        return built - errors;
    }
}
