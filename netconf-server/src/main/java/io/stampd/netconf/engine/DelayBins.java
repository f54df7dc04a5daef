package io.stampd.netconf.engine;

/**
 * Counts of one measurement interval's delays per bin, for the three delays: bin i holds
 * [edge i, edge i+1), the last one everything from its edge up, and values below the first edge
 * (negative one-way delays between unsynchronised clocks) count in the first. Allocates nothing
 * once built: it is fed while the session's records are folded, possibly on the I/O thread.
 */
final class DelayBins {
    static final int TWO_WAY = 0;
    static final int FAR_END = 1;
    static final int NEAR_END = 2;

    private final long[] edgesNanos;
    private final long[][] counts;

    DelayBins(long[] edgesNanos) {
        this.edgesNanos = edgesNanos.clone();
        this.counts = new long[3][edgesNanos.length];
    }

    void add(int delay, long nanos) {
        counts[delay][binOf(nanos)]++;
    }

    /** The bin whose range holds {@code nanos} (binary search over the edges). */
    int binOf(long nanos) {
        int lo = 0;
        int hi = edgesNanos.length - 1;
        while (lo < hi) {
            int mid = (lo + hi + 1) >>> 1;
            if (edgesNanos[mid] <= nanos) {
                lo = mid;
            } else {
                hi = mid - 1;
            }
        }
        return lo;
    }

    void reset() {
        for (long[] c : counts) {
            java.util.Arrays.fill(c, 0);
        }
    }

    /** A copy of the counts, [delay][bin]. */
    long[][] counts() {
        long[][] copy = new long[3][];
        for (int i = 0; i < 3; i++) {
            copy[i] = counts[i].clone();
        }
        return copy;
    }
}
