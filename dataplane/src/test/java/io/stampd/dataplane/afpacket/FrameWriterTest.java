package io.stampd.dataplane.afpacket;

import io.stampd.dataplane.codec.UdpChecksum;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.InetAddress;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Frames built by {@link FrameWriter} read back byte by byte (offsets from RFC 8200 / RFC 8754,
 * not from the writer), and parsed by {@link FrameBatch} into the datagram the core sees.
 */
class FrameWriterTest {
    private static byte[] ip(String a) throws Exception {
        return InetAddress.getByName(a).getAddress();
    }

    private static int u8(MemorySegment s, long at) {
        return Byte.toUnsignedInt(s.get(ValueLayout.JAVA_BYTE, at));
    }

    private static byte[] bytes(MemorySegment s, long at, int n) {
        return s.asSlice(at, n).toArray(ValueLayout.JAVA_BYTE);
    }

    @Test
    void aFrameWithTwoSegmentsHasTheRightHeadersAndParsesBack() throws Exception {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment slot = a.allocate(FrameWriter.HEAD + 9216, 64);
            MemorySegment src = MemorySegment.ofArray(ip("fd00:12::1"));
            MemorySegment path = a.allocate(32);
            MemorySegment.copy(ip("fd00:ff::2"), 0, path, ValueLayout.JAVA_BYTE, 0, 16);
            MemorySegment.copy(ip("fd00:23::3"), 0, path, ValueLayout.JAVA_BYTE, 16, 16);
            MemorySegment dst = MemorySegment.ofArray(ip("fd00:23::3"));
            for (int i = 0; i < 44; i++) {
                slot.set(ValueLayout.JAVA_BYTE, FrameWriter.HEAD + i, (byte) i);
            }
            int start = FrameWriter.write(slot, 0x0211_2233_4455L, 0x0266_7788_99AAL, 0xB8, 64, src, 0, path, 0, 2,
                    dst, 0, 40000, 862, 44);
            UdpChecksum.fill(slot, FrameWriter.sourceOffset(2), slot, FrameWriter.finalDestinationOffset(2), slot,
                    FrameWriter.UDP, 52);
            assertArrayEquals(new byte[] {2, 0x11, 0x22, 0x33, 0x44, 0x55, 2, 0x66, 0x77, (byte) 0x88, (byte) 0x99,
                    (byte) 0xAA, (byte) 0x86, (byte) 0xDD}, bytes(slot, start, 14));
            int ip = start + 14;
            assertEquals(0x6B, u8(slot, ip), "version 6, traffic class 0xB8 high nibble");
            assertEquals(0x80, u8(slot, ip + 1));
            assertEquals(40 + 8 + 44, u8(slot, ip + 4) << 8 | u8(slot, ip + 5), "payload length");
            assertEquals(43, u8(slot, ip + 6), "next header: routing");
            assertEquals(64, u8(slot, ip + 7), "hop limit");
            assertArrayEquals(ip("fd00:12::1"), bytes(slot, ip + 8, 16));
            assertArrayEquals(ip("fd00:ff::2"), bytes(slot, ip + 24, 16), "to the first segment");
            int srh = ip + 40;
            assertEquals(17, u8(slot, srh));
            assertEquals(4, u8(slot, srh + 1), "hdr ext len: 2 segments");
            assertEquals(4, u8(slot, srh + 2), "type 4");
            assertEquals(1, u8(slot, srh + 3), "segments left");
            assertEquals(1, u8(slot, srh + 4), "last entry");
            assertArrayEquals(ip("fd00:23::3"), bytes(slot, srh + 8, 16), "Segment List[0]: the final destination");
            assertArrayEquals(ip("fd00:ff::2"), bytes(slot, srh + 24, 16), "Segment List[1]: the first hop");
            int udp = srh + 40;
            assertEquals(FrameWriter.UDP, udp);
            assertEquals(40000, u8(slot, udp) << 8 | u8(slot, udp + 1));
            assertEquals(862, u8(slot, udp + 2) << 8 | u8(slot, udp + 3));
            assertEquals(52, u8(slot, udp + 4) << 8 | u8(slot, udp + 5));
            assertEquals(0, UdpChecksum.computeForPacket(slot.asSlice(ip), 92 + 40) == -1 ? -1 : 0);
            // The frame as received (Segments Left 0 after the End SID): FrameBatch takes it.
            slot.set(ValueLayout.JAVA_BYTE, srh + 3, (byte) 0);
            MemorySegment.copy(ip("fd00:23::3"), 0, slot, ValueLayout.JAVA_BYTE, ip + 24, 16);
            FrameBatch batch = new FrameBatch(4, 9216, 7);
            assertEquals(FrameBatch.Refusal.NONE, batch.add(slot, start, FrameWriter.HEAD + 44 - start, 123, false));
            assertEquals(44, batch.length(0));
            assertEquals(40000, batch.sourcePort(0));
            assertEquals(64, batch.hopLimit(0));
            assertEquals(0xB8, batch.trafficClass(0));
            assertEquals(123, batch.receiveNanos(0));
            assertArrayEquals(bytes(slot, FrameWriter.HEAD, 44), bytes(batch.payload(0), 0, 44));
            // A flipped payload bit fails the checksum unless the kernel said it was done.
            slot.set(ValueLayout.JAVA_BYTE, FrameWriter.HEAD + 3, (byte) 0x7F);
            assertEquals(FrameBatch.Refusal.CHECKSUM, batch.add(slot, start, FrameWriter.HEAD + 44 - start, 1, false));
            assertEquals(FrameBatch.Refusal.NONE, batch.add(slot, start, FrameWriter.HEAD + 44 - start, 1, true));
            // Segments Left 1: in transit, not ours; cut short: truncated.
            slot.set(ValueLayout.JAVA_BYTE, srh + 3, (byte) 1);
            assertEquals(FrameBatch.Refusal.EXTENSION_HEADERS, batch.add(slot, start, FrameWriter.HEAD + 44 - start, 1,
                    true));
            slot.set(ValueLayout.JAVA_BYTE, srh + 3, (byte) 0);
            assertEquals(FrameBatch.Refusal.TRUNCATED, batch.add(slot, start, FrameWriter.HEAD + 40 - start, 1, true));
            batch.close();
        }
    }
}
