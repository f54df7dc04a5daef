package io.stampd.dataplane.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import org.junit.jupiter.api.Test;

class TlvCursorTest {
    /** Three TLVs: type 1 with 2 octets, type 4 with 4 octets, type 0xF0 empty. */
    private static final String THREE = "80 01 00 02 aa bb | 80 04 00 04 01 02 03 04 | 00 f0 00 00";

    private static MemorySegment seg(String hex) {
        return MemorySegment.ofArray(Octets.hex(hex));
    }

    @Test
    void walksWellFormedTlvs() {
        MemorySegment p = seg(THREE);
        TlvCursor c = new TlvCursor().reset(p, 0, 18);
        assertTrue(c.next());
        assertEquals(0, c.offset());
        assertEquals(0x80, c.flags());
        assertEquals(1, c.type());
        assertEquals(4, c.valueOffset());
        assertEquals(2, c.valueLength());
        assertEquals(6, c.tlvEnd());
        assertFalse(c.isLast());
        assertTrue(c.next());
        assertEquals(6, c.offset());
        assertEquals(4, c.type());
        assertEquals(4, c.valueLength());
        assertTrue(c.next());
        assertEquals(14, c.offset());
        assertEquals(0xF0, c.type());
        assertEquals(0, c.valueLength());
        assertTrue(c.isLast());
        assertFalse(c.next());
        assertFalse(c.malformed());
    }

    @Test
    void trailingFragmentsShorterThanAHeaderAreMalformed() {
        for (int extra = 1; extra <= 3; extra++) {
            MemorySegment p = seg(THREE + " ff ff ff");
            TlvCursor c = new TlvCursor().reset(p, 0, 18 + extra);
            int n = 0;
            while (c.next()) {
                n++;
            }
            assertEquals(3, n);
            assertTrue(c.malformed(), "fragment of " + extra);
            assertFalse(c.malformedHasHeader());
            assertEquals(18, c.offset());
            assertFalse(c.next(), "a malformed walk stays stopped");
        }
    }

    @Test
    void lengthRunningPastTheEndIsMalformed() {
        MemorySegment p = seg(THREE);
        TlvCursor c = new TlvCursor().reset(p, 0, 13); // cuts the second TLV's value short
        assertTrue(c.next());
        assertFalse(c.next());
        assertTrue(c.malformed());
        assertTrue(c.malformedHasHeader());
        assertEquals(6, c.offset());
        assertThrows(IllegalStateException.class, c::type);
    }

    @Test
    void emptyRangeHasNoTlvs() {
        TlvCursor c = new TlvCursor().reset(seg(THREE), 5, 5);
        assertFalse(c.next());
        assertFalse(c.malformed());
    }

    @Test
    void rangeOutsideTheSegmentIsACallerError() {
        assertThrows(IllegalArgumentException.class, () -> new TlvCursor().reset(seg(THREE), 0, 19));
        assertThrows(IllegalArgumentException.class, () -> new TlvCursor().reset(seg(THREE), 5, 4));
    }

    @Test
    void findStopsAtTheFirstMalformedTlv() {
        MemorySegment p = seg(THREE);
        assertEquals(6, Tlv.find(p, 0, 18, 4));
        assertEquals(14, Tlv.find(p, 0, 18, 0xF0));
        assertEquals(-1, Tlv.find(p, 0, 18, 9));
        assertEquals(-1, Tlv.find(p, 0, 13, 4));
    }

    @Test
    void typeRangesAndNames() {
        assertTrue(Tlv.isReservedType(0) && Tlv.isReservedType(255));
        assertTrue(Tlv.isExperimentalType(240) && Tlv.isExperimentalType(251) && !Tlv.isExperimentalType(252));
        assertTrue(Tlv.isPrivateUseType(252) && Tlv.isPrivateUseType(254) && !Tlv.isPrivateUseType(255));
        assertEquals("Return Path", Tlv.typeName(10));
        assertEquals("private use", Tlv.typeName(253));
        assertEquals("unassigned", Tlv.typeName(11));
    }
}
