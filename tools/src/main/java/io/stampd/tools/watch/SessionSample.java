package io.stampd.tools.watch;

import java.util.List;

/**
 * What one poll saw of one sender test session: the latest forward (far-end), backward (near-end)
 * and round-trip delays in nanoseconds (null when nothing was measured yet), the loss in percent
 * (null if unknown), the liveness verdict (null when the agent does not report one) and the
 * measurements it holds, oldest first.
 */
public record SessionSample(long id, String peer, String state, Long forwardNanos, Long backwardNanos,
                            Long roundTripNanos, Double lossPercent, String liveness, List<DelayPoint> points) {
    public SessionSample {
        points = List.copyOf(points);
    }
}
