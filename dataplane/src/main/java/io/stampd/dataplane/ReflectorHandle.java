package io.stampd.dataplane;

import io.stampd.dataplane.session.RateLimit;

/** A running reflector session. */
public interface ReflectorHandle extends AutoCloseable {
    ReflectorCounters counters();

    /**
     * The session's rate limit from now on (null: none), changed in place: its counters, and the
     * credit its bucket has earned (cut to a smaller burst), carry on.
     */
    void rateLimit(RateLimit limit);

    @Override
    void close();
}
