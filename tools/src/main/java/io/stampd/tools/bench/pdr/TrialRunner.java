package io.stampd.tools.bench.pdr;

/** Runs trials: generator, sink and stampd counters read around one paced run. */
final class TrialRunner {
    /** Lets queued packets drain before the counters are read. */
    private static final long DRAIN_MILLIS = 150;

    private final LoadPort load;
    private final int routerCpu;
    private final double trialSeconds;
    private StampHandler stampd;

    TrialRunner(LoadPort load, int routerCpu, double trialSeconds) {
        this.load = load;
        this.routerCpu = routerCpu;
        this.trialSeconds = trialSeconds;
    }

    /** What handles STAMP on the router: its counters count as processed STAMP packets; null for none. */
    void use(StampHandler process) {
        this.stampd = process;
    }

    Trial run(long ratePps) {
        return run(ratePps, trialSeconds);
    }

    Trial run(long ratePps, double seconds) {
        long frames = Math.max(1, Math.round(ratePps * seconds));
        long sinkBefore = load.sinkPackets();
        long stampBefore = stampd == null ? 0 : stampd.freshProcessed();
        long cpuBefore = CpuTime.busyNanos(routerCpu);
        long processBefore = stampd == null ? -1 : stampd.cpuNanos();
        LoadPort.Sent sent = load.send(frames, ratePps);
        StampdProcess.sleepMillis(DRAIN_MILLIS);
        long cpuAfter = CpuTime.busyNanos(routerCpu);
        long processAfter = stampd == null ? -1 : stampd.cpuNanos();
        long stampAfter = stampd == null ? 0 : stampd.freshProcessed();
        long sinkAfter = load.sinkPackets();
        return new Trial(ratePps, sent.frames(), sent.stampFrames(), sinkAfter - sinkBefore, stampAfter - stampBefore,
                sent.elapsedNanos(), cpuAfter - cpuBefore, sent.resyncs(),
                processBefore < 0 || processAfter < 0 ? -1 : processAfter - processBefore);
    }
}
