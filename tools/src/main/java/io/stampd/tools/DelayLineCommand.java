package io.stampd.tools;

import io.stampd.sys.bpf.BpfMap;
import io.stampd.sys.bpf.BpfObject;
import io.stampd.sys.bpf.BpfProgramInfo;
import io.stampd.sys.bpf.NetInterfaces;
import io.stampd.sys.bpf.Xdp;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.concurrent.Callable;

/**
 * {@code stampd delay-line}: loads the XDP delay line (ebpf/delay_line.bpf.c) onto an interface
 * of the current network namespace and changes or shows its settings later. The program stays
 * attached after the command exits; later invocations find it again through the interface
 * (attached program id, then its map named delay_line_cfg), so nothing is pinned.
 */
@Command(name = "delay-line",
        mixinStandardHelpOptions = true,
        description = "Emulates link delay and random loss on received IPv6 packets (ICMPv6 only for echo) with XDP,"
                + " because this kernel has no netem. Acts in the network namespace it runs in.",
        subcommands = {DelayLineCommand.Attach.class, DelayLineCommand.Set.class,
                DelayLineCommand.Show.class, DelayLineCommand.Detach.class})
public final class DelayLineCommand implements Callable<Integer> {
    static final String OBJECT_RESOURCE = "/io/stampd/ebpf/delay_line.bpf.o";
    static final String PROGRAM = "delay_line";
    static final String CONFIG_MAP = "delay_line_cfg";
    static final String STATS_MAP = "delay_line_stats";
    static final long MAX_DELAY_US = 1_000_000;
    private static final BigDecimal HUNDRED = BigDecimal.valueOf(100);

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        throw new ParameterException(spec.commandLine(), "missing sub-command: attach, set, show or detach");
    }

    /** Mirrors struct delay_line_cfg of ebpf/delay_line.h (16 bytes, native byte order). */
    record Config(long delayNs, int lossPpm) {
        static final int SIZE = 16;

        byte[] encode() {
            return ByteBuffer.allocate(SIZE).order(ByteOrder.nativeOrder())
                    .putLong(delayNs).putInt(lossPpm).putInt(0).array();
        }

        static Config decode(byte[] value) {
            ByteBuffer b = ByteBuffer.wrap(value).order(ByteOrder.nativeOrder());
            return new Config(b.getLong(0), b.getInt(8));
        }

        String lossPct() {
            return BigDecimal.valueOf(lossPpm, 4).stripTrailingZeros().toPlainString();
        }
    }

    /** Mirrors struct delay_line_stats of ebpf/delay_line.h, summed over CPUs. */
    record Stats(long seen, long passed, long dropped, long waitExhausted) {
        static final int SIZE = 32;

        static Stats sum(byte[][] perCpu) {
            long seen = 0;
            long passed = 0;
            long dropped = 0;
            long waitExhausted = 0;
            for (byte[] value : perCpu) {
                ByteBuffer b = ByteBuffer.wrap(value).order(ByteOrder.nativeOrder());
                seen += b.getLong(0);
                passed += b.getLong(8);
                dropped += b.getLong(16);
                waitExhausted += b.getLong(24);
            }
            return new Stats(seen, passed, dropped, waitExhausted);
        }
    }

    /** The delay_line program found on an interface, and the mode it is attached in. */
    record Attached(String dev, int ifindex, Xdp.Mode mode, BpfProgramInfo program) {
    }

    /** --dev, shared by all sub-commands. */
    static final class DeviceOption {
        @Option(names = "--dev", required = true, paramLabel = "DEV",
                description = "Network interface (in this network namespace).")
        String dev;
    }

    /** --delay-us and --loss-pct with range checks; null fields mean "not given". */
    static final class ImpairmentOptions {
        @Spec(Spec.Target.MIXEE)
        CommandSpec spec;

        Long delayUs;
        Integer lossPpm;

        @Option(names = "--delay-us", paramLabel = "N",
                description = "One-way delay in microseconds, 0 to 1000000.")
        void setDelayUs(long value) {
            if (value < 0 || value > MAX_DELAY_US) {
                throw new ParameterException(spec.commandLine(),
                        "--delay-us must be from 0 to " + MAX_DELAY_US + " (microseconds), got " + value);
            }
            delayUs = value;
        }

        @Option(names = "--loss-pct", paramLabel = "P",
                description = "Random loss in percent, 0 to 100, decimals allowed (resolution 0.0001).")
        void setLossPct(String value) {
            lossPpm = parseLossPpm(value, spec);
        }
    }

    static int parseLossPpm(String text, CommandSpec spec) {
        BigDecimal pct;
        try {
            pct = new BigDecimal(text.trim());
        } catch (NumberFormatException e) {
            pct = null;
        }
        if (pct == null || pct.signum() < 0 || pct.compareTo(HUNDRED) > 0) {
            throw new ParameterException(spec.commandLine(),
                    "--loss-pct must be a number from 0 to 100 (percent), got '" + text + "'");
        }
        return pct.movePointRight(4).setScale(0, RoundingMode.HALF_UP).intValueExact();
    }

    @Command(name = "attach", mixinStandardHelpOptions = true,
            description = "Loads the delay line and attaches it to DEV (it stays attached after exit).")
    static final class Attach implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Mixin
        DeviceOption device;
        @Mixin
        ImpairmentOptions impairment;

        @Mixin
        XdpModeOption xdpMode;

        @Override
        public Integer call() {
            int ifindex = NetInterfaces.indexOf(device.dev);
            int existing = Xdp.attachedProgramId(ifindex);
            if (existing != 0) {
                throw new IllegalStateException("interface " + device.dev + " already has XDP program '"
                        + BpfProgramInfo.ofId(existing).name() + "' (id " + existing
                        + "); use 'delay-line set' to change a delay line, or detach first");
            }
            Config config = new Config(orZero(impairment.delayUs) * 1000,
                    impairment.lossPpm == null ? 0 : impairment.lossPpm);
            try (BpfObject object = BpfObject.openResource(OBJECT_RESOURCE).load()) {
                // Configure before attaching, so the very first packet already sees the settings.
                BpfMap cfg = object.map(CONFIG_MAP);
                requireValueSize(cfg, Config.SIZE);
                requireValueSize(object.map(STATS_MAP), Stats.SIZE);
                cfg.update(BpfMap.indexKey(0), config.encode());
                Xdp.attach(ifindex, object.programFd(PROGRAM), xdpMode.mode);
            }
            PrintWriter out = spec.commandLine().getOut();
            out.println("DEV=" + device.dev);
            out.println("PROG_ID=" + Xdp.attachedProgramId(ifindex, xdpMode.mode));
            out.println("MODE=" + xdpMode.mode);
            printConfig(out, config);
            out.flush();
            return 0;
        }

        private static long orZero(Long value) {
            return value == null ? 0 : value;
        }
    }

    @Command(name = "set", mixinStandardHelpOptions = true,
            description = "Changes delay and/or loss of the delay line attached to DEV.")
    static final class Set implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Mixin
        DeviceOption device;
        @Mixin
        ImpairmentOptions impairment;

        @Override
        public Integer call() {
            if (impairment.delayUs == null && impairment.lossPpm == null) {
                throw new ParameterException(spec.commandLine(), "nothing to set: give --delay-us and/or --loss-pct");
            }
            Attached attached = findAttached(device.dev);
            try (BpfMap cfg = attached.program().openMap(CONFIG_MAP)) {
                requireValueSize(cfg, Config.SIZE);
                Config current = readConfig(cfg);
                Config updated = new Config(
                        impairment.delayUs == null ? current.delayNs() : impairment.delayUs * 1000,
                        impairment.lossPpm == null ? current.lossPpm() : impairment.lossPpm);
                cfg.update(BpfMap.indexKey(0), updated.encode());
                PrintWriter out = spec.commandLine().getOut();
                out.println("DEV=" + device.dev);
                printConfig(out, updated);
                out.flush();
            }
            return 0;
        }
    }

    @Command(name = "show", mixinStandardHelpOptions = true,
            description = "Prints the settings and packet counters of the delay line on DEV as KEY=VALUE.")
    static final class Show implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Mixin
        DeviceOption device;

        @Override
        public Integer call() {
            Attached attached = findAttached(device.dev);
            Config config;
            Stats stats;
            try (BpfMap cfg = attached.program().openMap(CONFIG_MAP);
                 BpfMap counters = attached.program().openMap(STATS_MAP)) {
                requireValueSize(cfg, Config.SIZE);
                requireValueSize(counters, Stats.SIZE);
                config = readConfig(cfg);
                stats = Stats.sum(counters.lookupPerCpu(BpfMap.indexKey(0)).orElseThrow(
                        () -> new IllegalStateException("map " + STATS_MAP + " has no entry 0")));
            }
            PrintWriter out = spec.commandLine().getOut();
            out.println("DEV=" + device.dev);
            out.println("PROG_ID=" + attached.program().id());
            out.println("MODE=" + attached.mode());
            printConfig(out, config);
            out.println("PACKETS_SEEN=" + stats.seen());
            out.println("PACKETS_PASSED=" + stats.passed());
            out.println("PACKETS_DROPPED=" + stats.dropped());
            out.println("PACKETS_WAIT_EXHAUSTED=" + stats.waitExhausted());
            out.flush();
            return 0;
        }
    }

    @Command(name = "detach", mixinStandardHelpOptions = true,
            description = "Detaches the delay line from DEV (only if the attached program is the delay line).")
    static final class Detach implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Mixin
        DeviceOption device;

        @Override
        public Integer call() {
            Attached attached = findAttached(device.dev);
            Xdp.detach(attached.ifindex(), attached.mode(), attached.program().id());
            PrintWriter out = spec.commandLine().getOut();
            out.println("DEV=" + device.dev);
            out.println("DETACHED_PROG_ID=" + attached.program().id());
            out.flush();
            return 0;
        }
    }

    /** Finds the delay line on {@code dev}; fails if nothing, or another program, is attached. */
    static Attached findAttached(String dev) {
        int ifindex = NetInterfaces.indexOf(dev);
        return Xdp.findNamed(dev, ifindex, PROGRAM)
                .map(found -> new Attached(dev, ifindex, found.mode(), found.program()))
                .orElseThrow(() -> new IllegalStateException("no " + PROGRAM + " XDP program is attached to " + dev
                        + " (run 'stampd delay-line attach --dev " + dev + "' first)"));
    }

    private static Config readConfig(BpfMap cfg) {
        return Config.decode(cfg.lookup(BpfMap.indexKey(0)).orElseThrow(
                () -> new IllegalStateException("map " + CONFIG_MAP + " has no entry 0")));
    }

    /** Guards against delay_line.h and the records above drifting apart. */
    private static void requireValueSize(BpfMap map, int expected) {
        if (map.valueSize() != expected) {
            throw new IllegalStateException("map " + map.name() + " holds " + map.valueSize()
                    + "-byte values, expected " + expected + ": ebpf/delay_line.h and DelayLineCommand disagree");
        }
    }

    private static void printConfig(PrintWriter out, Config config) {
        out.println("DELAY_US=" + config.delayNs() / 1000);
        out.println("DELAY_NS=" + config.delayNs());
        out.println("LOSS_PCT=" + config.lossPct());
        out.println("LOSS_PPM=" + config.lossPpm());
    }
}
