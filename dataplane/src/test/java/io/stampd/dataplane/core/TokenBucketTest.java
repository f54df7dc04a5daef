package io.stampd.dataplane.core;

import io.stampd.dataplane.session.RateLimit;
import io.stampd.dataplane.session.ReflectorSessionConfig;
import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The token bucket and the per-source table on a fake clock (nanoseconds passed in). */
class TokenBucketTest {
    private static final long SECOND = 1_000_000_000L;

    /** Packets the bucket answers of {@code offered} evenly spread over {@code nanos} from {@code start}. */
    private static long answered(TokenBucket b, long start, long nanos, long offered) {
        long n = 0;
        for (long i = 1; i <= offered; i++) {
            if (b.tryTake(start + nanos * i / offered)) {
                n++;
            }
        }
        return n;
    }

    @Test
    void burstThenSteadyRate() {
        TokenBucket b = new TokenBucket(new RateLimit(200, 20));
        for (int i = 0; i < 20; i++) {
            assertTrue(b.tryTake(0), "packet " + i + " of the burst");
        }
        assertFalse(b.tryTake(0), "the 21st at once is over the limit");
        // 2,000 packets/s offered for 10 s: exactly 200/s answered (the bucket is empty at the start).
        assertEquals(2_000, answered(b, 0, 10 * SECOND, 20_000));
    }

    @Test
    void noDriftAtRatesThatDoNotDivideASecond() {
        TokenBucket b = new TokenBucket(new RateLimit(3, 2));
        assertTrue(b.tryTake(0));
        // 3 per second for 1,000 s, offered at 7 per second (never a full bucket, so nothing is cut
        // at the burst): the one packet left of the burst plus 3,000 exactly, not one less or more.
        assertEquals(3_001, answered(b, 0, 1_000 * SECOND, 7_000));
    }

    @Test
    void refillStopsAtTheBurstAndLongIdleDoesNotOverflow() {
        TokenBucket b = new TokenBucket(new RateLimit(RateLimit.MAX_PACKETS_PER_SECOND, RateLimit.MAX_BURST));
        for (int i = 0; i < RateLimit.MAX_BURST; i++) {
            b.tryTake(0);
        }
        assertEquals(0, b.packets());
        assertTrue(b.tryTake(Long.MAX_VALUE / 2), "after ~146 years idle");
        assertEquals(RateLimit.MAX_BURST - 1, b.packets(), "full to the burst, never beyond");
        TokenBucket small = new TokenBucket(new RateLimit(1000, 5));
        assertTrue(small.tryTake(3600 * SECOND));
        assertEquals(4, small.packets(), "an hour idle refills 5, not 3.6 million");
    }

    @Test
    void aClockGoingBackAddsNothing() {
        TokenBucket b = new TokenBucket(new RateLimit(10, 1));
        assertTrue(b.tryTake(5 * SECOND));
        assertFalse(b.tryTake(SECOND), "earlier than the last reading: no credit");
        assertFalse(b.tryTake(5 * SECOND + SECOND / 10 - 1), "one nanosecond short of a packet");
        assertTrue(b.tryTake(5 * SECOND + SECOND / 10));
    }

    @Test
    void aNewRateKeepsTheEarnedCreditCutToTheNewBurst() {
        TokenBucket b = new TokenBucket(new RateLimit(100, 50));
        for (int i = 0; i < 40; i++) {
            b.tryTake(0);
        }
        b.limit(new RateLimit(10, 5), 0);
        assertEquals(5, b.packets(), "10 earned, cut to the new burst of 5");
        b.limit(new RateLimit(10, 100), 0);
        assertEquals(5, b.packets(), "a deeper bucket is not filled by the change");
        assertEquals(5 + 10, answered(b, 0, SECOND, 1_000), "then 10 per second");
    }

