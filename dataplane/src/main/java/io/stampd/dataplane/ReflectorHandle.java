package io.stampd.dataplane;

/** A running reflector session. */
public interface ReflectorHandle extends AutoCloseable {
    ReflectorCounters counters();

    @Override
    void close();
}
