package io.stampd.dataplane;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.SingleWriterRecorder;

/**
 * Collects {@link SendTiming}: one thread (a data plane's I/O thread) records the lateness of each
 * packet without allocating or locking; any other thread reads the total so far. The writer fills
 * an interval histogram that a reader swaps out and adds to the total (HdrHistogram's recorder
 * pattern), so readers never stop the writer.
 */
public final class SendTimingRecorder {
    private final SingleWriterRecorder recorder = new SingleWriterRecorder(1, SendTiming.MAX_TRACKED_NANOS,
            SendTiming.SIGNIFICANT_DIGITS);
    private final Histogram total = SendTiming.newHistogram();
    private Histogram interval;

    /**
     * Records one packet sent at {@code actualNanos} that was due at {@code scheduledNanos} (the same
     * clock). Single writer thread only; allocation-free.
     */
    public void record(long scheduledNanos, long actualNanos) {
        long late = actualNanos - scheduledNanos;
        recorder.recordValue(late < 0 ? 0 : Math.min(late, SendTiming.MAX_TRACKED_NANOS));
    }

    /** Every packet recorded so far. Any thread. */
    public synchronized SendTiming snapshot() {
        interval = recorder.getIntervalHistogram(interval);
        total.add(interval);
        return new SendTiming(total.copy());
    }
}