    @Test
    void aSessionsLimitChangesInPlaceKeepingItsCountersAndCredit() {
        try (StampNode node = new StampNode("token-bucket-test", 0)) {
            SessionReflector s = new SessionReflector(node, new ReflectorSessionConfig(1, 7, null, 0, null, 862,
                    List.of(), null, false, null).withRateLimit(new RateLimit(100, 10)));
            TokenBucket bucket = s.bucket;
            for (int i = 0; i < 6; i++) {
                assertTrue(bucket.tryTake(0));
            }
            s.received.add(6);
            s.rateLimited.add(3);
            s.applyRateLimit(new RateLimit(50, 2), 0);
            assertEquals(new RateLimit(50, 2), s.rateLimit());
            assertEquals(bucket, s.bucket, "the same bucket");
            assertEquals(2, s.bucket.packets(), "4 earned, cut to the new burst of 2");
            assertEquals(6, s.counters().received());
            assertEquals(3, s.counters().rateLimited(), "the counters carry on");
            s.applyRateLimit(null, 0);
            assertEquals(null, s.bucket, "unlimited");
            s.applyRateLimit(new RateLimit(1, 4), 0);
            assertEquals(4, s.bucket.packets(), "a new limit starts full");
        }
    }

    @Test
    void sourcesHaveTheirOwnBuckets() {
        SourceRateLimiter sources = new SourceRateLimiter();
        MemorySegment a = address(1);
        MemorySegment c = address(2);
        assertFalse(sources.limited());
        sources.limit(new RateLimit(100, 3));
        for (int i = 0; i < 3; i++) {
            assertTrue(sources.tryTake(a, 7));
        }
        assertFalse(sources.tryTake(a, 7), "a is over its burst");
        assertTrue(sources.tryTake(c, 7), "c has its own bucket");
        assertTrue(sources.tryTake(a, 7 + SECOND / 100), "a earned one packet in 10 ms");
        assertFalse(sources.tryTake(a, 7 + SECOND / 100));
    }

    @Test
    void aFullTableForgetsTheLeastRecentlySeenSource() {
        SourceRateLimiter sources = new SourceRateLimiter();
        sources.limit(new RateLimit(1, 1));
        // Far more sources than the table holds, each seen once, later ones later.
        for (int i = 0; i < 3 * SourceRateLimiter.CAPACITY; i++) {
            assertTrue(sources.tryTake(address(1000 + i), 1 + i), "a new source starts with its burst");
        }
        assertTrue(sources.evictions() >= 2L * SourceRateLimiter.CAPACITY - SourceRateLimiter.PROBES,
                "the table stays bounded: " + sources.evictions());
        MemorySegment recent = address(1000 + 3 * SourceRateLimiter.CAPACITY - 1);
        assertFalse(sources.tryTake(recent, 3 * SourceRateLimiter.CAPACITY), "the latest source is still known");
    }

    @Test
    void limitsOutsideTheirRangesAreRefusedWithTheirNames() {
        assertEquals("rate limit packets-per-second must be 1 to 100000000, not 0",
                assertThrows(IllegalArgumentException.class, () -> new RateLimit(0, 1)).getMessage());
        assertEquals("--rate-limit must be PPS or PPS/BURST (packets per second, burst in packets), e.g. 200 or"
                        + " 200/20, not '200/'",
                assertThrows(IllegalArgumentException.class, () -> RateLimit.parse("200/", "--rate-limit")).getMessage());
        assertEquals("--rate-limit: rate limit burst must be 1 to 1000000 packets, not 0",
                assertThrows(IllegalArgumentException.class, () -> RateLimit.parse("5/0", "--rate-limit")).getMessage());
        assertEquals(new RateLimit(200, RateLimit.DEFAULT_BURST), RateLimit.parse("200", "--rate-limit"));
    }

    private static MemorySegment address(int n) {
        byte[] a = new byte[16];
        a[0] = (byte) 0xfd;
        a[12] = (byte) (n >>> 24);
        a[13] = (byte) (n >>> 16);
        a[14] = (byte) (n >>> 8);
        a[15] = (byte) n;
        return MemorySegment.ofArray(a);
    }
}
