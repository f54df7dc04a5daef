package io.stampd.dataplane;

/** A running sender session. Closing it stops sending; replies still in flight are then ignored. */
public interface SenderHandle extends AutoCloseable {
    /** The UDP source port in use (the ephemeral one if the configuration left it to the kernel). */
    int localPort();

    /** Test packets handed to the kernel so far. */
    long sent();

    /** Test packets the kernel refused to send (no route, buffer full...). */
    long sendErrors();

    /** The errno of the latest send the kernel refused (ENETUNREACH, ...), 0 if none was. */
    default int lastSendErrno() {
        return 0;
    }

    /** Replies an in-kernel plane (XDP) collected for this session and handed to it. */
    default long collectedInKernel() {
        return 0;
    }

    /** True once the configured packet count has been sent. */
    boolean finished();

    @Override
    void close();
}
