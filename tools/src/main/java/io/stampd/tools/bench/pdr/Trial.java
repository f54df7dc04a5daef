package io.stampd.tools.bench.pdr;

/**
 * One fixed-rate trial: frames requested at {@code requestedPps}, data frames that reached the
 * sink, STAMP frames stampd processed, the router CPU's busy time, and the CPU time of the stampd
 * process ({@code stampdCpuNanos}, -1 without one). The rate the router was really offered is what
 * the generator achieved ({@link #offeredPps()}): a generator that stalls restarts its schedule
 * instead of bursting, which lowers it.
 */
record Trial(long requestedPps, long sent, long stampSent, long dataDelivered, long stampProcessed, long elapsedNanos,
             long routerBusyNanos, long generatorResyncs, long stampdCpuNanos) {

    /** A trial without a stampd process on the router. */
    Trial(long requestedPps, long sent, long stampSent, long dataDelivered, long stampProcessed, long elapsedNanos,
          long routerBusyNanos, long generatorResyncs) {
        this(requestedPps, sent, stampSent, dataDelivered, stampProcessed, elapsedNanos, routerBusyNanos,
                generatorResyncs, -1);
    }

    /** Frames per second the generator really sent, first to last frame. */
    double offeredPps() {
        return elapsedNanos == 0 ? 0 : sent * 1e9 / elapsedNanos;
    }

    long delivered() {
        return dataDelivered + stampProcessed;
    }

    /** Share of the sent frames neither forwarded nor processed, 0..1. */
    double lossRatio() {
        return sent == 0 ? 1 : Math.max(0, 1.0 - (double) delivered() / sent);
    }

    double deliveredPps() {
        return elapsedNanos == 0 ? 0 : delivered() * 1e9 / elapsedNanos;
    }

    double stampProcessedPps() {
        return elapsedNanos == 0 ? 0 : stampProcessed * 1e9 / elapsedNanos;
    }

    /** Router CPU nanoseconds per delivered packet. */
    double routerNanosPerPacket() {
        return delivered() == 0 ? 0 : (double) routerBusyNanos / delivered();
    }

    /**
     * The stampd process's CPU nanoseconds per STAMP packet it processed (reflected or collected);
     * NaN without a process or STAMP packets. Of the router's CPU time this is the part spent in
     * stampd's threads, kernel work in their system calls included; the receive path up to the
     * socket or ring is not in it.
     */
    double stampdNanosPerStampPacket() {
        return stampdCpuNanos < 0 || stampProcessed == 0 ? Double.NaN : (double) stampdCpuNanos / stampProcessed;
    }
}
