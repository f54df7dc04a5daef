package io.stampd.tools;

import io.stampd.dataplane.bench.SendMethod;
import io.stampd.dataplane.bench.StampKind;
import io.stampd.dataplane.bench.TrafficConfig;
import io.stampd.dataplane.bench.TrafficGenerator;
import io.stampd.dataplane.bench.TrialResult;
import io.stampd.dataplane.session.Ipv6Addresses;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.math.BigDecimal;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code stampd trafgen}: sends IPv6/UDP data frames with a share of STAMP frames out of a veth,
 * built and paced in the kernel (ebpf/traffic_gen.bpf.c run with BPF_PROG_RUN live frames, or
 * ebpf/traffic_gen_tc.bpf.c on DEV's TC egress hook where live frames are refused), in the network
 * namespace it runs in. One run, then a summary.
 */
@Command(name = "trafgen", mixinStandardHelpOptions = true,
        description = {"Paced IPv6/UDP traffic generator for benchmarks: a BPF program builds every frame and sends"
                + " it out of DEV (a veth; its peer needs an XDP program or GRO on). live-frames: an XDP program"
                + " run with BPF_PROG_RUN live frames redirects each frame; tc-clone, where the kernel refuses live"
                + " frames: a program on DEV's TC egress hook turns each trigger frame from an AF_PACKET socket"
                + " into a burst of frames sent with bpf_clone_redirect (detached at the end). Data frames cycle"
                + " their source port over --flows ports; a --stamp-share of the frames (exact over any window)"
                + " are unauthenticated STAMP test packets with a valid checksum and CLOCK_REALTIME NTP"
                + " timestamps.",
                "Acts in the network namespace it runs in (ip netns exec NS stampd trafgen ...). The run blocks"
                        + " one CPU for its whole length, also when paced (busy-waiting)."})
final class TrafGenCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--dev", required = true, paramLabel = "DEV", description = "Interface the frames leave by.")
    String dev;

    @Option(names = "--dst-mac", required = true, paramLabel = "MAC", description = "Ethernet destination (the peer's MAC).")
    String dstMac;

    @Option(names = "--src-mac", paramLabel = "MAC", description = "Ethernet source (default: DEV's MAC).")
    String srcMac;

    @Option(names = "--src", required = true, paramLabel = "ADDR", description = "IPv6 source of every frame.")
    String src;

    @Option(names = "--data-dst", required = true, paramLabel = "ADDR", description = "IPv6 destination of the data frames.")
    String dataDst;

    @Option(names = "--data-port", defaultValue = "9", paramLabel = "N",
            description = "UDP destination port of the data frames (default ${DEFAULT-VALUE}).")
    int dataPort;

    @Option(names = "--data-src-port", defaultValue = "10000", paramLabel = "N",
            description = "First UDP source port of the data frames (default ${DEFAULT-VALUE}).")
    int dataSrcPort;

    @Option(names = "--flows", defaultValue = "1", paramLabel = "N",
            description = "Data frames cycle their source port over N ports (default ${DEFAULT-VALUE}).")
    int flows;

    @Option(names = "--length", defaultValue = "106", paramLabel = "N",
            description = "Data frame length with the Ethernet header, 62-1514 (default ${DEFAULT-VALUE});"
                    + " STAMP frames are always 106.")
    int length;

    @Option(names = "--stamp-dst", paramLabel = "ADDR", description = "IPv6 destination of the STAMP frames.")
    String stampDst;

    @Option(names = "--stamp-port", defaultValue = "862", paramLabel = "N",
            description = "UDP destination port of the STAMP frames (default ${DEFAULT-VALUE}).")
    int stampPort;

    @Option(names = "--stamp-src-port", paramLabel = "N",
            description = "UDP source port of the STAMP frames (default: 10862 for sender, 862 for reflector packets).")
    Integer stampSrcPort;

    @Option(names = "--stamp-share", defaultValue = "0", paramLabel = "PCT",
            description = "Share of STAMP frames in percent, 0-100, resolution 0.0001 (default ${DEFAULT-VALUE}).")
    String stampShare;

    @Option(names = "--stamp-kind", defaultValue = "sender", paramLabel = "KIND",
            description = "sender: Session-Sender packets to a reflector; reflector: Session-Reflector packets to a"
                    + " sender session (default ${DEFAULT-VALUE}).")
    String stampKind;

    @Option(names = "--ssid", defaultValue = "1", paramLabel = "N", description = "SSID of the STAMP frames (default ${DEFAULT-VALUE}).")
    int ssid;

    @Option(names = "--hop-limit", defaultValue = "64", paramLabel = "N", description = "IPv6 hop limit (default ${DEFAULT-VALUE}).")
    int hopLimit;

    @ArgGroup(exclusive = true, multiplicity = "1")
    Pace pace;

    static final class Pace {
        @Option(names = "--rate", paramLabel = "PPS", description = "Frames per second, 1-100000000.")
        Long rate;

        @Option(names = "--unpaced", description = "As fast as the program and the device go.")
        boolean unpaced;
    }

    @ArgGroup(exclusive = true, multiplicity = "1")
    Amount amount;

    static final class Amount {
        @Option(names = "--count", paramLabel = "N", description = "Frames to send, 1-2147483647.")
        Long count;

        @Option(names = "--duration", converter = Durations.class, paramLabel = "DURATION",
                description = "Send rate x DURATION frames (needs --rate).")
        Long durationNanos;
    }

    @Option(names = "--batch", defaultValue = "0", paramLabel = "N",
            description = "live-frames: frames per BPF_PROG_RUN batch, 1-256; the device gets them at the end of each"
                    + " batch (default: what falls due in 20 us, 1-16; 16 unpaced). tc-clone: frames per trigger"
                    + " (default: what falls due in 100 us, 1-128; 128 unpaced).")
    int batch;

    @Option(names = "--method", defaultValue = "auto", paramLabel = "METHOD",
            description = "auto (default: live-frames where the kernel permits them, else tc-clone), live-frames"
                    + " or tc-clone.")
    String method;

    @Option(names = "--json", description = "Print one JSON object instead of the summary line.")
    boolean json;

    @Override
    public Integer call() {
        TrafficConfig config = buildConfig();
        SendMethod forced = parseMethod();
        long rate = pace.unpaced ? 0 : pace.rate;
        long frames = frames(rate);
        TrialResult r;
        String reason;
        try (TrafficGenerator gen = TrafficGenerator.open(forced)) {
            reason = gen.methodReason();
            gen.configure(config);
            r = gen.run(frames, rate);
        }
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("dev", dev);
            m.put("requested", r.requested());
            m.put("built", r.built());
            m.put("data", r.data());
            m.put("stamp", r.stamp());
            m.put("errors", r.errors());
            m.put("rate_pps", r.ratePps());
            m.put("wall_s", r.wallNanos() / 1e9);
            m.put("span_s", r.spanNanos() / 1e9);
            m.put("achieved_pps", Math.round(r.achievedPps()));
            m.put("resyncs", r.resyncs());
            m.put("interrupted", r.interrupted());
            m.put("method", r.method().toString());
            m.put("method_reason", reason);
            out.println(Json.object(m));
        } else {
            out.println(String.format(Locale.ROOT,
                    "trafgen %s: %d frames built (%d data, %d STAMP, %d errors) of %d in %.6f s (first to last"
                            + " frame %.6f s): %.0f pps (%s)%s%s; sent with %s (%s)",
                    dev, r.built(), r.data(), r.stamp(), r.errors(), r.requested(), r.wallNanos() / 1e9,
                    r.spanNanos() / 1e9, r.achievedPps(), rate == 0 ? "unpaced" : "requested " + rate + " pps",
                    r.resyncs() > 0 ? ", " + r.resyncs() + " pacing restarts after stalls" : "",
                    r.interrupted() ? ", interrupted" : "", r.method(), reason));
        }
        out.flush();
        return r.built() > 0 && r.errors() == 0 ? 0 : 1;
    }

    private long frames(long rate) {
        if (amount.count != null) {
            if (amount.count < 1 || amount.count > TrafficGenerator.MAX_FRAMES) {
                throw new ParameterException(spec.commandLine(), "--count must be from 1 to "
                        + TrafficGenerator.MAX_FRAMES + ", got " + amount.count);
            }
            return amount.count;
        }
        if (rate == 0) {
            throw new ParameterException(spec.commandLine(), "--duration needs --rate (with --unpaced give --count)");
        }
        BigDecimal n = BigDecimal.valueOf(rate).multiply(BigDecimal.valueOf(amount.durationNanos))
                .divide(BigDecimal.valueOf(1_000_000_000L), 0, java.math.RoundingMode.HALF_UP);
        if (n.signum() <= 0 || n.compareTo(BigDecimal.valueOf(TrafficGenerator.MAX_FRAMES)) > 0) {
            throw new ParameterException(spec.commandLine(), "--duration: rate x duration must be from 1 to "
                    + TrafficGenerator.MAX_FRAMES + " frames, got " + n);
        }
        return n.longValueExact();
    }

    private TrafficConfig buildConfig() {
        try {
            if (pace.rate != null && (pace.rate < TrafficGenerator.MIN_RATE_PPS || pace.rate > TrafficGenerator.MAX_RATE_PPS)) {
                throw new IllegalArgumentException("--rate must be from " + TrafficGenerator.MIN_RATE_PPS + " to "
                        + TrafficGenerator.MAX_RATE_PPS + " frames per second, got " + pace.rate);
            }
            TrafficConfig.Builder b = TrafficConfig.builder()
                    .device(dev)
                    .destinationMac(parseMac(dstMac, "--dst-mac"))
                    .sourceMac(srcMac == null ? null : parseMac(srcMac, "--src-mac"))
                    .source(Ipv6Addresses.parseUnicast(src, "--src"))
                    .dataDestination(Ipv6Addresses.parseUnicast(dataDst, "--data-dst"))
                    .dataPort(dataPort).dataSourcePort(dataSrcPort).flows(flows).frameLength(length)
                    .stampDestination(stampDst == null ? null : Ipv6Addresses.parseUnicast(stampDst, "--stamp-dst"))
                    .stampPort(stampPort)
                    .stampPpm(parseSharePpm(stampShare))
                    .stampKind(parseKind(stampKind))
                    .ssid(ssid).hopLimit(hopLimit).batchSize(batch);
            if (stampSrcPort != null) {
                b.stampSourcePort(stampSrcPort);
            }
            return b.build();
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), Options.nameIn(e.getMessage(),
                    "destination MAC", "--dst-mac", "source MAC", "--src-mac", "device", "--dev",
                    "data source port", "--data-src-port", "data port", "--data-port", "flows", "--flows",
                    "frame length", "--length", "STAMP source port", "--stamp-src-port", "STAMP port", "--stamp-port",
                    "STAMP share", "--stamp-share", "STAMP destination", "--stamp-dst", "STAMP kind", "--stamp-kind",
                    "hop limit", "--hop-limit", "batch size", "--batch"));
        }
    }

    /** null for auto. */
    private SendMethod parseMethod() {
        if (method.trim().equalsIgnoreCase("auto")) {
            return null;
        }
        try {
            return SendMethod.parse(method);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), "--method must be auto, live-frames or tc-clone, got '"
                    + method + "'");
        }
    }

    private static int parseSharePpm(String text) {
        BigDecimal pct;
        try {
            pct = new BigDecimal(text.trim());
        } catch (NumberFormatException e) {
            pct = null;
        }
        if (pct == null || pct.signum() < 0 || pct.compareTo(BigDecimal.valueOf(100)) > 0 || pct.scale() > 4) {
            throw new IllegalArgumentException("--stamp-share must be a number from 0 to 100 (percent, at most 4"
                    + " decimals), got '" + text + "'");
        }
        return pct.movePointRight(4).intValueExact();
    }

    private static StampKind parseKind(String text) {
        try {
            return StampKind.parse(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--stamp-kind must be sender or reflector, got '" + text + "'");
        }
    }

    /** "aa:bb:cc:dd:ee:ff" (or with '-') into 6 octets. */
    static byte[] parseMac(String text, String option) {
        String t = text.trim();
        if (!t.matches("[0-9A-Fa-f]{2}([:-][0-9A-Fa-f]{2}){5}")) {
            throw new IllegalArgumentException(option + ": '" + text + "' is not a MAC address (aa:bb:cc:dd:ee:ff)");
        }
        return HexFormat.of().parseHex(t.replaceAll("[:-]", ""));
    }
}
