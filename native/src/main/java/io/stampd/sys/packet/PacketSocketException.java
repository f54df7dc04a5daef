package io.stampd.sys.packet;

import io.stampd.sys.Libc;

/** A packet-socket or socket-filter step the kernel refused: the step and its errno. */
public final class PacketSocketException extends RuntimeException {
    private final int errno;

    public PacketSocketException(String step, int errno) {
        super(step + " failed: " + Libc.strerror(errno) + " (errno " + errno + ")");
        this.errno = errno;
    }

    public int errno() {
        return errno;
    }
}
