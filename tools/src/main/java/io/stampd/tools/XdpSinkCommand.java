package io.stampd.tools;

import io.stampd.dataplane.bench.XdpSink;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.concurrent.Callable;

/**
 * {@code stampd xdp-sink}: the counting XDP sink of the benchmarks (ebpf/xdp_sink.bpf.c) on an
 * interface of the current network namespace. It stays attached after the command exits; show
 * and detach find it again through the interface.
 */
@Command(name = "xdp-sink",
        mixinStandardHelpOptions = true,
        description = "Drops and counts every IPv6 frame but ICMPv6 with XDP, UDP to --port apart (benchmark sink)."
                + " Acts in the network namespace it runs in.",
        subcommands = {XdpSinkCommand.Attach.class, XdpSinkCommand.Show.class, XdpSinkCommand.Detach.class})
public final class XdpSinkCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        throw new ParameterException(spec.commandLine(), "missing sub-command: attach, show or detach");
    }

    @Command(name = "attach", mixinStandardHelpOptions = true,
            description = "Loads the sink and attaches it to DEV (it stays attached after exit).")
    static final class Attach implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Mixin
        DelayLineCommand.DeviceOption device;

        @Mixin
        XdpModeOption xdpMode;

        int port = 862;

        @Option(names = "--port", paramLabel = "N", defaultValue = "862",
                description = "UDP destination port counted apart, 0-65535, 0 = none (default ${DEFAULT-VALUE}).")
        void setPort(int value) {
            if (value < 0 || value > 65_535) {
                throw new ParameterException(spec.commandLine(), "--port must be from 0 to 65535, got " + value);
            }
            port = value;
        }

        @Override
        public Integer call() {
            XdpSink sink = XdpSink.attach(device.dev, xdpMode.mode, port);
            print(spec.commandLine().getOut(), sink, false);
            return 0;
        }
    }

    @Command(name = "show", mixinStandardHelpOptions = true,
            description = "Prints the counters of the sink on DEV as KEY=VALUE.")
    static final class Show implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Mixin
        DelayLineCommand.DeviceOption device;

        @Override
        public Integer call() {
            print(spec.commandLine().getOut(), find(device.dev), true);
            return 0;
        }
    }

    @Command(name = "detach", mixinStandardHelpOptions = true,
            description = "Detaches the sink from DEV (only if the attached program is the sink).")
    static final class Detach implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Mixin
        DelayLineCommand.DeviceOption device;

        @Override
        public Integer call() {
            XdpSink sink = find(device.dev);
            sink.detach();
            PrintWriter out = spec.commandLine().getOut();
            out.println("DEV=" + device.dev);
            out.println("DETACHED_PROG_ID=" + sink.programId());
            out.flush();
            return 0;
        }
    }

    private static XdpSink find(String dev) {
        return XdpSink.find(dev).orElseThrow(() -> new IllegalStateException("no xdp_sink XDP program is attached to "
                + dev + " (run 'stampd xdp-sink attach --dev " + dev + "' first)"));
    }

    private static void print(PrintWriter out, XdpSink sink, boolean counters) {
        out.println("DEV=" + sink.device());
        out.println("PROG_ID=" + sink.programId());
        out.println("MODE=" + sink.mode());
        out.println("PORT=" + sink.port());
        if (counters) {
            XdpSink.Counts c = sink.counts();
            out.println("PACKETS=" + c.packets());
            out.println("BYTES=" + c.bytes());
            out.println("PORT_PACKETS=" + c.portPackets());
            out.println("PORT_BYTES=" + c.portBytes());
            out.println("PASSED=" + c.passed());
        }
        out.flush();
    }
}
