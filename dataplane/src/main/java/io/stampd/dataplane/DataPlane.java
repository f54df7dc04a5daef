package io.stampd.dataplane;

import io.stampd.dataplane.session.RateLimit;
import io.stampd.dataplane.session.ReflectorSessionConfig;
import io.stampd.dataplane.session.SenderListener;
import io.stampd.dataplane.session.SenderSessionConfig;

import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A packet I/O backend for STAMP sessions (kernel UDP sockets, AF_PACKET rings, XDP). Sessions are
 * started and stopped one at a time; starting one never disturbs the others. Implementations are
 * thread-safe.
 */
public interface DataPlane extends AutoCloseable {
    /** "socket", "af-packet" or "xdp": the plane in use. */
    default String name() {
        return plane().kind().yangName;
    }

    /** The plane that moves the node's packets now. */
    PlaneSettings plane();

    /** The planes this node can use. */
    Set<PlaneSettings.Kind> supportedPlanes();

    /**
     * Checks, changing nothing, that this node could use {@code plane} with these sessions started
     * besides the ones running (a running session that is replaced may be listed: what it holds
     * counts as free). For a commit to refuse what the node cannot run before anything changes.
     *
     * @throws DataPlaneException naming the session or plane field ({@link DataPlaneException#subject()})
     */
    void check(PlaneSettings plane, Collection<SenderSessionConfig> senders,
               Collection<ReflectorSessionConfig> reflectors);

    /**
     * Moves the node's packets to {@code plane}: every session keeps running, with its sequence
     * numbers, statistics and counters. All or nothing: if the new plane cannot start, the old one
     * stays.
     *
     * @throws DataPlaneException naming the plane field that could not be honoured
     */
    void use(PlaneSettings plane);

    /**
     * Counters of the plane's in-kernel programs by what they did with a frame (reflected,
     * collected, or why they passed it up), e.g. {@code reflector/tx}; empty for a plane without
     * programs.
     */
    default Map<String, Long> programCounters() {
        return Map.of();
    }

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

    /**
     * Limits the test packets answered per source address, over all reflector sessions, from now
     * on ({@code limit} null: no limit); packets over it are dropped and counted in {@link
     * DataPlaneCounters#sourceRateLimited}. Every plane, the in-kernel one too.
     */
    void sourceRateLimit(RateLimit limit);

    /**
     * Runs {@code block}, which starts and stops sessions, in one hand-over to the I/O thread
     * instead of one per session, so that ten thousand sessions committed at once start in a few
     * dozen hand-overs. The I/O thread moves no packets meanwhile: callers keep blocks to a few
     * hundred sessions. Exceptions of the block come back as they were.
     */
    default void batch(Runnable block) {
        block.run();
    }

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
