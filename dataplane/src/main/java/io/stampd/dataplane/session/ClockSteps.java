package io.stampd.dataplane.session;

/**
 * Steps of the sender's wall clock, seen against its monotonic clock. T1 and T4 are wall-clock
 * times (they go on the wire, and T2 and T3 come from the reflector's wall clock); a step between
 * them (an operator's {@code date -s}, an NTP daemon stepping instead of slewing) would turn into a
 * one-way and round-trip delay wrong by the step, silently. Each packet sent gives a pair of
 * readings of the two clocks taken together (its T1 and its monotonic send time): their difference
 * moves only by slewing (NTP slews at most 500 ppm) unless the wall clock steps.
 *
 * <p>A packet is taken to have been out across a step when its flight overlaps the time between
 * the two sends that saw the last step, or when its wall-clock flight (T4 - T1) is longer than its
 * monotonic one (send to reading of the reply) by more than the threshold: a step forward that no
 * send has seen yet. A step backward shows only at the next send; the replies read between the
 * step and that send are marked then ({@link SenderStatistics}). Only the sender's own clock is
 * watched: a step of the reflector's clock (T2, T3) cannot be told from a change of delay here.
 */
final class ClockSteps {
    /** Smallest change of wall minus monotonic taken for a step, beyond slewing: 10 ms. */
    static final long THRESHOLD_NANOS = 10_000_000L;
    /** Slewing allowed on top of the threshold: 1 ns per 1,000 ns elapsed (1000 ppm, twice NTP's limit). */
    private static final long SLEW_DIVISOR = 1000;

    private boolean sampled;
    private long lastOffset;
    private long lastMono;
    /** The last step happened after the monotonic time {@code fromMono} and by {@code toMono}. */
    private long fromMono = Long.MAX_VALUE;
    private long toMono = Long.MIN_VALUE;
    private long steps;
    private long lastStepNanos;

    /**
     * Takes a pair of readings of the two clocks, {@code wallNanos} read right after {@code
     * monoNanos}; true if the wall clock stepped since the previous pair.
     */
    boolean sample(long wallNanos, long monoNanos) {
        long offset = wallNanos - monoNanos;
        boolean stepped = false;
        if (sampled) {
            long change = offset - lastOffset;
            if (Math.abs(change) > allowed(monoNanos - lastMono)) {
                fromMono = lastMono;
                toMono = monoNanos;
                steps++;
                lastStepNanos = change;
                stepped = true;
            }
        }
        sampled = true;
        lastOffset = offset;
        lastMono = monoNanos;
        return stepped;
    }

    /**
     * Whether a packet sent at monotonic time {@code sentMono}, whose reply was read at {@code
     * readMono}, with T1 {@code t1} and T4 {@code t4}, was out while the wall clock stepped.
     */
    boolean across(long sentMono, long readMono, long t1, long t4) {
        if (sentMono < toMono && readMono > fromMono) {
            return true;
        }
        long monoFlight = readMono - sentMono;
        return (t4 - t1) - monoFlight > allowed(monoFlight);
    }

    private static long allowed(long elapsedNanos) {
        return THRESHOLD_NANOS + Math.max(0, elapsedNanos) / SLEW_DIVISOR;
    }

    /** Steps seen. */
    long steps() {
        return steps;
    }

    /** The size of the last step seen (positive: forward), 0 before the first. */
    long lastStepNanos() {
        return lastStepNanos;
    }
}
