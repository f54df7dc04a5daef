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

    /** Gives back the number {@link #take} handed out last (no reply was sent). */
    void untake(MemorySegment sourceAddress, int sourcePort, int ssid);
}
