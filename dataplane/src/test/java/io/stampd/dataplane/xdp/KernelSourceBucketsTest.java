package io.stampd.dataplane.xdp;

import io.stampd.dataplane.session.RateLimit;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The arithmetic that carries a source's arrival time from one per-source limit to another (the
 * map side is in StampReflectorProgramTest): the credit the program would read now, cut to the new
 * depth, also where now x rate wraps past 2^64 as the program's __u64 does.
 */
class KernelSourceBucketsTest {
    private static final long P = XdpStructs.STAMP_PACKET_CREDIT;
    private static final RateLimit FROM = new RateLimit(100_000_000, 3);
    private static final RateLimit TO = new RateLimit(7, 5);

    @Test
    void theCreditNowIsCarriedCutToTheNewDepth() {
        for (long now : new long[] {1_000_000_000L, Long.MAX_VALUE / 3, 0x7FFF_FFFF_FFFF_0000L}) {
            long fromNow = now * FROM.packetsPerSecond(); // wraps for the larger readings
            long toNow = now * TO.packetsPerSecond();
            assertEquals(toNow + 2 * P, KernelSourceBuckets.carried(fromNow - 5 * P, now, FROM, TO),
                    "arrival time behind now: a full bucket, 3 of the new 5");
            assertEquals(toNow + 5 * P, KernelSourceBuckets.carried(fromNow + 3 * P, now, FROM, TO),
                    "an empty bucket stays empty");
            assertEquals(toNow + 4 * P, KernelSourceBuckets.carried(fromNow + 2 * P, now, FROM, TO),
                    "one packet's credit left");
            assertEquals(toNow, KernelSourceBuckets.carried(toNow + 3 * P, now, TO, new RateLimit(7, 1)),
                    "2 of 5 left, cut to a depth of 1: full");
            assertEquals(toNow + 2 * P, KernelSourceBuckets.carried(fromNow + 4 * P, now, FROM, TO),
                    "further ahead than the depth: a wrapped past, a full bucket as the program reads it");
        }
    }
}
