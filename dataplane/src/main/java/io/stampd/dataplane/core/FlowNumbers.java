package io.stampd.dataplane.core;

import java.lang.foreign.MemorySegment;

/**
 * Where a stateful reflector session takes its own sequence numbers (RFC 8762 §4.3.1), one
 * counter per test session it serves: its own table ({@link ReflectorFlowCounters}), or, while a
 * kernel plane numbers the same flows, that plane's counters, so that no number is given twice.
 */
public interface FlowNumbers {
    /** The number for this flow's next reply; advances the flow's counter. */
    long take(MemorySegment sourceAddress, int sourcePort, int ssid);

    /**
     * Gives back {@code number}, the one {@link #take} just handed out for this flow (no reply was
     * sent), if no later number was taken meanwhile.
     */
    void untake(MemorySegment sourceAddress, int sourcePort, int ssid, long number);
}
