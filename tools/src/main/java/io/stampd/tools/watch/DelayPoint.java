package io.stampd.tools.watch;

/**
 * One measurement of a sender session: when its test packet left (T1, nanoseconds since the Unix
 * epoch on the sender's clock), when the reply arrived (T4) and the three delays in nanoseconds.
 */
public record DelayPoint(long seq, long t1Nanos, long t4Nanos, long forwardNanos, long backwardNanos,
                         long roundTripNanos) {
}
