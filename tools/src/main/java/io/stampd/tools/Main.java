package io.stampd.tools;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Entry point of the {@code tools/stampd} launcher: one sub-command per tool. */
@Command(name = "stampd",
        mixinStandardHelpOptions = true,
        version = "stampd 0.1.0",
        description = "STAMP (RFC 8762/8972/9503) agent and tools for SRv6 paths.",
        subcommands = {
                ProbeCommand.class,
                ReflectCommand.class,
                DelayLineCommand.class,
                FloodCommand.class,
                AgentCommand.class,
                TrafGenCommand.class,
                XdpSinkCommand.class,
                io.stampd.tools.bench.pdr.BenchPdrCommand.class,
                io.stampd.tools.bench.BenchPlotCommand.class,
                io.stampd.tools.watch.WatchCommand.class,
                io.stampd.tools.plot.PlotCommand.class,
                io.stampd.tools.bench.footprint.FootprintCommand.class,
        })
public final class Main {
    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the command line and returns the exit code; bad arguments give a one-line error. */
    public static int run(String... args) {
        CommandLine cl = new CommandLine(new Main());
        cl.setParameterExceptionHandler(Main::oneLineError);
        cl.setExecutionExceptionHandler((ex, cmd, parsed) -> {
            cmd.getErr().println(cmd.getCommandSpec().qualifiedName() + ": " + describe(ex));
            return 1;
        });
        return cl.execute(args);
    }

    private static int oneLineError(CommandLine.ParameterException ex, String[] args) {
        CommandLine cmd = ex.getCommandLine();
        String name = cmd.getCommandSpec().qualifiedName();
        cmd.getErr().println(name + ": " + ex.getMessage() + " (see '" + name + " --help')");
        return 2;
    }

    static String describe(Throwable ex) {
        String m = ex.getMessage();
        return m == null || m.isBlank() ? ex.getClass().getSimpleName() : m;
    }
}
