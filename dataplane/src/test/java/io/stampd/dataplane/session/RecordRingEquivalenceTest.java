package io.stampd.dataplane.session;

import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The compact ring gives back exactly the records the flat one did ({@link LegacyRecordRing}) for
 * the same additions, through latest, drain, overwriting and clear, whatever the values; and
 * keeps typical records narrow.
 */
class RecordRingEquivalenceTest {
    private static final int SSID = 4711;

    /** Random operations on both rings, every answer compared. */
    private static void assertSameRecords(int capacity, long seed, RecordSource source) {
        RecordRing now = new RecordRing(SSID, capacity);
        LegacyRecordRing before = new LegacyRecordRing(capacity);
        SplittableRandom r = new SplittableRandom(seed);
        long[] v = new long[7];
        for (int op = 0; op < 20_000; op++) {
            int what = r.nextInt(100);
            if (what < 80) {
                source.next(op, r, v);
                now.add(v[0], v[1], v[2], v[3], v[4], (int) v[5], v[6]);
                before.add(SSID, v[0], v[1], v[2], v[3], v[4], (int) v[5], v[6]);
            } else if (what < 90) {
                int max = r.nextInt(capacity + 2);
                assertEquals(before.latest(max), now.latest(max), "latest " + max + " at " + op);
            } else if (what < 99) {
                long max = r.nextInt(capacity + 2);
                assertEquals(before.drain(max), now.drain(max), "drain " + max + " at " + op);
            } else {
                now.clear();
                before.clear();
            }
            assertEquals(before.pending(), now.pending());
            assertEquals(before.overwritten(), now.overwritten());
        }
        assertEquals(before.drain(Long.MAX_VALUE), now.drain(Long.MAX_VALUE));
    }

    private interface RecordSource {
        /** Fills seq, T1..T4, TTL, reflector seq of the op-th addition. */
        void next(int op, SplittableRandom r, long[] v);
    }

    /** 10 pps over a LAN, with one 120 ms spike in 600 and a stateless reflector. */
    private static final RecordSource TYPICAL = (op, r, v) -> {
        v[0] = op;
        v[1] = 1_750_000_000_000_000_000L + op * 100_000_000L;
        v[2] = v[1] + 50_000 + r.nextLong(5_000_000) + (op % 600 == 599 ? 120_000_000 : 0);
        v[3] = v[2] + 10_000;
        v[4] = v[3] + 50_000 + r.nextLong(5_000_000);
        v[5] = 64;
        v[6] = op;
    };

    /** Anything: unsynchronised clocks, wrapping differences, sequence numbers and TTLs of any size. */
    private static final RecordSource ANYTHING = (op, r, v) -> {
        for (int k = 0; k < v.length; k++) {
            v[k] = switch (r.nextInt(4)) {
                case 0 -> r.nextLong();
                case 1 -> r.nextLong(256) - 128;
                case 2 -> r.nextBoolean() ? Long.MIN_VALUE : Long.MAX_VALUE;
                default -> r.nextLong(1L << 40);
            };
        }
        v[5] = (int) v[5];
    };

    @Test
    void typicalRecordsComeBackTheSame() {
        for (int capacity : new int[] {1, 3, 16, 17, 256, 1000}) {
            assertSameRecords(capacity, capacity, TYPICAL);
        }
    }

    @Test
    void recordsOfAnySizeComeBackTheSame() {
        for (int capacity : new int[] {1, 2, 5, 16, 33, 256, 5000}) {
            assertSameRecords(capacity, 100 + capacity, ANYTHING);
        }
    }

    @Test
    void aFewLargeValuesAmongTypicalOnesComeBackTheSame() {
        // the columns widen mid-ring: the narrow entries before must survive
        SplittableRandom mix = new SplittableRandom(7);
        assertSameRecords(256, 7, (op, r, v) -> (mix.nextInt(500) == 0 ? ANYTHING : TYPICAL).next(op, r, v));
    }

    @Test
    void typicalRecordsTake27BytesAndTheRingGrowsWithThem() {
        RecordRing ring = new RecordRing(SSID, 256);
        SplittableRandom r = new SplittableRandom(1);
        long[] v = new long[7];
        for (int op = 0; op < 10; op++) {
            TYPICAL.next(op, r, v);
            ring.add(v[0], v[1], v[2], v[3], v[4], (int) v[5], v[6]);
        }
        assertEquals(16 * (1 + 8 + 4 + 4 + 4 + 1 + 1 + 1), ring.columnBytes(), "16 records, seq still a byte");
        for (int op = 10; op < 1000; op++) {
            TYPICAL.next(op, r, v);
            ring.add(v[0], v[1], v[2], v[3], v[4], (int) v[5], v[6]);
        }
        // seq 4, T1 8, three differences 4 each, TTL 1, reflector seq offset 1, clock-step flag 1
        assertEquals(256 * 27, ring.columnBytes());
    }
}
