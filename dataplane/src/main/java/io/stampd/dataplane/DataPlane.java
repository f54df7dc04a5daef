package io.stampd.dataplane;

import io.stampd.dataplane.session.ReflectorSessionConfig;
import io.stampd.dataplane.session.SenderListener;
import io.stampd.dataplane.session.SenderSessionConfig;

import java.util.Optional;

/**
 * A packet I/O backend for STAMP sessions (kernel UDP sockets, AF_PACKET rings, XDP). Sessions are
 * started and stopped one at a time; starting one never disturbs the others. Implementations are
 * thread-safe.
 */
public interface DataPlane extends AutoCloseable {
    /** "socket", "af-packet" or "xdp". */
    String name();

    /**
     * Starts sending test packets for {@code config}; every reply and every sent packet is reported
     * to {@code listener} on the data plane's I/O thread.
     *
     * @throws DataPlaneException if the session cannot run here (port in use, address not local...)
     */
    SenderHandle startSender(SenderSessionConfig config, SenderListener listener);

    /**
     * Starts answering the test packets that match {@code config}.
     *
     * @throws DataPlaneException if it cannot (port in use, overlaps another session...)
     */
    ReflectorHandle startReflector(ReflectorSessionConfig config);

    /** Counters of packets that belong to no session or could not be parsed. */
    DataPlaneCounters counters();

    /**
     * How late the test packets of all sender sessions left (T1 minus scheduled send time) since
     * the data plane started; empty if this data plane does not measure it.
     */
    default Optional<SendTiming> sendTiming() {
        return Optional.empty();
    }

    /** Stops every session and releases sockets and programs. */
    @Override
    void close();
}
