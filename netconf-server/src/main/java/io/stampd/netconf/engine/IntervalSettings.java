package io.stampd.netconf.engine;

import java.util.List;

/**
 * How a sender test session cuts its measurements into intervals (stampd-stamp.yang:
 * measurement-interval, history-size, delay-bin-edge).
 *
 * @param binEdgesMicros the delay bins' lower bounds, strictly increasing (StampConfigCheck checks it)
 */
record IntervalSettings(int lengthSeconds, int historySize, List<Long> binEdgesMicros) {
    static final IntervalSettings DEFAULT = new IntervalSettings(30, 16, List.of(0L, 5_000L, 10_000L, 20_000L,
            50_000L));

    IntervalSettings {
        binEdgesMicros = List.copyOf(binEdgesMicros);
        if (lengthSeconds < 1 || historySize < 1 || binEdgesMicros.isEmpty()) {
            throw new IllegalArgumentException("measurement interval " + lengthSeconds + " s, history " + historySize
                    + ", " + binEdgesMicros.size() + " bins: each must be at least 1");
        }
        for (int i = 1; i < binEdgesMicros.size(); i++) {
            if (binEdgesMicros.get(i) <= binEdgesMicros.get(i - 1)) {
                throw new IllegalArgumentException("delay-bin-edge must be strictly increasing, but "
                        + binEdgesMicros.get(i) + " follows " + binEdgesMicros.get(i - 1));
            }
        }
    }

    long lengthNanos() {
        return lengthSeconds * 1_000_000_000L;
    }

    long[] binEdgesNanos() {
        long[] edges = new long[binEdgesMicros.size()];
        for (int i = 0; i < edges.length; i++) {
            edges[i] = binEdgesMicros.get(i) * 1000;
        }
        return edges;
    }
}
