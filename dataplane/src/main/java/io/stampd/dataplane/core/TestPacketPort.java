package io.stampd.dataplane.core;

import java.lang.foreign.MemorySegment;

/**
 * How a plane sends the test packets of one Session-Sender: the core builds the packet in
 * {@link #buffer()}, asks the plane to {@link #prepare} everything but the send (destination,
 * SRv6 path, traffic class, transmit-timestamp key), reads T1, writes and signs it, and then
 * calls {@link #sendPrepared()}, so that only the send itself lies between T1 and the wire.
 * I/O thread only.
 */
public interface TestPacketPort {
    /** Where the core builds the UDP payload of the next test packet. */
    MemorySegment buffer();

    /** Prepares the send of {@code length} octets of {@link #buffer()} as test packet {@code seq}. */
    void prepare(int length, int dscp, long seq);

    /** Sends what {@link #prepare} prepared; octets sent, or -errno. */
    long sendPrepared();

    /** The UDP source port the packets leave from. */
    int localPort();

    /** Reads the transmit timestamps the plane has queued for the packets it sent (I/O thread). */
    default void drainTransmitTimes() {
    }
}
