package io.stampd.tools.bench.pdr;

/**
 * What handles STAMP frames on the router during a search, as the trials see it: stampd
 * ({@link StampdProcess}) or a yardstick XDP program ({@link YardstickProgram}).
 */
interface StampHandler extends AutoCloseable {
    /** STAMP frames handled so far, including everything queued when this was called. */
    long freshProcessed();

    /**
     * CPU time of the handler's own process so far, in nanoseconds ({@link CpuTime#processNanos});
     * -1 for a handler that has none (a yardstick program runs in the kernel's receive path).
     */
    default long cpuNanos() {
        return -1;
    }

    /** Waits until the handler has settled after its start (a JVM compiling), before measuring. */
    void awaitIdle();

    @Override
    void close();
}
