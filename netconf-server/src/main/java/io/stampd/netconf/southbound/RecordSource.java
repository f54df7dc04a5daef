package io.stampd.netconf.southbound;

import io.stampd.dataplane.session.StampRecord;
import java.util.List;

/** Where a sender session's measurement records are taken from (the engine). */
public interface RecordSource {
    /** The records not taken before, oldest first, at most {@code max}; NoSuchElementException if no such session. */
    List<StampRecord> drain(long senderId, long max);

    /** How many records wait; 0 if there is no such session. */
    long pending(long senderId);
}
