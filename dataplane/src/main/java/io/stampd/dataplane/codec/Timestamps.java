package io.stampd.dataplane.codec;

/**
 * Exact conversion between Unix-epoch nanoseconds (UTC, the agent's internal time) and the two
 * 64-bit STAMP wire formats.
 *
 * <p>NTP: the fraction is in units of 2^-32 s. Rounding to the nearest unit on encode and to the
 * nearest nanosecond on decode makes {@code decode(encode(t)) == t} for every nanosecond value,
 * since one fraction unit is 0.23 ns. The 32-bit seconds field wraps on 2036-02-07 (era 1); decode
 * uses the RFC 4330 §3 rule (MSB clear means era 1), valid from 1968 to 2104, or a caller-given
 * pivot for any date.
 *
 * <p>PTPv2: seconds are TAI; the agent keeps UTC, so the fixed TAI-UTC offset is added on encode
 * and removed on decode.
 */
public final class Timestamps {
    /** Seconds from 1900-01-01 (NTP epoch) to 1970-01-01 (Unix epoch). */
    public static final long NTP_UNIX_OFFSET_S = 2_208_988_800L;
    /**
     * TAI - UTC in seconds, in force since 2017-01-01 (IERS Bulletin C: no leap second announced
     * since). PTP timestamps are TAI by definition.
     */
    public static final long TAI_UTC_OFFSET_S = 37L;

    private static final long NS_PER_S = 1_000_000_000L;
    private static final long TWO_32 = 1L << 32;
    private static final long ERA_S = TWO_32;

    private Timestamps() {
    }

    public static long encode(long unixNanos, TimestampFormat format) {
        return format == TimestampFormat.NTP ? toNtp(unixNanos) : toPtp(unixNanos);
    }

    /** Decodes with the format's default era rule (NTP: RFC 4330 pivot; PTP: unsigned until 2106). */
    public static long decode(long wire, TimestampFormat format) {
        return format == TimestampFormat.NTP ? fromNtp(wire) : fromPtp(wire);
    }

    /** Decodes choosing the era that puts the result nearest to {@code pivotUnixNanos}. */
    public static long decode(long wire, TimestampFormat format, long pivotUnixNanos) {
        // Wire seconds = Unix seconds + offset (NTP: epoch 1900; PTP: TAI runs ahead of UTC).
        long offset = format == TimestampFormat.NTP ? NTP_UNIX_OFFSET_S : TAI_UTC_OFFSET_S;
        long pivotWireSeconds = Math.floorDiv(pivotUnixNanos, NS_PER_S) + offset;
        long low = wire >>> 32;
        // Choose the era e so that e * 2^32 + low is within half an era of the pivot.
        long era = Math.floorDiv(pivotWireSeconds - low + ERA_S / 2, ERA_S);
        long wireSeconds = era * ERA_S + low;
        long sub = format == TimestampFormat.NTP ? fractionToNanos(wire & 0xFFFF_FFFFL) : (wire & 0xFFFF_FFFFL);
        return (wireSeconds - offset) * NS_PER_S + sub;
    }

    public static long toNtp(long unixNanos) {
        long seconds = Math.floorDiv(unixNanos, NS_PER_S) + NTP_UNIX_OFFSET_S;
        long nanos = Math.floorMod(unixNanos, NS_PER_S);
        long fraction = (nanos * TWO_32 + NS_PER_S / 2) / NS_PER_S;
        if (fraction == TWO_32) { // rounding carried into the next second
            fraction = 0;
            seconds++;
        }
        return ((seconds & 0xFFFF_FFFFL) << 32) | fraction;
    }

    public static long fromNtp(long wire) {
        long seconds = wire >>> 32;
        // RFC 4330 §3: with the MSB clear the time is in era 1 (2036-2104).
        if ((seconds & 0x8000_0000L) == 0) {
            seconds += ERA_S;
        }
        return (seconds - NTP_UNIX_OFFSET_S) * NS_PER_S + fractionToNanos(wire & 0xFFFF_FFFFL);
    }

    public static long toPtp(long unixNanos) {
        long seconds = Math.floorDiv(unixNanos, NS_PER_S) + TAI_UTC_OFFSET_S;
        long nanos = Math.floorMod(unixNanos, NS_PER_S);
        return ((seconds & 0xFFFF_FFFFL) << 32) | nanos;
    }

    public static long fromPtp(long wire) {
        long seconds = wire >>> 32;
        long nanos = wire & 0xFFFF_FFFFL;
        return (seconds - TAI_UTC_OFFSET_S) * NS_PER_S + nanos;
    }

    /** True if a PTP timestamp's nanoseconds field is a valid value (below 10^9). */
    public static boolean isValidPtp(long wire) {
        return (wire & 0xFFFF_FFFFL) < NS_PER_S;
    }

    private static long fractionToNanos(long fraction) {
        return (fraction * NS_PER_S + TWO_32 / 2) >>> 32;
    }
}
