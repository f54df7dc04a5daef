package io.stampd.dataplane.core;

import java.lang.foreign.MemorySegment;

/**
 * A batch of received UDP datagrams as a plane delivers them to the core: the payload (writable:
 * a reflector turns a request into its reply in place) and what the plane knows of each one.
 * Slots are valid until the plane receives the next batch. I/O thread only.
 */
public interface Datagrams {
    /** The UDP payload of datagram {@code i}; its first {@link #length} octets are valid. */
    MemorySegment payload(int i);

    int length(int i);

    /** The datagram was longer than the slot and was cut. */
    boolean truncated(int i);

    /** Source address, 16 octets at offset 0. */
    MemorySegment sourceAddress(int i);

    int sourcePort(int i);

    /** Destination address, 16 octets at offset 0; all zero when the plane does not know it. */
    MemorySegment destinationAddress(int i);

    /** Receive time in Unix-epoch nanoseconds as the plane took it, 0 when it has none. */
    long receiveNanos(int i);

    /** The IPv6 hop limit as received, -1 when unknown. */
    int hopLimit(int i);

    /** The Traffic Class octet as received, -1 when unknown. */
    int trafficClass(int i);

    /** The interface it arrived on, 0 when unknown. */
    int ifIndex(int i);
}
