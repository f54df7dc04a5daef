package io.stampd.dataplane.codec;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * A bounds-checked reading of a received Segment Routing Header (RFC 8754 §2), reusable across
 * packets and allocation-free. After {@link #parse} returns true the accessors describe the
 * header; after false, {@link #error()} says what was wrong (a constant string).
 */
public final class SrhView {
    /** SRH TLV types (RFC 8754 §2.1). */
    public static final int TLV_PAD1 = 0;
    public static final int TLV_PADN = 4;
    public static final int TLV_HMAC = 5;

    private MemorySegment p;
    private int at;
    private int headerLength;
    private int lastEntry;
    private int segmentsLeft;
    private int hmacTlv;
    private String error = "no SRH parsed yet";

    /**
     * Reads the SRH at {@code p[offset]} with {@code available} octets of packet from there on.
     * Returns false (see {@link #error()}) if it is no type-4 routing header or any length field
     * points past what is there.
     */
    public boolean parse(MemorySegment segment, int offset, int available) {
        p = segment;
        at = offset;
        hmacTlv = -1;
        if (offset < 0 || available < 0 || (long) offset + available > segment.byteSize()) {
            return fail("SRH range lies outside the buffer");
        }
        if (available < Srh.FIXED_LENGTH) {
            return fail("SRH shorter than its 8-octet fixed part");
        }
        if (u8(Srh.TYPE) != Srh.ROUTING_TYPE) {
            return fail("routing header type is not 4 (Segment Routing)");
        }
        headerLength = (u8(Srh.HDR_EXT_LEN) + 1) * 8;
        if (headerLength > available) {
            return fail("SRH Hdr Ext Len runs past the packet");
        }
        lastEntry = u8(Srh.LAST_ENTRY);
        int segmentsEnd = Srh.FIXED_LENGTH + (lastEntry + 1) * Srh.SEGMENT_LENGTH;
        if (segmentsEnd > headerLength) {
            return fail("SRH Last Entry needs more segments than Hdr Ext Len holds");
        }
        segmentsLeft = u8(Srh.SEGMENTS_LEFT);
        if (segmentsLeft > lastEntry) {
            return fail("SRH Segments Left exceeds Last Entry");
        }
        int t = segmentsEnd;
        while (t < headerLength) {
            int type = u8(t);
            if (type == TLV_PAD1) {
                t++;
                continue;
            }
            if (headerLength - t < 2) {
                return fail("SRH TLV header runs past the SRH");
            }
            int next = t + 2 + u8(t + 1);
            if (next > headerLength) {
                return fail("SRH TLV runs past the SRH");
            }
            if (type == TLV_HMAC && hmacTlv < 0) {
                hmacTlv = at + t;
            }
            t = next; // PadN, HMAC and unknown TLVs are skipped: nothing here needs their content
        }
        error = null;
        return true;
    }

    private boolean fail(String why) {
        error = why;
        return false;
    }

    private int u8(int rel) {
        return Byte.toUnsignedInt(p.get(ValueLayout.JAVA_BYTE, at + rel));
    }

    /** Why the last {@link #parse} failed, or null if it succeeded. */
    public String error() {
        return error;
    }

    public int nextHeader() {
        return u8(Srh.NEXT_HEADER);
    }

    /** Octets of the whole SRH, TLVs included. */
    public int headerLength() {
        return headerLength;
    }

    public int segmentsLeft() {
        return segmentsLeft;
    }

    public int lastEntry() {
        return lastEntry;
    }

    public int segmentCount() {
        return lastEntry + 1;
    }

    public int flags() {
        return u8(Srh.FLAGS);
    }

    public int tag() {
        return Short.toUnsignedInt(p.get(StampLayout.U16, at + Srh.TAG));
    }

    /** Offset in the buffer of Segment List[index] (0 = final segment). */
    public int segmentListOffset(int index) {
        if (index < 0 || index > lastEntry) {
            throw new IndexOutOfBoundsException("Segment List index " + index + " is outside 0.." + lastEntry);
        }
        return at + Srh.FIXED_LENGTH + index * Srh.SEGMENT_LENGTH;
    }

    /** Offset of the {@code i}-th segment of the path, first hop first (i = 0 is Segment List[Last Entry]). */
    public int pathSegmentOffset(int i) {
        if (i < 0 || i > lastEntry) {
            throw new IndexOutOfBoundsException("path segment " + i + " is outside 0.." + lastEntry);
        }
        return segmentListOffset(lastEntry - i);
    }

    /** Segment List[0]: the final destination, used in the upper-layer checksum (RFC 8200 §8.1). */
    public int finalSegmentOffset() {
        return segmentListOffset(0);
    }

    /** Segment List[Segments Left]: the segment the packet is currently travelling to. */
    public int activeSegmentOffset() {
        return segmentListOffset(segmentsLeft);
    }

    /** Offset of the first SRH HMAC TLV, or -1. */
    public int hmacTlvOffset() {
        return hmacTlv;
    }
}
