package io.stampd.tools.bench.footprint;

import java.util.SplittableRandom;

/**
 * The replies of one 10 pps sender session, reproducible from its number: a base one-way delay
 * drawn log-uniformly from 25 µs to 2.5 ms per direction (round trips of 50 µs .. 5 ms), each
 * packet adding exponential jitter of 5 % of the base, a 10 µs reflector turnaround, and every
 * {@value #SPIKE_EVERY}th packet a forward spike of 100-150 ms (a queue, a reroute). The spikes
 * matter: a histogram sized by its largest value keeps that size.
 */
final class ReplyWorkload {
    static final long INTERVAL_NANOS = 100_000_000L;
    static final int SPIKE_EVERY = 600;
    private static final long START_UNIX_NANOS = 1_750_000_000_000_000_000L;

    private final SplittableRandom random;
    private final long baseForward;
    private final long baseBackward;

    ReplyWorkload(int session) {
        random = new SplittableRandom(0x5EED_0000L + session);
        baseForward = logUniform(25_000, 2_500_000);
        baseBackward = logUniform(25_000, 2_500_000);
    }

    private long logUniform(long lo, long hi) {
        return Math.round(Math.exp(Math.log(lo) + random.nextDouble() * (Math.log(hi) - Math.log(lo))));
    }

    private long jitter(long base) {
        return Math.round(-Math.log(1 - random.nextDouble()) * base * 0.05);
    }

    /** The four timestamps of reply {@code seq}, into {@code t} (T1..T4, Unix-epoch nanoseconds). */
    void reply(long seq, long[] t) {
        long forward = baseForward + jitter(baseForward);
        if (seq % SPIKE_EVERY == SPIKE_EVERY - 1) {
            forward += 100_000_000L + random.nextLong(50_000_000L);
        }
        t[0] = START_UNIX_NANOS + seq * INTERVAL_NANOS;
        t[1] = t[0] + forward;
        t[2] = t[1] + 10_000;
        t[3] = t[2] + baseBackward + jitter(baseBackward);
    }

    /** System.nanoTime-like time at which packet {@code seq} was sent. */
    static long sentMono(long seq) {
        return seq * INTERVAL_NANOS;
    }
}
