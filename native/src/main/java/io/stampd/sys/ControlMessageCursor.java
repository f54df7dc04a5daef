package io.stampd.sys;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.MemorySegment;

/**
 * Walks the control messages (struct cmsghdr) of one received message without allocating: reset
 * it on the message's control area, then {@link #next()} until false. A header whose length runs
 * short of a header or past the area ends the walk. One cursor per reader, reused per packet.
 */
public final class ControlMessageCursor {
    private MemorySegment area;
    private long base;
    private long end;
    private long offset;
    private long length;
    private int level;
    private int type;

    /** The control messages at {@code base} of {@code area}, {@code length} octets in all. */
    public void reset(MemorySegment area, long base, long length) {
        this.area = area;
        this.base = base;
        this.end = length;
        this.offset = 0;
        this.length = 0;
    }

    /** Moves to the next control message; false when there is none (or the rest is malformed). */
    public boolean next() {
        offset += Libc.cmsgAlign(length);
        if (offset + Libc.CMSG_HDR > end) {
            return false;
        }
        length = area.get(JAVA_LONG, base + offset + Libc.CMSG_LEN_FIELD);
        if (length < Libc.CMSG_HDR || offset + length > end) {
            return false;
        }
        level = area.get(JAVA_INT, base + offset + Libc.CMSG_LEVEL);
        type = area.get(JAVA_INT, base + offset + Libc.CMSG_TYPE);
        return true;
    }

    /** True if the current message is {@code level}/{@code type} with at least {@code dataLength} data octets. */
    public boolean is(int level, int type, int dataLength) {
        return this.level == level && this.type == type && length >= Libc.CMSG_HDR + dataLength;
    }

    /** Where the current message's data starts in the area. */
    public long data() {
        return base + offset + Libc.CMSG_HDR;
    }
}
