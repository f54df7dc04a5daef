package io.stampd.dataplane.session;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.SplittableRandom;
import java.util.function.LongSupplier;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The packed histogram reports exactly what the flat one did ({@link LegacyDelayStatistic}) for the
 * same values: same count, extremes, mean, deviation and every percentile, for delays and (2
 * digits) delay variation, across resizes, negative one-way delays and a reset.
 */
class DelayStatisticEquivalenceTest {
    private static final double[] PERCENTILES = {99.9, 0, 0.1, 1, 10, 25, 50, 75, 90, 95, 99, 99.5, 99.99, 100, 33.3};

    private static void assertSameReports(int digits, long seed, int count, LongSupplier... sources) {
        DelayStatistic now = new DelayStatistic(digits);
        LegacyDelayStatistic before = new LegacyDelayStatistic(digits);
        SplittableRandom pick = new SplittableRandom(seed);
        for (int round = 0; round < 2; round++) { // round 1 after a reset
            for (int i = 0; i < count; i++) {
                long v = sources[pick.nextInt(sources.length)].getAsLong();
                now.record(v);
                before.record(v);
            }
            assertEquals(before.count(), now.count());
            assertEquals(before.min(), now.min());
            assertEquals(before.max(), now.max());
            assertEquals(before.mean(), now.mean());
            assertEquals(before.stddev(), now.stddev());
            assertEquals(before.negativeCount(), now.negativeCount());
            for (double p : PERCENTILES) {
                assertEquals(before.percentile(p), now.percentile(p), "percentile " + p + ", round " + round);
            }
            DelayStatistic.Summary a = before.summary(PERCENTILES);
            DelayStatistic.Summary b = now.summary(PERCENTILES);
            assertEquals(List.of(a.count(), a.min(), a.max(), a.mean(), a.stddev(), a.median()),
                    List.of(b.count(), b.min(), b.max(), b.mean(), b.stddev(), b.median()));
            assertArrayEquals(a.percentiles(), b.percentiles());
            now.reset();
            before.reset();
        }
    }

    @Test
    void lanDelaysWithRareSpikesReportTheSame() {
        SplittableRandom r = new SplittableRandom(1);
        for (int digits : new int[] {2, 3}) {
            assertSameReports(digits, 11, 5_000,
                    () -> 50_000 + r.nextLong(4_950_000),
                    () -> 50_000 + r.nextLong(4_950_000),
                    () -> 50_000 + r.nextLong(4_950_000),
                    () -> 100_000_000 + r.nextLong(400_000_000));
        }
    }

    @Test
    void unsynchronisedClocksReportTheSame() {
        SplittableRandom r = new SplittableRandom(2);
        for (int digits : new int[] {2, 3}) {
            // a clock offset of minutes either way, and a reflector days ahead
            assertSameReports(digits, 12, 3_000,
                    () -> -120_000_000_000L + r.nextLong(1_000_000),
                    () -> 120_000_000_000L + r.nextLong(1_000_000),
                    () -> 400_000_000_000_000L + r.nextLong(1_000_000_000),
                    () -> r.nextLong(2_000));
        }
    }

    /** Few values: percentiles that fall exactly on a bucket's cumulative count. */
    @Test
    void percentilesOnBucketBoundariesReportTheSame() {
        for (int n = 1; n <= 12; n++) {
            DelayStatistic now = new DelayStatistic();
            LegacyDelayStatistic before = new LegacyDelayStatistic();
            for (int i = 0; i < n; i++) {
                long v = 40_000 + i * 7_919L * (i % 3 + 1);
                now.record(v);
                before.record(v);
            }
            for (int k = 0; k <= 400; k++) {
                double p = k / 4.0;
                assertEquals(before.percentile(p), now.percentile(p), n + " values, percentile " + p);
            }
        }
    }

    @Test
    void countsBeyondOneByteReportTheSame() {
        // a steady path: few buckets, each counted past 255 and 65,535 (the packed counts widen)
        SplittableRandom r = new SplittableRandom(3);
        assertSameReports(3, 13, 200_000, () -> 80_000 + r.nextLong(3_000));
    }
}
