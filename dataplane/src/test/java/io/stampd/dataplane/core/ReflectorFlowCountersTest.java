package io.stampd.dataplane.core;

import io.stampd.sys.Libc;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ReflectorFlowCountersTest {
    private static MemorySegment address(Arena a, long low) {
        MemorySegment s = a.allocate(16, 8);
        s.set(Libc.LONG_U, 0, 0xfd00_0000_0000_0000L);
        s.set(Libc.LONG_U, 8, low);
        return s;
    }

    @Test
    void eachTestSessionIsNumberedOnItsOwnFromZero() {
        try (Arena a = Arena.ofConfined()) {
            ReflectorFlowCounters c = new ReflectorFlowCounters();
            MemorySegment x = address(a, 1);
            MemorySegment y = address(a, 2);
            assertEquals(0, c.take(x, 4000, 7));
            assertEquals(1, c.take(x, 4000, 7));
            assertEquals(0, c.take(x, 4001, 7), "another source port");
            assertEquals(0, c.take(x, 4000, 8), "another SSID");
            assertEquals(0, c.take(y, 4000, 7), "another sender");
            c.untake(x, 4000, 7, 0);
            assertEquals(2, c.take(x, 4000, 7), "only the last number taken can be given back");
            c.untake(x, 4000, 7, 2);
            assertEquals(2, c.take(x, 4000, 7), "a number given back is used again");
        }
    }

    @Test
    void aFullTableReplacesFlowsInsteadOfFailing() {
        try (Arena a = Arena.ofConfined()) {
            ReflectorFlowCounters c = new ReflectorFlowCounters();
            MemorySegment x = address(a, 0);
            for (int i = 0; i < 20_000; i++) {
                x.set(Libc.LONG_U, 8, i);
                assertEquals(0, c.take(x, 5000, 1));
            }
            assertTrue(c.evictions() > 0);
        }
    }
}
