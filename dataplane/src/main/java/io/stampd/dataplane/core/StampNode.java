package io.stampd.dataplane.core;

import io.stampd.dataplane.SendTimingRecorder;
import io.stampd.dataplane.codec.ErrorEstimate;
import io.stampd.dataplane.codec.TimestampFormat;

import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * What every plane of a node shares: the I/O thread that runs the sessions, the session tables,
 * the node-wide counters, the node's local addresses and the send-time error. Planes move
 * packets; the STAMP rules live in {@link SessionSender}, {@link SessionReflector} and
 * {@link Reflection}, which work on this.
 */
public final class StampNode implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(StampNode.class.getName());

    public final EventLoop loop;
    public final NodeCounters counters = new NodeCounters();
    public final SenderTable senders = new SenderTable();
    public final ReflectorTable reflectors = new ReflectorTable();
    public final LocalAddresses localAddresses = new LocalAddresses();
    /** The per-source-address rate limit of reflected test packets (none until set). I/O thread. */
    public final SourceRateLimiter sourceLimiter = new SourceRateLimiter();
    /** Written by the I/O thread at every test packet sent. */
    public final SendTimingRecorder sendTiming = new SendTimingRecorder();
    private final short ntpErrorEstimate;
    private final short ptpErrorEstimate;

    /**
     * @param threadName name of the I/O thread
     * @param spinNanos  how long before a timer the I/O thread polls instead of sleeping
     */
    public StampNode(String threadName, long spinNanos) {
        // Software timestamps of an unsynchronised host clock: advertise 1 ms, S = 0 (RFC 8762 §4.2.1).
        ntpErrorEstimate = ErrorEstimate.forError(false, TimestampFormat.NTP, 1_000_000);
        ptpErrorEstimate = ErrorEstimate.forError(false, TimestampFormat.PTP, 1_000_000);
        loop = new EventLoop(threadName);
        loop.spinNanos(spinNanos);
        loop.call(() -> {
            localAddresses.refresh();
            loop.schedule(localAddresses, System.nanoTime() + 1_000_000_000L);
            return null;
        });
    }

    /** The Error Estimate this node's software timestamps carry in {@code format}. */
    public short errorEstimate(TimestampFormat format) {
        return format == TimestampFormat.PTP ? ptpErrorEstimate : ntpErrorEstimate;
    }

    /** A packet's handling failed; the loop goes on. I/O thread. */
    public void internalError(RuntimeException e) {
        counters.internalErrors.increment();
        LOG.log(Level.WARNING, "packet handling failed (packet dropped, loop goes on): " + e, e);
    }

    /** Stops the I/O thread (planes close their endpoints first). */
    @Override
    public void close() {
        loop.call(() -> {
            localAddresses.close();
            return null;
        });
        loop.close();
    }
}
