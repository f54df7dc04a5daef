package io.stampd.dataplane.core;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class SequenceNumbersTest {
    @Test
    void unwrapsAcrossThe32BitBoundaryInBothDirections() {
        long wrap = 1L << 32;
        assertEquals(5, SequenceNumbers.unwrap(7, 5));
        assertEquals(wrap + 3, SequenceNumbers.unwrap(wrap + 10, 3));
        // a late reply from just before the wrap, seen after it
        assertEquals(wrap - 2, SequenceNumbers.unwrap(wrap + 1, (int) (wrap - 2)));
        // the first reply after the wrap, while the reference is just before it
        assertEquals(wrap + 1, SequenceNumbers.unwrap(wrap - 1, 1));
        assertEquals(0, SequenceNumbers.unwrap(-1, 0));
        assertEquals(0xFFFF_FFFEL, SequenceNumbers.unwrap(0, -2), "never negative");
    }
}
