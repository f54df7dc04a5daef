package io.stampd.dataplane.session;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DelayStatisticTest {
    @Test
    void minMaxMeanAndStddevAreExact() {
        DelayStatistic s = new DelayStatistic();
        for (long v : new long[] {2_000, 4_000, 4_000, 4_000, 5_000, 5_000, 7_000, 9_000}) {
            s.record(v);
        }
        assertEquals(8, s.count());
        assertEquals(2_000, s.min());
        assertEquals(9_000, s.max());
        assertEquals(5_000.0, s.mean(), 1e-9);
        assertEquals(2_000.0, s.stddev(), 1e-9);
    }

    /** A bucket's top can lie above the largest value recorded; no percentile may exceed the maximum. */
    @Test
    void percentilesStayWithinMinAndMax() {
        DelayStatistic s = new DelayStatistic();
        // Around 5 ms a 3-digit bucket is microseconds wide: its top lies above the values in it.
        for (int i = 0; i < 20; i++) {
            s.record(5_024_000 + i * 300L + 1);
        }
        long max = s.max();
        for (double p : new double[] {50, 95, 99, 99.9, 100}) {
            assertTrue(s.percentile(p) <= max, p + ": " + s.percentile(p) + " > max " + max);
            assertTrue(s.percentile(p) >= s.min(), p + ": " + s.percentile(p) + " < min " + s.min());
        }
        assertEquals(max, s.percentile(100));
    }

    @Test
    void anEmptySeriesReportsZeros() {
        DelayStatistic s = new DelayStatistic();
        assertEquals(0, s.min());
        assertEquals(0, s.max());
        assertEquals(0, s.percentile(99));
    }

    @Test
    void negativeOneWayDelaysKeepExactExtremesAndPercentilesNoHigherThanTheMaximum() {
        DelayStatistic s = new DelayStatistic();
        s.record(-3_000);
        s.record(-1_000);
        assertEquals(2, s.negativeCount());
        assertEquals(-3_000, s.min());
        assertEquals(-1_000, s.max());
        assertTrue(s.percentile(50) <= -1_000);
    }
}
