package io.stampd.dataplane.core;

import io.stampd.dataplane.session.RateLimit;

/**
 * A token bucket on the monotonic clock, in exact integer arithmetic: one packet is
 * {@link #PACKET} credits and every nanosecond adds {@code packetsPerSecond} credits, so the
 * refill is a product of integers with no rounding to drift, and a long idle spell fills the
 * bucket to its depth without overflow (the elapsed time is capped before the product). A clock
 * that seems to go back (never on CLOCK_MONOTONIC; a caller's mistake) adds nothing. Starts full,
 * its clock starting at the first reading it is given.
 * One thread (the I/O thread); no allocation per packet.
 */
public final class TokenBucket {
    /** Credits of one packet: a nanosecond at one packet per second. */
    static final long PACKET = 1_000_000_000L;

    private long rate;
    private long capacity;
    private long credit;
    /** The last clock reading; {@link #NO_READING} before the first. */
    private long lastNanos = NO_READING;
    private static final long NO_READING = Long.MIN_VALUE;

    public TokenBucket(RateLimit limit) {
        rate = limit.packetsPerSecond();
        capacity = limit.burst() * PACKET;
        credit = capacity;
    }

    /** Takes one packet's credit if there is one: true, answer it; false, it is over the limit. */
    public boolean tryTake(long nowNanos) {
        tryRefill(nowNanos);
        if (credit >= PACKET) {
            credit -= PACKET;
            return true;
        }
        return false;
    }

    /**
     * A new rate and depth (a commit changed them): the credit earned so far stays, cut to the new
     * depth, so a change neither hands out a fresh burst nor takes away what was earned.
     */
    public void limit(RateLimit limit, long nowNanos) {
        tryRefill(nowNanos);
        rate = limit.packetsPerSecond();
        capacity = limit.burst() * PACKET;
        credit = Math.min(credit, capacity);
    }

    private void tryRefill(long nowNanos) {
        if (lastNanos == NO_READING) {
            lastNanos = nowNanos; // full already
        } else if (nowNanos > lastNanos) {
            credit = refilled(credit, nowNanos - lastNanos, rate, capacity);
            lastNanos = nowNanos;
        }
    }

    /** Whole packets the bucket holds now (for tests and state). */
    long packets() {
        return credit / PACKET;
    }

    /**
     * {@code credit} after {@code elapsedNanos} (positive) at {@code rate} packets per second, at
     * most {@code capacity}. The product is taken only when it stays below the missing credit plus
     * one nanosecond's worth, far inside a long ({@link RateLimit} bounds both factors).
     */
    static long refilled(long credit, long elapsedNanos, long rate, long capacity) {
        long missing = capacity - credit;
        if (missing <= 0) {
            return capacity;
        }
        if (elapsedNanos >= missing / rate + 1) {
            return capacity;
        }
        return credit + elapsedNanos * rate;
    }
}
