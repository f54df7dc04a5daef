package io.stampd.dataplane.afpacket;

import io.stampd.dataplane.codec.SegmentPath;
import io.stampd.dataplane.codec.Srh;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * Builds the headers of a frame the AF_PACKET plane sends: Ethernet, IPv6, an SRH when the path
 * has segments, UDP. A frame lives in a slot whose payload sits at the fixed offset {@link #HEAD}
 * (so the core's view of it is sliced once) and whose headers are written backwards from there,
 * as long as the path needs: the frame starts at {@link #start}. As the kernel does for a socket
 * with a routing header, Segment List[0] is the final destination and the IPv6 destination the
 * first segment. Allocation-free.
 */
final class FrameWriter {
    /** Room before the payload for Ethernet + IPv6 + the longest SRH + UDP, rounded up. */
    static final int HEAD = 640;
    static final int UDP = HEAD - FrameBatch.UDP_HEADER;
    static final ValueLayout.OfShort U16 = FrameBatch.U16;
    static final ValueLayout.OfInt U32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);

    static {
        if (FrameBatch.ETH_HEADER + FrameBatch.IPV6_HEADER + Srh.length(SegmentPath.MAX_SEGMENTS)
                + FrameBatch.UDP_HEADER > HEAD) {
            throw new AssertionError("HEAD too small for " + SegmentPath.MAX_SEGMENTS + " segments");
        }
    }

    private FrameWriter() {
    }

    /** Where the frame of a path of {@code segments} starts in its slot. */
    static int start(int segments) {
        return UDP - (segments > 0 ? Srh.length(segments) : 0) - FrameBatch.IPV6_HEADER - FrameBatch.ETH_HEADER;
    }

    /** Offset of the IPv6 source address in the slot. */
    static int sourceOffset(int segments) {
        return start(segments) + FrameBatch.ETH_HEADER + 8;
    }

    /** Offset of the final destination in the slot: Segment List[0], or the IPv6 destination. */
    static int finalDestinationOffset(int segments) {
        return segments > 0 ? UDP - Srh.length(segments) + Srh.FIXED_LENGTH : start(0) + FrameBatch.ETH_HEADER + 24;
    }

    /**
     * Writes every header of a frame carrying {@code payloadLength} octets of UDP payload at
     * {@link #HEAD}, the UDP checksum left 0; returns the frame's start.
     *
     * @param path        the segments (16 octets each, first hop first) at {@code path[pathAt]}; count 0: no SRH
     * @param destination the final destination, 16 octets at {@code destination[destinationAt]}
     */
    static int write(MemorySegment slot, long dstMac, long srcMac, int trafficClass, int hopLimit,
                     MemorySegment source, long sourceAt, MemorySegment path, long pathAt, int segments,
                     MemorySegment destination, long destinationAt, int sourcePort, int destinationPort,
                     int payloadLength) {
        int start = start(segments);
        int srhLength = segments > 0 ? Srh.length(segments) : 0;
        int udpLength = FrameBatch.UDP_HEADER + payloadLength;
        // Ethernet
        slot.set(U32, start, (int) (dstMac >>> 16));
        slot.set(U16, start + 4, (short) dstMac);
        slot.set(U32, start + 6, (int) (srcMac >>> 16));
        slot.set(U16, start + 10, (short) srcMac);
        slot.set(U16, start + 12, (short) 0x86DD);
        // IPv6
        int ip = start + FrameBatch.ETH_HEADER;
        slot.set(U32, ip, 6 << 28 | (trafficClass & 0xFF) << 20);
        slot.set(U16, ip + 4, (short) (srhLength + udpLength));
        slot.set(ValueLayout.JAVA_BYTE, ip + 6, (byte) (segments > 0 ? Srh.NEXT_HEADER_ROUTING : 17));
        slot.set(ValueLayout.JAVA_BYTE, ip + 7, (byte) hopLimit);
        MemorySegment.copy(source, sourceAt, slot, ip + 8, 16);
        if (segments > 0) {
            int srh = ip + FrameBatch.IPV6_HEADER;
            Srh.write(slot, srh, 17, path, pathAt, segments);
            MemorySegment.copy(destination, destinationAt, slot, srh + Srh.FIXED_LENGTH, 16);
            MemorySegment.copy(path, pathAt, slot, ip + 24, 16);
        } else {
            MemorySegment.copy(destination, destinationAt, slot, ip + 24, 16);
        }
        // UDP
        slot.set(U16, UDP, (short) sourcePort);
        slot.set(U16, UDP + 2, (short) destinationPort);
        slot.set(U16, UDP + 4, (short) udpLength);
        slot.set(U16, UDP + 6, (short) 0);
        return start;
    }
}
