package io.stampd.dataplane.codec;

/**
 * The 16-bit Error Estimate of RFC 4656 §4.1.2 as used by STAMP: {@code S(1) Z(1) Scale(6)
 * Multiplier(8)}; error in seconds = Multiplier × 2^-32 × 2^Scale. Multiplier must not be zero.
 */
public final class ErrorEstimate {
    private ErrorEstimate() {
    }

    public static short encode(boolean synchronized_, TimestampFormat format, int scale, int multiplier) {
        if (scale < 0 || scale > 63) {
            throw new IllegalArgumentException("error estimate scale " + scale + " is outside 0..63");
        }
        if (multiplier < 1 || multiplier > 255) {
            throw new IllegalArgumentException("error estimate multiplier " + multiplier + " is outside 1..255");
        }
        return (short) ((synchronized_ ? 0x8000 : 0) | (format.zBit() << 14) | (scale << 8) | multiplier);
    }

    /**
     * The smallest representable estimate that is not below {@code errorNanos} (at least one unit),
     * so that the advertised error never understates the real one.
     */
    public static short forError(boolean synchronized_, TimestampFormat format, long errorNanos) {
        long err = Math.max(1, errorNanos);
        for (int scale = 0; scale <= 63; scale++) {
            // multiplier = ceil(err * 2^32 / (1e9 * 2^scale)), computed without overflow
            double m = Math.ceil(err * Math.pow(2, 32 - scale) / 1e9);
            if (m <= 255) {
                return encode(synchronized_, format, scale, (int) Math.max(1, m));
            }
        }
        return encode(synchronized_, format, 63, 255);
    }

    public static boolean isSynchronized(short ee) {
        return (ee & 0x8000) != 0;
    }

    public static TimestampFormat format(short ee) {
        return TimestampFormat.fromZBit((ee >>> 14) & 1);
    }

    public static int scale(short ee) {
        return (ee >>> 8) & 0x3F;
    }

    public static int multiplier(short ee) {
        return ee & 0xFF;
    }

    /** The error in nanoseconds (saturating at Long.MAX_VALUE); multiplier 0 is invalid and gives -1. */
    public static long errorNanos(short ee) {
        int m = multiplier(ee);
        if (m == 0) {
            return -1;
        }
        double ns = m * Math.pow(2, scale(ee) - 32) * 1e9;
        return ns >= Long.MAX_VALUE ? Long.MAX_VALUE : (long) Math.ceil(ns);
    }
}
