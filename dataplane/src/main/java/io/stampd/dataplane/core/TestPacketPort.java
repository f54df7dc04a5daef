package io.stampd.dataplane.core;

import java.lang.foreign.MemorySegment;

/**
 * How a plane sends the test packets of one Session-Sender: the core builds the packet in
 * {@link #buffer()}, asks the plane to {@link #prepare} everything but the send (destination,
 * SRv6 path, traffic class, transmit-timestamp key), reads T1, writes and signs it, and then
 * calls {@link #send()}, so that only the send itself lies between T1 and the wire. A plane may
 * hold the packet back to send it with others due in the same turn of the I/O thread (one
 * system call for several); it tells the session how each send went
 * ({@link SessionSender#sendCompleted}) before the turn ends, at the latest after
 * {@link #MAX_HELD} packets. I/O thread only.
 */
public interface TestPacketPort {
    /** Where the core builds the UDP payload of the next test packet. */
    MemorySegment buffer();

    /**
     * Prepares the send of {@code length} octets of {@link #buffer()} as test packet {@code seq}
     * with Traffic Class {@code trafficClass} (DSCP and ECN).
     */
    void prepare(int length, int trafficClass, long seq);

    /** The most packets a plane holds back before it sends them (so many a session may have unreported). */
    int MAX_HELD = 16;

    /**
     * Sends what {@link #prepare} prepared, now or with the next packets held back; the outcome
     * reaches {@link SessionSender#sendCompleted} (octets sent, or -errno).
     */
    void send();

    /** The UDP source port the packets leave from. */
    int localPort();

    /** Reads the transmit timestamps the plane has queued for the packets it sent (I/O thread). */
    default void drainTransmitTimes() {
    }
}
