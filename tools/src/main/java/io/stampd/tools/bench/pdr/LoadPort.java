package io.stampd.tools.bench.pdr;

/**
 * The traffic generator and the packet counters of the topology, as the PDR search sees them.
 * Implemented over the BPF generator (live frames or TC bursts) and the XDP sinks.
 */
interface LoadPort extends AutoCloseable {
    /** How the generator sends, for the report, e.g. "tc-clone (live frames refused here (...))". */
    String generator();

    /** Sets the share of STAMP frames (percent) and what kind they are, for the next runs. */
    void configure(StampRole role, double stampSharePct);

    /** Sends {@code frames} frames paced at {@code ratePps}; returns the frames that left the generator. */
    Sent send(long frames, long ratePps);

    /** Data frames received by the sink so far (cumulative). */
    long sinkPackets();

    @Override
    void close();

    /**
     * What one generator run put on the wire, how long it took, and how often a stalled generator
     * restarted its schedule (each restart lowers the offered rate a little; none is a burst).
     */
    record Sent(long frames, long stampFrames, long elapsedNanos, long resyncs) {
    }
}
