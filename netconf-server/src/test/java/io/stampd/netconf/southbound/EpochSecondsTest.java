package io.stampd.netconf.southbound;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The reference API's double seconds are the doubles nearest to the exact nanosecond times. */
class EpochSecondsTest {
    @Test
    void eachTimeBecomesTheNearestDouble() {
        SplittableRandom random = new SplittableRandom(8762);
        long base = 1_765_000_000_000_000_000L; // December 2025
        for (int i = 0; i < 100_000; i++) {
            long nanos = base + random.nextLong(1_000_000_000_000_000L);
            double got = EpochSeconds.of(nanos);
            BigDecimal exact = BigDecimal.valueOf(nanos).movePointLeft(9);
            double nearest = exact.round(MathContext.DECIMAL128).doubleValue(); // correctly rounded
            assertEquals(nearest, got, 0.0, "for " + nanos + " ns");
        }
    }

    @Test
    void resolutionIsAFractionOfAMicrosecond() {
        long t = 1_800_000_000_000_000_000L;
        double step = Math.ulp(EpochSeconds.of(t));
        assertTrue(step < 0.3e-6, "adjacent doubles are " + step + " s apart");
        assertTrue(EpochSeconds.of(t + 1000) > EpochSeconds.of(t), "1 µs apart stays apart");
        assertEquals(-1.5, EpochSeconds.of(-1_500_000_000L), 0.0, "before the epoch too");
    }
}
