package io.stampd.netconf.engine;

import java.util.OptionalLong;

/**
 * Tells when the wall clock steps against the monotonic one, for one log line per step: the
 * sessions mark the replies measured across a step themselves (SenderStatistics, at each packet
 * sent), but a step concerns the whole agent and is said once, not once per session. Sampled
 * every second; the wall clock minus the monotonic one moves only by slewing (NTP slews at most
 * 500 ppm, 0.5 ms a second) unless it steps.
 */
final class WallClockWatch {
    /** The smallest change taken for a step, as the sessions' (ClockSteps): 10 ms, beyond 1000 ppm of slewing. */
    static final long THRESHOLD_NANOS = 10_000_000L;

    private final StateClock clock;
    private boolean sampled;
    private long lastOffset;
    private long lastMono;

    WallClockWatch(StateClock clock) {
        this.clock = clock;
    }

    /** The step since the last call (nanoseconds, positive forward), or empty if the wall clock did not step. */
    OptionalLong check() {
        long mono = clock.monotonicNanos();
        long offset = clock.unixNanos() - mono;
        OptionalLong step = OptionalLong.empty();
        if (sampled) {
            long change = offset - lastOffset;
            if (Math.abs(change) > THRESHOLD_NANOS + Math.max(0, mono - lastMono) / 1000) {
                step = OptionalLong.of(change);
            }
        }
        sampled = true;
        lastOffset = offset;
        lastMono = mono;
        return step;
    }
}
