package io.stampd.netconf.engine;

import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;

/**
 * The log lines of one batch of session changes: each change on a line of its own while the batch
 * is small (or when it must stand out), else each at DEBUG and one INFO line per kind of change
 * with its count and id range, so that a commit touching ten thousand sessions writes a few lines.
 */
final class ChangeLog {
    private final Logger log;
    private final boolean oneByOne;
    /** Per kind: count, lowest id, highest id. */
    private final Map<String, long[]> counts = new LinkedHashMap<>();

    ChangeLog(Logger log, int batchSize, int loggedOneByOne) {
        this.log = log;
        this.oneByOne = batchSize <= loggedOneByOne;
    }

    /** Logs change {@code line} of session {@code id}; {@code kind} groups it in a large batch. */
    void change(long id, String line, String kind, boolean standsOut) {
        if (oneByOne || standsOut) {
            log.info("{}", line);
            return;
        }
        log.debug("{}", line);
        long[] n = counts.computeIfAbsent(kind, k -> new long[] {0, id, id});
        n[0]++;
        n[1] = Math.min(n[1], id);
        n[2] = Math.max(n[2], id);
    }

    /** The summary lines of a large batch. */
    void summarise() {
        counts.forEach((kind, n) -> log.info("{} {} (ids {}..{}; each at DEBUG and as a notification)", n[0], kind,
                n[1], n[2]));
    }
}
