package io.stampd.dataplane.core;

/** Who gets the time a packet it sent really left (a plane's transmit timestamp). */
public interface Transmitted {
    /** Packet {@code seq} left at {@code nanos} (Unix-epoch nanoseconds). I/O thread. */
    void onTransmitted(long seq, long nanos);
}
