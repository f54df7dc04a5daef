package io.stampd.dataplane.codec;

import java.lang.foreign.MemorySegment;

/**
 * A reusable, allocation-free walk over the TLVs (or sub-TLVs) in {@code [start, end)} of a
 * segment. {@link #next()} stops at the end and at the first malformed TLV: a trailing fragment
 * shorter than a TLV header, or a TLV whose Length runs past {@code end}. After a {@code false}
 * return, {@link #malformed()} tells which of the two it was and {@link #offset()} points at the
 * offending octets. Not thread-safe; hold one per thread or per processor object.
 */
public final class TlvCursor {
    private MemorySegment p;
    private int end;
    private int offset;
    private int next;
    private boolean malformed;
    private boolean positioned;

    /** Starts a walk over {@code [start, end)}; the bounds must lie inside the segment. */
    public TlvCursor reset(MemorySegment segment, int start, int end) {
        if (start < 0 || start > end || end > segment.byteSize()) {
            throw new IllegalArgumentException("TLV range [" + start + ", " + end + ") is outside the "
                    + segment.byteSize() + "-octet segment");
        }
        this.p = segment;
        this.end = end;
        this.offset = start;
        this.next = start;
        this.malformed = false;
        this.positioned = false;
        return this;
    }

    /**
     * Moves to the next TLV. Returns true if a well-formed TLV now starts at {@link #offset()};
     * false at the end of the range or on a malformed TLV (then {@link #malformed()} is true).
     */
    public boolean next() {
        if (malformed) {
            return false;
        }
        offset = next;
        int remaining = end - offset;
        if (remaining == 0) {
            positioned = false;
            return false;
        }
        if (remaining < Tlv.HEADER_LENGTH) {
            malformed = true;
            positioned = false;
            return false;
        }
        int tlvEnd = Tlv.end(p, offset);
        if (tlvEnd > end) {
            malformed = true;
            positioned = false;
            return false;
        }
        next = tlvEnd;
        positioned = true;
        return true;
    }

    /** True once the walk stopped on a malformed TLV or fragment at {@link #offset()}. */
    public boolean malformed() {
        return malformed;
    }

    /**
     * True if the malformed octets at {@link #offset()} hold a whole TLV header (Type and Length
     * readable): a TLV whose Length runs past the end, as opposed to a fragment of 1-3 octets.
     */
    public boolean malformedHasHeader() {
        return malformed && end - offset >= Tlv.HEADER_LENGTH;
    }

    /** Offset of the current TLV, or of the malformed octets after a failed {@link #next()}. */
    public int offset() {
        return offset;
    }

    public int flags() {
        checkPositioned();
        return Tlv.flags(p, offset);
    }

    public int type() {
        checkPositioned();
        return Tlv.type(p, offset);
    }

    public int valueOffset() {
        checkPositioned();
        return offset + Tlv.HEADER_LENGTH;
    }

    public int valueLength() {
        checkPositioned();
        return next - offset - Tlv.HEADER_LENGTH;
    }

    /** Offset just past the current TLV. */
    public int tlvEnd() {
        checkPositioned();
        return next;
    }

    /** True if the current TLV is the last octets of the range. */
    public boolean isLast() {
        checkPositioned();
        return next == end;
    }

    public int rangeEnd() {
        return end;
    }

    private void checkPositioned() {
        if (!positioned) {
            throw new IllegalStateException("the TLV cursor is not on a well-formed TLV");
        }
    }
}
