package io.stampd.dataplane.codec;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.Inet6Address;
import java.util.List;

/**
 * Building the IPv6 Segment Routing Header (RFC 8754 §2, routing type 4):
 * <pre>
 * Next Header(1) Hdr Ext Len(1) Routing Type=4(1) Segments Left(1)
 * Last Entry(1) Flags(1) Tag(2) Segment List[0..n-1] (16 each)
 * </pre>
 * Paths are written first hop first; the Segment List holds them reversed, so Segment List[0] is
 * the final destination and Segment List[n-1] the first hop. A freshly sent packet has Segments
 * Left = Last Entry = n-1 and Hdr Ext Len = 2n (8-octet units beyond the first 8 octets).
 *
 * <p>For Linux {@code setsockopt(IPPROTO_IPV6, IPV6_RTHDR)} the Next Header is 0 (the kernel
 * fills it in); the kernel also overwrites Segment List[0] with the socket's destination and sends
 * to Segment List[Segments Left], so the socket must be connected/sent to the final segment. We
 * still write the final segment into Segment List[0], so the header is right on its own.
 */
public final class Srh {
    public static final int ROUTING_TYPE = 4;
    /** IPv6 Next Header value of a Routing header. */
    public static final int NEXT_HEADER_ROUTING = 43;
    public static final int FIXED_LENGTH = 8;
    public static final int SEGMENT_LENGTH = 16;
    public static final int MAX_SEGMENTS = SegmentPath.MAX_SEGMENTS;

    static final int NEXT_HEADER = 0;
    static final int HDR_EXT_LEN = 1;
    static final int TYPE = 2;
    static final int SEGMENTS_LEFT = 3;
    static final int LAST_ENTRY = 4;
    static final int FLAGS = 5;
    static final int TAG = 6;

    private Srh() {
    }

    /** Octets of an SRH without TLVs carrying {@code segments} segments. */
    public static int length(int segments) {
        return FIXED_LENGTH + SEGMENT_LENGTH * segments;
    }

    /** The SRH for setsockopt(IPV6_RTHDR) on a UDP socket (Next Header 0), from a validated path. */
    public static byte[] forSocket(List<Inet6Address> path) {
        return build(path, 0);
    }

    /** A complete SRH for raw frames, from a path written first hop first. */
    public static byte[] build(List<Inet6Address> path, int nextHeader) {
        List<Inet6Address> segments = SegmentPath.validate(path);
        int n = segments.size();
        byte[] pathOctets = new byte[n * SEGMENT_LENGTH];
        for (int i = 0; i < n; i++) {
            System.arraycopy(segments.get(i).getAddress(), 0, pathOctets, i * SEGMENT_LENGTH, SEGMENT_LENGTH);
        }
        byte[] srh = new byte[length(n)];
        write(MemorySegment.ofArray(srh), 0, nextHeader, MemorySegment.ofArray(pathOctets), 0, n);
        return srh;
    }

    /**
     * Writes an SRH at {@code dst[at]} for the {@code count} 16-octet segments at
     * {@code path[pathOffset]} (first hop first, as in a Return Path TLV). Allocation-free; the
     * segments should have been checked (e.g. {@link Ipv6Octets#isUsableUnicast}).
     *
     * @return the SRH length in octets
     */
    public static int write(MemorySegment dst, long at, int nextHeader, MemorySegment path, long pathOffset,
                            int count) {
        if (count < 1 || count > MAX_SEGMENTS) {
            throw new IllegalArgumentException("an SRH carries 1.." + MAX_SEGMENTS + " segments, not " + count);
        }
        if (nextHeader < 0 || nextHeader > 255) {
            throw new IllegalArgumentException("next header " + nextHeader + " is outside 0..255");
        }
        int length = length(count);
        if (at < 0 || at + length > dst.byteSize()) {
            throw new IllegalArgumentException("an SRH of " + count + " segments needs " + length
                    + " octets at " + at + "; the segment has " + dst.byteSize());
        }
        dst.set(ValueLayout.JAVA_BYTE, at + NEXT_HEADER, (byte) nextHeader);
        dst.set(ValueLayout.JAVA_BYTE, at + HDR_EXT_LEN, (byte) (2 * count));
        dst.set(ValueLayout.JAVA_BYTE, at + TYPE, (byte) ROUTING_TYPE);
        dst.set(ValueLayout.JAVA_BYTE, at + SEGMENTS_LEFT, (byte) (count - 1));
        dst.set(ValueLayout.JAVA_BYTE, at + LAST_ENTRY, (byte) (count - 1));
        dst.set(ValueLayout.JAVA_BYTE, at + FLAGS, (byte) 0);
        dst.set(StampLayout.U16, at + TAG, (short) 0);
        for (int i = 0; i < count; i++) {
            // path[i] goes to Segment List[count - 1 - i]
            long to = at + FIXED_LENGTH + (long) (count - 1 - i) * SEGMENT_LENGTH;
            MemorySegment.copy(path, pathOffset + (long) i * SEGMENT_LENGTH, dst, to, SEGMENT_LENGTH);
        }
        return length;
    }
}
