package io.stampd.tools;

import io.stampd.dataplane.DataPlane;
import io.stampd.dataplane.DataPlaneCounters;
import io.stampd.dataplane.ReflectorCounters;
import io.stampd.dataplane.ReflectorHandle;
import io.stampd.dataplane.codec.HexKey;
import io.stampd.dataplane.codec.TimestampFormat;
import io.stampd.dataplane.node.NodeDataPlane;
import io.stampd.dataplane.session.ClassOfServicePolicy;
import io.stampd.dataplane.session.Ipv6Addresses;
import io.stampd.dataplane.session.PeerAddresses;
import io.stampd.dataplane.session.RateLimit;
import io.stampd.dataplane.session.ReflectorSessionConfig;
import java.io.PrintWriter;
import java.net.Inet6Address;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** A Session-Reflector for one provisioned session, running until interrupted. */
@Command(name = "reflect", mixinStandardHelpOptions = true,
        description = "Answer STAMP test packets of one session until interrupted (SIGINT/SIGTERM).")
final class ReflectCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    DataPlaneOptions plane;

    @Option(names = "--port", paramLabel = "PORT", defaultValue = "862", description = "UDP port to listen on (default ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--source", paramLabel = "ADDR",
            description = "Reflector address the test packets must be sent to (default: any local address).")
    String source;

    @Option(names = "--sender", paramLabel = "ADDR", description = "Accept test packets only from this sender address (IPv6, or IPv4 on the socket data plane).")
    String sender;

    @Option(names = "--sender-port", paramLabel = "PORT", defaultValue = "0", description = "Accept test packets only from this UDP port (default: any).")
    int senderPort;

    @Option(names = "--ssid", paramLabel = "N", description = "Accept only this SSID (default: any).")
    Integer ssid;

    @Option(names = "--return-segments", paramLabel = "S1,S2,..",
            description = "SRv6 return path, first hop first, ending at the sender.")
    String returnSegments;

    @Option(names = "--stateful", description = "Number replies with the reflector's own counter (forward/backward loss).")
    boolean stateful;

    @Option(names = "--timestamp", defaultValue = "ntp", paramLabel = "ntp|ptp", description = "Timestamp format (default ${DEFAULT-VALUE}).")
    String timestamp;

    @Option(names = "--key", paramLabel = "HEX", description = "HMAC-SHA-256 key in hex: authenticated mode.")
    String key;

    @Option(names = "--accept-short", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "Answer test packets shorter than the 44-octet STAMP base packet (at least 14 octets),"
                    + " as TWAMP-Light senders send them (RFC 8762 section 4.6), with a 44-octet reply (on by default;"
                    + " unauthenticated mode only).")
    boolean acceptShort;

    @Option(names = "--reply-dscp", paramLabel = "0-63",
            description = "DSCP of the replies (default: the DSCP each test packet arrived with).")
    Integer replyDscp;

    @Option(names = "--refuse-cos-dscp", description = "Do not let a Class of Service TLV choose the replies' DSCP"
            + " (the reply says RPD=1).")
    boolean refuseCosDscp;

    @Option(names = "--refuse-cos-ecn", description = "Do not let a Class of Service TLV choose the replies' ECN"
            + " (the reply is Not-ECT and says RPE=0b10).")
    boolean refuseCosEcn;

    @Option(names = "--rate-limit", paramLabel = "PPS[/BURST]",
            description = "Answer at most PPS test packets per second, up to BURST at once (default burst 10);"
                    + " packets over it are dropped and counted (default: unlimited).")
    String rateLimit;

    @Option(names = "--per-source-limit", paramLabel = "PPS[/BURST]",
            description = "Answer at most PPS test packets per second per source address, up to BURST at once"
                    + " (default burst 10); packets over it are dropped and counted (default: unlimited).")
    String perSourceLimit;

    @Option(names = "--busy-poll", description = "Poll the socket without sleeping: lowest and steadiest"
            + " reflection latency (T2 to the wire), at the cost of one CPU kept busy.")
    boolean busyPoll;

    @Option(names = "--json", description = "Print status as JSON objects.")
    boolean json;

    @Option(names = "--stats-interval", paramLabel = "DURATION", defaultValue = "0s", converter = Durations.class,
            description = "Also print the running counters this often, e.g. 100ms (default: only at exit).")
    long statsIntervalNanos;

    @Override
    public Integer call() throws Exception {
        ReflectorSessionConfig config = buildConfig();
        RateLimit perSource = limit(perSourceLimit, "--per-source-limit");
        plane.checkIpv4(plane.settings(), config.senderAddress(), "--sender");
        plane.checkIpv4(plane.settings(), config.reflectorAddress(), "--source");
        PrintWriter out = spec.commandLine().getOut();
        CountDownLatch stop = new CountDownLatch(1);
        CountDownLatch stopped = new CountDownLatch(1);
        DataPlane dp = NodeDataPlane.open(plane.settings(), 32, busyPoll ? Long.MAX_VALUE : 0);
        ReflectorHandle h;
        try {
            if (perSource != null) {
                dp.sourceRateLimit(perSource);
            }
            h = dp.startReflector(config);
        } catch (RuntimeException e) {
            dp.close();
            throw e;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            stop.countDown();
            try {
                stopped.await();
            } catch (InterruptedException ignored) {
                Thread.currentThread().interrupt();
            }
        }));
        if (json) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("type", "ready");
            m.put("port", port);
            m.put("data_plane", dp.name());
            m.put("session", config.toString());
            out.println(Json.object(m));
        } else {
            out.printf(Locale.ROOT, "reflecting on %s: %s%n", PeerAddresses.withPort(config.reflectorAddress(), port),
                    config);
        }
        out.flush();
        if (statsIntervalNanos > 0) {
            while (!stop.await(statsIntervalNanos, TimeUnit.NANOSECONDS)) {
                printCounters(out, "counters", h.counters(), dp.counters(), dp.programCounters());
            }
        } else {
            stop.await();
        }
        ReflectorCounters c = h.counters();
        DataPlaneCounters d = dp.counters();
        Map<String, Long> programs = dp.programCounters();
        dp.close();
        printCounters(out, "summary", c, d, programs);
        stopped.countDown();
        return 0;
    }

    /** One line of counters; {@code type} says whether it is a running ("counters") or the final ("summary") one. */
    private void printCounters(PrintWriter out, String type, ReflectorCounters c, DataPlaneCounters d,
                               Map<String, Long> programs) {
        if (json) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("type", type);
            m.put("received", c.received());
            m.put("reflected", c.reflected());
            m.put("in_kernel", c.inKernel());
            m.put("rejected", c.rejected());
            m.put("rate_limited", c.rateLimited());
            m.put("source_rate_limited", d.sourceRateLimited());
            m.put("unmatched", d.unmatched());
            m.put("malformed", d.malformed());
            m.put("send_errors", d.sendErrors());
            m.put("user_space_rx_timestamps", d.userSpaceRxTimestamps());
            if (!programs.isEmpty()) {
                m.put("programs", new LinkedHashMap<String, Object>(programs));
            }
            out.println(Json.object(m));
        } else {
            out.printf(Locale.ROOT, "%d received, %d reflected, %d rejected (HMAC), %d rate limited, %d over the"
                    + " per-source limit; %d unmatched, %d malformed, %d send errors, %d user-space receive timestamps%n",
                    c.received(), c.reflected(), c.rejected(), c.rateLimited(), d.sourceRateLimited(), d.unmatched(),
                    d.malformed(), d.sendErrors(), d.userSpaceRxTimestamps());
            if (c.inKernel() > 0 || !programs.isEmpty()) {
                out.printf(Locale.ROOT, "%d answered in the kernel; programs: %s%n", c.inKernel(), programs);
            }
        }
        out.flush();
    }

    /** {@code text} (PPS or PPS/BURST) of option {@code name}, or null when not given. */
    private RateLimit limit(String text, String name) {
        try {
            return text == null ? null : RateLimit.parse(text, name);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
    }

    private ReflectorSessionConfig buildConfig() {
        try {
            List<Inet6Address> path = Ipv6Addresses.parseSegments(returnSegments, "--return-segments");
            Inet6Address senderAddr = sender == null ? null : PeerAddresses.parseUnicast(sender, "--sender");
            Inet6Address reflectorAddr = source == null ? null : PeerAddresses.parseUnicast(source, "--source");
            if (senderAddr != null && reflectorAddr != null
                    && PeerAddresses.isIpv4(senderAddr) != PeerAddresses.isIpv4(reflectorAddr)) {
                throw new IllegalArgumentException("--sender " + sender.trim() + " is "
                        + PeerAddresses.family(senderAddr) + " but --source " + source.trim() + " is "
                        + PeerAddresses.family(reflectorAddr) + "; both must be of the same IP version");
            }
            if (!path.isEmpty() && ((senderAddr != null && PeerAddresses.isIpv4(senderAddr))
                    || (reflectorAddr != null && PeerAddresses.isIpv4(reflectorAddr)))) {
                throw new IllegalArgumentException("--return-segments cannot serve an IPv4 session (--sender or"
                        + " --source is IPv4): SRv6 segments are IPv6");
            }
            return new ReflectorSessionConfig(1, ssid == null ? ReflectorSessionConfig.ANY_SSID : ssid,
                    senderAddr, senderPort, reflectorAddr,
                    port, path, TimestampFormat.parse(timestamp), stateful, key == null ? null : HexKey.parse(key),
                    acceptShort, new ClassOfServicePolicy(replyDscp == null ? ClassOfServicePolicy.COPY_RECEIVED
                            : replyDscp, !refuseCosDscp, !refuseCosEcn), limit(rateLimit, "--rate-limit"));
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), Options.nameIn(e.getMessage(), "sender port", "--sender-port",
                    "reply DSCP", "--reply-dscp"));
        }
    }
}
