package io.stampd.dataplane.core;

/**
 * What the core asks of the plane that is answering a batch of test packets, between two
 * packets: Follow-Up Telemetry reports the previous reply's transmit time, so that reply must have
 * been sent, and its transmit timestamp read.
 */
public interface ReplyChannel {
    /** Stamps T3 into the queued replies and sends them now. */
    void flush();

    /** Reads the transmit timestamps the plane has for sent replies. */
    void drainTransmitTimes();

    /** Whether the plane can report the transmit time of a reply. */
    boolean transmitTimestamps();
}
