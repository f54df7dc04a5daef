package io.stampd.dataplane.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * NTP and PTPv2 timestamp conversions. Expected wire values are worked out by hand:
 * NTP seconds = Unix seconds + 2,208,988,800 (mod 2^32), fraction = round(ns × 2^32 / 10^9);
 * PTP seconds = Unix seconds + 37 (TAI − UTC), nanoseconds as they are.
 */
class TimestampsTest {
    private static final long S = 1_000_000_000L;
    /** 2036-02-07T06:28:16Z: NTP era 1 begins (2^32 − 2,208,988,800 Unix seconds). */
    private static final long ERA1_UNIX_S = 2_085_978_496L;
    /** 2040-01-01T00:00:00Z. */
    private static final long Y2040_UNIX_S = 2_208_988_800L;
    /** 2024-01-01T00:00:00Z. */
    private static final long Y2024_UNIX_S = 1_704_067_200L;

    @Test
    void ntpUnixEpoch() {
        // 2,208,988,800 = 0x83AA7E80
        assertEquals(0x83AA7E80_00000000L, Timestamps.toNtp(0));
        assertEquals(0, Timestamps.fromNtp(0x83AA7E80_00000000L));
    }

    @Test
    void ntpEraWrapIn2036() {
        assertEquals(0L, Timestamps.toNtp(ERA1_UNIX_S * S));
        assertEquals(ERA1_UNIX_S * S, Timestamps.fromNtp(0L));
        // one second before the wrap is the last second of era 0
        assertEquals(0xFFFFFFFF_00000000L, Timestamps.toNtp((ERA1_UNIX_S - 1) * S));
        assertEquals((ERA1_UNIX_S - 1) * S, Timestamps.fromNtp(0xFFFFFFFF_00000000L));
    }

    @Test
    void ntpAfter2036() {
        // 2040: 4,417,977,600 NTP seconds − 2^32 = 123,010,304 = 0x0754FD00
        assertEquals(0x0754FD00_00000000L, Timestamps.toNtp(Y2040_UNIX_S * S));
        assertEquals(Y2040_UNIX_S * S, Timestamps.fromNtp(0x0754FD00_00000000L));
    }

    @Test
    void ntpFractionAndRounding() {
        // 2024-01-01T00:00:00.5Z: 3,913,056,000 = 0xE93C7F00, half a second = 0x80000000
        assertEquals(0xE93C7F00_80000000L, Timestamps.toNtp(Y2024_UNIX_S * S + 500_000_000));
        // 1 ns = 4.29 units → 4; 2 ns = 8.59 units → 9
        assertEquals(0x83AA7E80_00000004L, Timestamps.toNtp(1));
        assertEquals(0x83AA7E80_00000009L, Timestamps.toNtp(2));
        assertEquals(2, Timestamps.fromNtp(0x83AA7E80_00000009L));
        // 999,999,999 ns = 4,294,967,291.7 units → 0xFFFFFFFC, no carry into the seconds
        assertEquals(0x83AA7E80_FFFFFFFCL, Timestamps.toNtp(999_999_999));
        // the largest fraction is 999,999,999.77 ns: it rounds to the next full second
        assertEquals(S, Timestamps.fromNtp(0x83AA7E80_FFFFFFFFL));
    }

    @Test
    void ntpNegativeUnixTimes() {
        // 1969-12-31T23:59:59.999999999Z: seconds 0x83AA7E7F, fraction 0xFFFFFFFC
        assertEquals(0x83AA7E7F_FFFFFFFCL, Timestamps.toNtp(-1));
        assertEquals(-1, Timestamps.fromNtp(0x83AA7E7F_FFFFFFFCL));
        assertEquals(0x83AA7E7F_80000000L, Timestamps.toNtp(-S / 2));
    }

    @Test
    void ntpExactRoundTripOverRandomNanoseconds() {
        SplittableRandom r = new SplittableRandom(8762);
        long from = -(2_208_988_800L - 2_147_483_648L) * S; // 1968-01-20, start of the RFC 4330 window
        long to = (4_294_967_296L + 2_147_483_648L - 2_208_988_800L) * S; // 2104-02-26, its end
        for (int i = 0; i < 1_000_000; i++) {
            long t = r.nextLong(from, to);
            assertEquals(t, Timestamps.fromNtp(Timestamps.toNtp(t)), "t = " + t);
        }
    }

    @Test
    void ntpPivotDecodeChoosesTheNearestEra() {
        long pivot1950 = -631_152_000L * S;
        assertEquals(-2_208_988_800L * S, Timestamps.decode(0L, TimestampFormat.NTP, pivot1950));
        assertEquals(ERA1_UNIX_S * S, Timestamps.decode(0L, TimestampFormat.NTP, ERA1_UNIX_S * S));
        // 2150 is out of the fixed RFC 4330 window; with a pivot it decodes right
        long t2150 = 5_680_281_600L * S + 123_456_789;
        assertEquals(t2150, Timestamps.decode(Timestamps.toNtp(t2150), TimestampFormat.NTP, t2150 - 86_400 * S));
    }

    @Test
    void ptpKnownValues() {
        // Unix epoch is TAI 37 s (0x25)
        assertEquals(0x00000025_00000000L, Timestamps.toPtp(0));
        // 2024-01-01T00:00:00.5Z: 1,704,067,237 = 0x659200A5; 500,000,000 = 0x1DCD6500
        assertEquals(0x659200A5_1DCD6500L, Timestamps.toPtp(Y2024_UNIX_S * S + 500_000_000));
        assertEquals(Y2024_UNIX_S * S + 500_000_000, Timestamps.fromPtp(0x659200A5_1DCD6500L));
        assertTrue(Timestamps.isValidPtp(0x659200A5_3B9AC9FFL));   // 999,999,999 ns
        assertFalse(Timestamps.isValidPtp(0x659200A5_3B9ACA00L));  // 10^9 ns
    }

    @Test
    void ptpRoundTripAndPivotDecode() {
        SplittableRandom r = new SplittableRandom(1588);
        for (int i = 0; i < 1_000_000; i++) {
            long t = r.nextLong(0, 4_000_000_000L * S);
            long wire = Timestamps.toPtp(t);
            assertEquals(t, Timestamps.fromPtp(wire));
            // a pivot close to the real time must give the same answer (was 74 s off: sign of the TAI offset)
            assertEquals(t, Timestamps.decode(wire, TimestampFormat.PTP, t + r.nextLong(-S * 3600, S * 3600)));
        }
    }

    @Test
    void ptpPivotDecodeAcrossThe2106Wrap() {
        long t = 4_294_967_296L * S + 5 * S; // a little after PTP seconds wrap (TAI 2106)
        long wire = Timestamps.toPtp(t);
        assertEquals(t, Timestamps.decode(wire, TimestampFormat.PTP, t - 10 * S));
    }

    @Test
    void encodeDecodeDispatchOnFormat() {
        long t = Y2024_UNIX_S * S + 1;
        assertEquals(Timestamps.toNtp(t), Timestamps.encode(t, TimestampFormat.NTP));
        assertEquals(Timestamps.toPtp(t), Timestamps.encode(t, TimestampFormat.PTP));
        assertEquals(t, Timestamps.decode(Timestamps.encode(t, TimestampFormat.PTP), TimestampFormat.PTP));
    }
}
