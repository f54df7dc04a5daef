package io.stampd.dataplane.core;

/** 32-bit wire sequence numbers and the 64-bit counters behind them. */
public final class SequenceNumbers {
    private SequenceNumbers() {
    }

    /**
     * The 64-bit value whose low 32 bits are {@code wire} and which lies nearest to
     * {@code reference} (within ±2^31), never negative.
     */
    public static long unwrap(long reference, int wire) {
        long low = Integer.toUnsignedLong(wire);
        long candidate = (reference & ~0xFFFF_FFFFL) | low;
        if (candidate - reference > 0x8000_0000L) {
            candidate -= 1L << 32;
        } else if (reference - candidate > 0x8000_0000L) {
            candidate += 1L << 32;
        }
        return candidate < 0 ? low : candidate;
    }
}
