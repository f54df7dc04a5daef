package io.stampd.netconf.engine;

import io.stampd.dataplane.session.SenderStatistics;
import io.stampd.dataplane.session.StampRecord;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * fetch-records with max-records: the statistics drain everything at once, so what a call does not
 * return is carried here for the next call, oldest first. At most {@code capacity} records are
 * carried, like the session's own ring: the oldest are dropped first.
 */
final class RecordDrain {
    private final int capacity;
    private final ArrayDeque<StampRecord> carried = new ArrayDeque<>();

    RecordDrain(int capacity) {
        this.capacity = capacity;
    }

    /** Removes and returns at most {@code max} of the records not fetched before, oldest first. */
    synchronized List<StampRecord> take(SenderStatistics statistics, long max) {
        carried.addAll(statistics.drainRecords());
        while (carried.size() > capacity) {
            carried.removeFirst();
        }
        List<StampRecord> out = new ArrayList<>((int) Math.min(max, carried.size()));
        while (out.size() < max && !carried.isEmpty()) {
            out.add(carried.removeFirst());
        }
        return out;
    }

    synchronized long pending(SenderStatistics statistics) {
        return Math.min(capacity, carried.size() + (long) statistics.pendingRecords());
    }

    synchronized void clear() {
        carried.clear();
    }
}
