package io.stampd.tools;

import io.stampd.dataplane.DataPlane;
import io.stampd.dataplane.SenderHandle;
import io.stampd.dataplane.node.NodeDataPlane;
import io.stampd.dataplane.session.SenderSessionConfig;
import io.stampd.dataplane.session.SenderStatistics;
import picocli.CommandLine;

import java.util.ArrayList;
import java.util.List;

/**
 * A {@code stampd probe} session started in this process from the probe's own command-line options
 * (same parser, same defaults), for tools that show it as it runs ({@code stampd watch --probe}).
 * Closing it stops the session and closes the data plane (detaching any XDP program).
 */
public final class ProbeRun implements AutoCloseable {
    private final SenderSessionConfig config;
    private final SenderStatistics stats;
    private final DataPlane dataPlane;
    private final SenderHandle handle;

    private ProbeRun(SenderSessionConfig config, SenderStatistics stats, DataPlane dataPlane, SenderHandle handle) {
        this.config = config;
        this.stats = stats;
        this.dataPlane = dataPlane;
        this.handle = handle;
    }

    /**
     * Parses {@code probeArgs} as {@code stampd probe} would (a bad option throws picocli's
     * ParameterException naming it) and starts sending; without --count the session runs until closed.
     */
    public static ProbeRun start(List<String> probeArgs) {
        List<String> args = new ArrayList<>(probeArgs);
        if (args.stream().noneMatch(a -> a.equals("--count") || a.startsWith("--count="))) {
            args.addAll(List.of("--count", "0"));
        }
        ProbeCommand probe = new ProbeCommand();
        CommandLine cl = new CommandLine(probe);
        cl.parseArgs(args.toArray(String[]::new));
        SenderSessionConfig config = probe.buildConfig();
        SenderStatistics stats = SenderStatistics.forSession(config);
        DataPlane dp = NodeDataPlane.open(probe.plane.settings(), 32, probe.spinNanos);
        try {
            return new ProbeRun(config, stats, dp, dp.startSender(config, stats));
        } catch (RuntimeException e) {
            dp.close();
            throw e;
        }
    }

    public SenderSessionConfig config() {
        return config;
    }

    public SenderStatistics statistics() {
        return stats;
    }

    /** True once every packet of a bounded run was sent. */
    public boolean finished() {
        return handle.finished();
    }

    @Override
    public void close() {
        try {
            handle.close();
        } finally {
            dataPlane.close();
        }
    }
}
