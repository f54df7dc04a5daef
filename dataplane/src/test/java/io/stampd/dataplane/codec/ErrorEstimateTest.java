package io.stampd.dataplane.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Error Estimate (RFC 4656 §4.1.2): {@code S(1) Z(1) Scale(6) Multiplier(8)}. */
class ErrorEstimateTest {
    @Test
    void encodesTheBitsByHand() {
        assertEquals((short) 0x8001, ErrorEstimate.encode(true, TimestampFormat.NTP, 0, 1));
        // S=1 Z=1 scale 3 multiplier 200: 1100 0011 1100 1000
        assertEquals((short) 0xC3C8, ErrorEstimate.encode(true, TimestampFormat.PTP, 3, 200));
        // S=0 Z=0 scale 63 multiplier 255: 0011 1111 1111 1111
        assertEquals((short) 0x3FFF, ErrorEstimate.encode(false, TimestampFormat.NTP, 63, 255));
    }

    @Test
    void decodesFields() {
        short ee = (short) 0xC3C8;
        assertTrue(ErrorEstimate.isSynchronized(ee));
        assertEquals(TimestampFormat.PTP, ErrorEstimate.format(ee));
        assertEquals(3, ErrorEstimate.scale(ee));
        assertEquals(200, ErrorEstimate.multiplier(ee));
        assertFalse(ErrorEstimate.isSynchronized((short) 0x3FFF));
        assertEquals(TimestampFormat.NTP, ErrorEstimate.format((short) 0x3FFF));
    }

    @Test
    void smallestEstimateNotBelowTheError() {
        // 1 µs: scale 4 would need multiplier 269 (> 255), scale 5 needs ceil(134.2) = 135 → 0x0587
        assertEquals((short) 0x0587, ErrorEstimate.forError(false, TimestampFormat.NTP, 1000));
        // 135 × 2^-27 s = 1005.8 ns → reported 1006
        assertEquals(1006, ErrorEstimate.errorNanos((short) 0x0587));
        // 1 ns: ceil(4.29) = 5 units of 2^-32 s at scale 0
        assertEquals((short) 0x0005, ErrorEstimate.forError(false, TimestampFormat.NTP, 1));
    }

    @Test
    void forErrorIsMinimalAndNeverUnderstates() {
        SplittableRandom r = new SplittableRandom(4656);
        for (int i = 0; i < 100_000; i++) {
            long err = r.nextLong(1, 1_000_000_000_000L);
            short ee = ErrorEstimate.forError(true, TimestampFormat.NTP, err);
            int scale = ErrorEstimate.scale(ee);
            int m = ErrorEstimate.multiplier(ee);
            double seconds = m * Math.pow(2, scale - 32);
            assertTrue(seconds * 1e9 >= err, "estimate below " + err + " ns");
            if (m > 1) {
                assertTrue((m - 1) * Math.pow(2, scale - 32) * 1e9 < err, "multiplier not minimal for " + err);
            }
            assertTrue(ErrorEstimate.isSynchronized(ee));
        }
    }

    @Test
    void multiplierZeroIsInvalid() {
        assertEquals(-1, ErrorEstimate.errorNanos((short) 0x8100));
    }

    @Test
    void rejectsOutOfRangeFields() {
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> ErrorEstimate.encode(true, TimestampFormat.NTP, 64, 1)).getMessage().contains("scale 64"));
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> ErrorEstimate.encode(true, TimestampFormat.NTP, 0, 0)).getMessage().contains("multiplier 0"));
        assertThrows(IllegalArgumentException.class, () -> ErrorEstimate.encode(true, TimestampFormat.NTP, 0, 256));
    }
}
