package io.stampd.dataplane.core;

/**
 * Told when a plane starts or stops a session, on the I/O thread: how an in-kernel plane (XDP)
 * layered over the socket path learns which sessions to mirror into its maps.
 */
public interface SessionObserver {
    SessionObserver NONE = new SessionObserver() {
    };

    /** {@code s} sends from local UDP port {@code localPort} from now on. */
    default void senderStarted(SessionSender s, int localPort) {
    }

    /** {@code s} stopped; it sent from {@code localPort}. */
    default void senderStopped(SessionSender s, int localPort) {
    }

    default void reflectorStarted(SessionReflector s) {
    }

    default void reflectorStopped(SessionReflector s) {
    }
}
