package io.stampd.netconf.engine;

import java.time.Instant;

/**
 * The two clocks state is computed against: the monotonic one of the loss timeouts and the wall
 * clock of the threshold events. A test fixes both, so that the same measurements give the same
 * state.
 */
interface StateClock {
    StateClock SYSTEM = new StateClock() {
        @Override
        public long monotonicNanos() {
            return System.nanoTime();
        }

        @Override
        public long unixNanos() {
            Instant now = Instant.now();
            return now.getEpochSecond() * 1_000_000_000L + now.getNano();
        }
    };

    /** System.nanoTime(), or what stands for it. */
    long monotonicNanos();

    /** Nanoseconds since the Unix epoch. */
    long unixNanos();
}
