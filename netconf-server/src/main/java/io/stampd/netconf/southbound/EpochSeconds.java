package io.stampd.netconf.southbound;

/**
 * Unix-epoch nanoseconds as the reference API's double seconds. The whole seconds and the fraction
 * are converted apart, so the result is the double nearest to the exact time (about 0.24 µs apart
 * in this century) instead of carrying the rounding of the nanosecond count itself as well.
 */
final class EpochSeconds {
    private EpochSeconds() {
    }

    static double of(long epochNanos) {
        long seconds = Math.floorDiv(epochNanos, 1_000_000_000L);
        long nanos = Math.floorMod(epochNanos, 1_000_000_000L);
        return seconds + nanos / 1e9;
    }
}
