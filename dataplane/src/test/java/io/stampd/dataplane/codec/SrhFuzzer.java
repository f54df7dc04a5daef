package io.stampd.dataplane.codec;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Fuzz target: the Segment Routing Header parser (RFC 8754 §2) on arbitrary octets at an
 * arbitrary offset, and the writer's round trip. A header the parser accepts lies wholly inside
 * what it was given, and so does every segment and TLV offset it reports; one it refuses says
 * why. A path written as an SRH parses back to the same segments, first hop first.
 */
class SrhFuzzer {
    private static final SrhView VIEW = new SrhView();

    public static void fuzzerTestOneInput(FuzzedDataProvider d) {
        if (d.consumeBoolean()) {
            parse(d);
        } else {
            roundTrip(d);
        }
    }

    private static void parse(FuzzedDataProvider d) {
        // Numbers first: the provider takes them from the end, the octets from the front.
        int offset = d.consumeInt(0, 16);
        int slack = d.consumeInt(0, 16);
        int cut = d.consumeInt(0, 64);
        byte[] octets = d.consumeRemainingAsBytes();
        MemorySegment p = MemorySegment.ofArray(new byte[offset + octets.length + slack]);
        MemorySegment.copy(MemorySegment.ofArray(octets), 0, p, offset, octets.length);
        int available = Math.max(0, octets.length - cut);
        if (!VIEW.parse(p, offset, available)) {
            assertNotNull(VIEW.error());
            return;
        }
        assertNull(VIEW.error());
        int end = offset + available;
        assertTrue(VIEW.headerLength() >= Srh.FIXED_LENGTH && offset + VIEW.headerLength() <= end);
        assertTrue(VIEW.segmentsLeft() <= VIEW.lastEntry());
        for (int i = 0; i < VIEW.segmentCount(); i++) {
            int at = VIEW.pathSegmentOffset(i);
            assertTrue(at >= offset + Srh.FIXED_LENGTH && at + Srh.SEGMENT_LENGTH <= offset + VIEW.headerLength(),
                    "segment " + i + " at " + at);
        }
        assertTrue(VIEW.activeSegmentOffset() + Srh.SEGMENT_LENGTH <= end);
        if (VIEW.hmacTlvOffset() >= 0) {
            assertTrue(VIEW.hmacTlvOffset() + 2 <= offset + VIEW.headerLength());
        }
    }

    private static void roundTrip(FuzzedDataProvider d) {
        int n = d.consumeInt(1, Srh.MAX_SEGMENTS);
        List<Inet6Address> path = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            byte[] a = d.consumeBytes(16);
            a = Arrays.copyOf(a, 16);
            a[0] = (byte) 0xfd; // unique local unicast, which every segment check accepts
            a[15] |= 1;
            path.add(v6(a));
        }
        int nextHeader = d.consumeInt(0, 255);
        byte[] srh = Srh.build(path, nextHeader);
        assertEquals(Srh.length(n), srh.length);
        MemorySegment p = MemorySegment.ofArray(srh);
        assertTrue(VIEW.parse(p, 0, srh.length), VIEW.error());
        assertEquals(n, VIEW.segmentCount());
        assertEquals(n - 1, VIEW.segmentsLeft(), "a packet leaving its source is at the first segment");
        assertEquals(nextHeader, VIEW.nextHeader());
        for (int i = 0; i < n; i++) {
            assertArrayEquals(path.get(i).getAddress(),
                    p.asSlice(VIEW.pathSegmentOffset(i), 16).toArray(ValueLayout.JAVA_BYTE), "segment " + i);
        }
        assertArrayEquals(path.getLast().getAddress(),
                p.asSlice(VIEW.finalSegmentOffset(), 16).toArray(ValueLayout.JAVA_BYTE), "final segment");
    }

    private static Inet6Address v6(byte[] a) {
        try {
            return (Inet6Address) InetAddress.getByAddress(a);
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    @FuzzTest(maxDuration = "10s")
    void srh(FuzzedDataProvider d) {
        fuzzerTestOneInput(d);
    }
}
