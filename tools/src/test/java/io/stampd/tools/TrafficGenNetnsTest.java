package io.stampd.tools;

import io.stampd.dataplane.bench.SendMethod;
import io.stampd.dataplane.bench.StampKind;
import io.stampd.dataplane.bench.TrafficConfig;
import io.stampd.dataplane.bench.TrafficGenerator;
import io.stampd.dataplane.bench.TrialResult;
import io.stampd.dataplane.bench.XdpSink;
import io.stampd.sys.bpf.NetInterfaces;
import io.stampd.sys.bpf.NetNamespace;
import io.stampd.sys.bpf.Tc;
import io.stampd.sys.bpf.Xdp;
import io.stampd.tools.testing.TestEnv;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The traffic generator and the XDP sink in two real namespaces joined by a veth pair: the sink
 * counts exactly what the generator reports sent, the STAMP share is exact and counted apart,
 * and the STAMP frames are valid for the kernel's UDP stack and for a real reflector. These run
 * with whichever send method {@link TrafficGenerator#open()} picks here; the tc-clone tests force
 * the method that needs no live frames (frames of two lengths in one buffer, data checksums, the
 * filter's life cycle).
 */
@Tag("netns")
class TrafficGenNetnsTest {
    private static final String GEN_OBJECT = "/io/stampd/ebpf/traffic_gen.bpf.o";
    private static final String GEN_TC_OBJECT = "/io/stampd/ebpf/traffic_gen_tc.bpf.o";
    private static final String SINK_OBJECT = "/io/stampd/ebpf/xdp_sink.bpf.o";
    private static final long NTP_UNIX_OFFSET_S = 2_208_988_800L;

    private static Inet6Address addr(String text) {
        return (Inet6Address) InetAddress.ofLiteral(text);
    }

    private static TrafficConfig.Builder config(GenSinkNamespaces n, String peerMac) {
        return TrafficConfig.builder().namespace(n.genNs).device(n.genDev)
                .destinationMac(HexFormat.ofDelimiter(":").parseHex(peerMac))
                .source(addr(GenSinkNamespaces.GEN_ADDR)).dataDestination(addr(GenSinkNamespaces.SINK_ADDR))
                .stampDestination(addr(GenSinkNamespaces.SINK_ADDR));
    }

    /** Sink counted {@code delivered} of {@code sent}: exact, or at most 0.5 % short when the veth reports drops. */
    private static void assertDelivered(long sent, long delivered, long vethDrops, String what) {
        long lost = sent - delivered;
        assertTrue(lost >= 0, what + ": the sink counted " + delivered + " frames, more than the " + sent + " sent");
        if (lost > 0) {
            assertTrue(vethDrops >= lost && lost <= sent / 200, what + ": " + lost + " of " + sent
                    + " frames lost, the veth pair reports " + vethDrops + " drops");
        }
    }

    @Test
    void sinkCountsExactlyWhatTheGeneratorSent() throws Exception {
        TestEnv.requireNetns(GEN_OBJECT, GEN_TC_OBJECT, SINK_OBJECT);
        GenSinkNamespaces n = GenSinkNamespaces.create();
        try (n) {
            // The generator's own veth gets a sink through the CLI (its NAPI must be on for the
            // replies of other tests); the sink side through the Java API, in its namespace.
            n.exec(n.genNs, n.stampd(), "xdp-sink", "attach", "--dev", n.genDev).requireSuccess();
            XdpSink sink = NetNamespace.callIn(n.sinkNs, () -> XdpSink.attach(n.sinkDev, Xdp.Mode.NATIVE, 862));
            String peerMac = n.mac(n.sinkNs, n.sinkDev);

            SendMethod method;
            try (TrafficGenerator gen = TrafficGenerator.open()) {
                method = gen.method();
                System.out.println("trafgen sends with " + method + ": " + gen.methodReason());
                gen.configure(config(n, peerMac).stampPercent(1).flows(16).build());
                XdpSink.Counts before = sink.counts();
                long dropsBefore = n.vethDrops();
                TrialResult paced = gen.run(100_000, 200_000);
                XdpSink.Counts got = settle(sink).minus(before);
                long drops = n.vethDrops() - dropsBefore;
                System.out.printf("trafgen paced 200 kpps: %s, %.0f pps achieved, sink %s, veth drops %d%n",
                        paced, paced.achievedPps(), got, drops);
                assertEquals(method, paced.method());
                assertFalse(paced.interrupted());
                assertEquals(100_000, paced.built());
                assertEquals(0, paced.errors());
                assertEquals(1_000, paced.stamp(), "1 % of 100,000 frames, exactly");
                assertEquals(99_000, paced.data());
                assertDelivered(paced.sent(), got.packets(), drops, "paced run");
                assertEquals(paced.stamp(), got.portPackets(), "STAMP frames counted apart at port 862");
                assertEquals(got.packets() - got.portPackets(), got.bytes() / 106 - got.portPackets(),
                        "every frame is 106 octets");
                // 100,000 frames at 200 kpps take 0.5 s; loose bounds (VM timing is noisy).
                assertTrue(paced.wallNanos() > 150_000_000L && paced.wallNanos() < 1_500_000_000L,
                        "paced run took " + paced.wallNanos() / 1e6 + " ms for 0.5 s of frames");
                assertTrue(paced.spanNanos() > 150_000_000L && paced.spanNanos() < 1_500_000_000L,
                        "first to last frame took " + paced.spanNanos() / 1e6 + " ms for 0.5 s of frames");

                // The same loaded program again, unpaced, as the trials of a search run it.
                before = sink.counts();
                dropsBefore = n.vethDrops();
                TrialResult unpaced = gen.run(300_000, 0);
                got = settle(sink).minus(before);
                drops = n.vethDrops() - dropsBefore;
                System.out.printf("trafgen unpaced: %s, %.2f Mpps achieved, sink %s, veth drops %d%n",
                        unpaced, unpaced.achievedPps() / 1e6, got, drops);
                assertEquals(300_000, unpaced.built());
                assertEquals(3_000, unpaced.stamp());
                assertDelivered(unpaced.sent(), got.packets(), drops, "unpaced run");
            }

            // The CLI: a run at the given rate, counted by 'xdp-sink show'.
            XdpSink.Counts before = sink.counts();
            GenSinkNamespaces.Result cli = n.exec(n.genNs, n.stampd(), "trafgen", "--dev", n.genDev,
                    "--dst-mac", peerMac, "--src", GenSinkNamespaces.GEN_ADDR, "--data-dst", GenSinkNamespaces.SINK_ADDR,
                    "--stamp-dst", GenSinkNamespaces.SINK_ADDR, "--stamp-share", "0.5", "--length", "200",
                    "--rate", "100000", "--count", "20000", "--json").requireSuccess();
            assertTrue(cli.stdout().contains("\"built\":20000,\"data\":19900,\"stamp\":100,\"errors\":0"), cli.stdout());
            assertTrue(cli.stdout().contains("\"method\":\"" + method + "\""), cli.stdout());
            Map<String, String> shown = n.exec(n.sinkNs, n.stampd(), "xdp-sink", "show", "--dev", n.sinkDev)
                    .requireSuccess().keyValues();
            assertEquals("native", shown.get("MODE"));
            assertEquals("862", shown.get("PORT"));
            assertEquals(before.packets() + 20_000, Long.parseLong(shown.get("PACKETS")), shown.toString());
            assertEquals(before.portPackets() + 100, Long.parseLong(shown.get("PORT_PACKETS")), shown.toString());
            assertEquals(before.bytes() + 19_900 * 200 + 100 * 106, Long.parseLong(shown.get("BYTES")));

            n.exec(n.sinkNs, n.stampd(), "xdp-sink", "detach", "--dev", n.sinkDev).requireSuccess();
            GenSinkNamespaces.Result gone = n.exec(n.sinkNs, n.stampd(), "xdp-sink", "show", "--dev", n.sinkDev);
            assertEquals(1, gone.exitCode());
            assertTrue(gone.stderr().contains("no xdp_sink XDP program is attached to " + n.sinkDev), gone.stderr());
        }
        assertFalse(n.anyLeft(), "namespaces left behind");
    }

    /** Skips (fails under CI=true) without ethtool, which the tests without an XDP sink need for GRO. */
    private static void requireEthtool() {
        if (!GenSinkNamespaces.hasEthtool()) {
            String what = "ethtool (to turn on GRO, so the sink veth's NAPI takes redirected frames without XDP)";
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                throw new AssertionError("missing " + what);
            }
            Assumptions.abort("missing " + what);
        }
    }

    @Test
    void stampFramesPassTheKernelChecksAndARealReflector() throws Exception {
        TestEnv.requireNetns(GEN_OBJECT, GEN_TC_OBJECT, SINK_OBJECT);
        requireEthtool();
        try (GenSinkNamespaces n = GenSinkNamespaces.create();
             TrafficGenerator gen = TrafficGenerator.open()) {
            // No XDP on the sink side: the frames go up its stack. GRO turns on the veth's NAPI.
            n.exec(n.sinkNs, "ethtool", "-K", n.sinkDev, "gro", "on").requireSuccess();
            n.exec(n.genNs, n.stampd(), "xdp-sink", "attach", "--dev", n.genDev, "--port", "10862").requireSuccess();
            String peerMac = n.mac(n.sinkNs, n.sinkDev);
            long csumErrorsBefore = n.snmp6(n.sinkNs, "Udp6InCsumErrors");

            // 1. A plain UDP socket bound in the sink namespace receives all 50 Session-Sender packets.
            DatagramChannel socket = NetNamespace.callIn(n.sinkNs, () -> DatagramChannel.open()
                    .bind(new InetSocketAddress(addr(GenSinkNamespaces.SINK_ADDR), 862)));
            try (socket) {
                socket.configureBlocking(false);
                gen.configure(config(n, peerMac).stampPpm(TrafficConfig.PPM).ssid(7).build());
                TrialResult r = gen.run(50, 1_000);
                assertEquals(50, r.stamp());
                long unixNow = System.currentTimeMillis() / 1000;
                List<ByteBuffer> received = receive(socket, 50, 3_000);
                assertEquals(50, received.size(), "Session-Sender packets received by the socket");
                for (int i = 0; i < received.size(); i++) {
                    ByteBuffer p = received.get(i);
                    assertEquals(44, p.remaining(), "unauthenticated base packet");
                    assertEquals(i, p.getInt(0), "sequence number");
                    long seconds = Integer.toUnsignedLong(p.getInt(4)) - NTP_UNIX_OFFSET_S;
                    assertTrue(Math.abs(seconds - unixNow) <= 5, "NTP timestamp " + seconds + " vs now " + unixNow);
                    assertEquals(TrafficConfig.ERROR_ESTIMATE, p.getShort(12), "error estimate");
                    assertEquals(0, p.getShort(12) & 0x8000, "S bit: not synchronised");
                    assertEquals(7, p.getShort(14), "SSID");
                    for (int octet = 16; octet < 44; octet++) {
                        assertEquals(0, p.get(octet), "MBZ octet " + octet);
                    }
                }
            }

            // 2. A real stampd reflector answers all 50; the replies are counted by the generator's sink.
            Process reflector = n.start(n.sinkNs, n.stampd(), "reflect", "--source", GenSinkNamespaces.SINK_ADDR,
                    "--json");
            BufferedReader out = new BufferedReader(new InputStreamReader(reflector.getInputStream(),
                    StandardCharsets.UTF_8));
            String ready = CompletableFuture.supplyAsync(() -> readLine(out)).get(60, TimeUnit.SECONDS);
            assertTrue(ready != null && ready.contains("\"ready\""), "reflector did not start: " + ready);
            XdpSink genSink = NetNamespace.callIn(n.genNs, () -> XdpSink.find(n.genDev).orElseThrow());
            XdpSink.Counts before = genSink.counts();
            TrialResult r = gen.run(50, 1_000);
            assertEquals(50, r.stamp());
            long deadline = System.nanoTime() + 5_000_000_000L;
            while (genSink.counts().minus(before).portPackets() < 50 && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertEquals(50, genSink.counts().minus(before).portPackets(), "reflected replies counted by the sink");
            // SIGTERM: the reflector prints its summary and exits. ProcessHandle.destroy keeps our
            // pipes open (Process.destroy would close them before we read the summary).
            reflector.toHandle().destroy();
            String summary = CompletableFuture.supplyAsync(() -> lastLine(out)).get(30, TimeUnit.SECONDS);
            Matcher m = Pattern.compile("\"received\":(\\d+),\"reflected\":(\\d+).*\"malformed\":(\\d+)")
                    .matcher(summary);
            assertTrue(m.find(), "no reflector summary: " + summary);
            assertEquals("50", m.group(1), summary);
            assertEquals("50", m.group(2), summary);
            assertEquals("0", m.group(3), summary);

            assertEquals(csumErrorsBefore, n.snmp6(n.sinkNs, "Udp6InCsumErrors"), "UDP checksum errors");
            assertEquals(0, n.snmp6(n.sinkNs, "Udp6InErrors"));
        }
    }

    /**
     * tc-clone, forced: data frames of 300 octets and STAMP frames of 106 take turns in one buffer
     * (shrunk and grown again by the program), so the kernel's UDP stack on the sink side checks
     * every data checksum (no socket on the data port: Udp6NoPorts counts them after the check) and
     * a socket gets every STAMP packet in sequence. Paced at 20 kpps, the run keeps its rate.
     */
    @Test
    void tcCloneFramesOfTwoLengthsPassTheKernelChecks() throws Exception {
        TestEnv.requireNetns(GEN_OBJECT, GEN_TC_OBJECT, SINK_OBJECT);
        requireEthtool();
        try (GenSinkNamespaces n = GenSinkNamespaces.create();
             TrafficGenerator gen = TrafficGenerator.open(SendMethod.TC_CLONE)) {
            assertEquals(SendMethod.TC_CLONE, gen.method());
            assertEquals("asked for", gen.methodReason());
            n.exec(n.sinkNs, "ethtool", "-K", n.sinkDev, "gro", "on").requireSuccess();
            String peerMac = n.mac(n.sinkNs, n.sinkDev);
            long csumErrors = n.snmp6(n.sinkNs, "Udp6InCsumErrors");
            long noPorts = n.snmp6(n.sinkNs, "Udp6NoPorts");
            DatagramChannel socket = NetNamespace.callIn(n.sinkNs, () -> DatagramChannel.open()
                    .bind(new InetSocketAddress(addr(GenSinkNamespaces.SINK_ADDR), 862)));
            try (socket) {
                socket.configureBlocking(false);
                gen.configure(config(n, peerMac).frameLength(300).flows(8).stampPercent(2.5).ssid(9).build());
                TrialResult r = gen.run(4_000, 20_000);
                System.out.printf("trafgen tc-clone 20 kpps, 300/106 octets: %s, %.0f pps achieved%n", r,
                        r.achievedPps());
                assertEquals(SendMethod.TC_CLONE, r.method());
                assertEquals(4_000, r.built());
                assertEquals(100, r.stamp());
                assertEquals(0, r.errors());
                // Never faster than asked; as fast unless a stalled CPU restarted the schedule (busy VM).
                assertTrue(r.achievedPps() < 20_000 * 1.02, "paced rate " + r.achievedPps());
                if (r.resyncs() == 0) {
                    assertEquals(20_000, r.achievedPps(), 20_000 * 0.02, "paced rate without stalls");
                }
                // 100 datagrams fit the socket's default receive buffer (read after the run).
                List<ByteBuffer> received = receive(socket, 100, 5_000);
                assertEquals(100, received.size(), "STAMP packets received by the socket");
                for (int i = 0; i < received.size(); i++) {
                    assertEquals(44, received.get(i).remaining());
                    assertEquals(i, received.get(i).getInt(0), "sequence number");
                    assertEquals(9, received.get(i).getShort(14), "SSID");
                }
                // Another run: the sequence goes on.
                TrialResult again = gen.run(400, 20_000);
                assertEquals(10, again.stamp());
                List<ByteBuffer> more = receive(socket, 10, 5_000);
                assertEquals(10, more.size());
                assertEquals(100, more.get(0).getInt(0), "sequence number after the first run");
            }
            long deadline = System.nanoTime() + 5_000_000_000L;
            while (n.snmp6(n.sinkNs, "Udp6NoPorts") - noPorts < 3_900 + 390 && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertEquals(3_900 + 390, n.snmp6(n.sinkNs, "Udp6NoPorts") - noPorts,
                    "data frames that reached UDP with a valid checksum");
            assertEquals(csumErrors, n.snmp6(n.sinkNs, "Udp6InCsumErrors"), "UDP checksum errors");
        }
    }

    /**
     * The TC filter's life cycle: configure attaches it to the device's egress hook (and moves it
     * when configured for another device), close removes it and the clsact qdisc it added. A filter left by a generator that was never closed is
     * replaced by the next one; the two programs act only on their own triggers, and closing the
     * old generator later leaves the new one's filter alone.
     */
    @Test
    void tcCloneFilterIsReplacedWhenLeftAndRemovedOnClose() throws Exception {
        TestEnv.requireNetns(GEN_OBJECT, GEN_TC_OBJECT, SINK_OBJECT);
        try (GenSinkNamespaces n = GenSinkNamespaces.create()) {
            XdpSink sink = NetNamespace.callIn(n.sinkNs, () -> XdpSink.attach(n.sinkDev, Xdp.Mode.NATIVE, 862));
            String peerMac = n.mac(n.sinkNs, n.sinkDev);
            int ifindex = NetNamespace.callIn(n.genNs, () -> NetInterfaces.indexOf(n.genDev));
            Tc.Filter place = new Tc.Filter(ifindex, Tc.Hook.EGRESS, 0x7467, 1);
            TrafficConfig c = config(n, peerMac).stampPercent(1).build();

            try (TrafficGenerator gen = TrafficGenerator.open(SendMethod.TC_CLONE)) {
                gen.configure(c);
                assertTrue(NetNamespace.callIn(n.genNs, () -> Tc.attachedProgramId(place)) > 0, "no filter");
                assertTrue(qdiscs(n).contains("clsact"), qdiscs(n));
                assertEquals(1_000, gen.run(1_000, 0).built());
                // Configured for another device (the other end, in the other namespace): the filter moves.
                int sinkIfindex = NetNamespace.callIn(n.sinkNs, () -> NetInterfaces.indexOf(n.sinkDev));
                Tc.Filter sinkPlace = new Tc.Filter(sinkIfindex, Tc.Hook.EGRESS, 0x7467, 1);
                gen.configure(c.toBuilder().namespace(n.sinkNs).device(n.sinkDev)
                        .destinationMac(HexFormat.ofDelimiter(":").parseHex(n.mac(n.genNs, n.genDev))).build());
                assertEquals(0, NetNamespace.callIn(n.genNs, () -> Tc.attachedProgramId(place)), "filter left behind");
                assertTrue(NetNamespace.callIn(n.sinkNs, () -> Tc.attachedProgramId(sinkPlace)) > 0, "no filter");
                gen.configure(c);
                assertEquals(0, NetNamespace.callIn(n.sinkNs, () -> Tc.attachedProgramId(sinkPlace)), "filter left");
                assertEquals(1_000, gen.run(1_000, 0).built());
            }
            assertEquals(0, NetNamespace.callIn(n.genNs, () -> Tc.attachedProgramId(place)), "filter left on close");
            assertFalse(qdiscs(n).contains("clsact"), "clsact qdisc left on close: " + qdiscs(n));

            TrafficGenerator left = TrafficGenerator.open(SendMethod.TC_CLONE);
            TrafficGenerator next = null;
            try {
                left.configure(c);
                int leftId = NetNamespace.callIn(n.genNs, () -> Tc.attachedProgramId(place));
                next = TrafficGenerator.open(SendMethod.TC_CLONE);
                next.configure(c);
                int nextId = NetNamespace.callIn(n.genNs, () -> Tc.attachedProgramId(place));
                assertTrue(leftId > 0 && nextId > 0 && nextId != leftId, "the left filter (program " + leftId
                        + ") was not replaced: " + nextId);

                // The left generator's triggers pass the new program untouched: it gives up.
                TrafficGenerator stale = left;
                long builtBefore = next.counters().built();
                IllegalStateException e = assertThrows(IllegalStateException.class,
                        () -> stale.run(10, 0));
                assertTrue(e.getMessage().contains("sent no frame"), e.getMessage());
                assertEquals(builtBefore, next.counters().built(), "a program acted on another generator's triggers");

                left.close();
                assertEquals(nextId, NetNamespace.callIn(n.genNs, () -> Tc.attachedProgramId(place)),
                        "closing the replaced generator removed the new filter");
                XdpSink.Counts before = sink.counts();
                TrialResult r = next.run(10_000, 100_000);
                assertEquals(10_000, r.built());
                assertEquals(10_000, settle(sink).minus(before).packets());
            } finally {
                left.close();
                if (next != null) {
                    next.close();
                }
            }
            assertEquals(0, NetNamespace.callIn(n.genNs, () -> Tc.attachedProgramId(place)), "filter left on close");
        }
    }

    private static String qdiscs(GenSinkNamespaces n) {
        return n.exec(n.genNs, "tc", "qdisc", "show", "dev", n.genDev).requireSuccess().stdout();
    }

    /** Settled sink counts: read until two reads 20 ms apart agree (frames in flight have landed). */
    private static XdpSink.Counts settle(XdpSink sink) throws InterruptedException {
        XdpSink.Counts last = sink.counts();
        for (int i = 0; i < 100; i++) {
            Thread.sleep(20);
            XdpSink.Counts now = sink.counts();
            if (now.equals(last)) {
                return now;
            }
            last = now;
        }
        return last;
    }

    private static List<ByteBuffer> receive(DatagramChannel socket, int expected, long timeoutMs) throws Exception {
        List<ByteBuffer> packets = new ArrayList<>();
        long deadline = System.nanoTime() + timeoutMs * 1_000_000;
        while (packets.size() < expected && System.nanoTime() < deadline) {
            ByteBuffer b = ByteBuffer.allocate(2048);
            if (socket.receive(b) == null) {
                Thread.sleep(5);
                continue;
            }
            packets.add(b.flip());
        }
        return packets;
    }

    private static String readLine(BufferedReader in) {
        try {
            return in.readLine();
        } catch (java.io.IOException e) {
            return "cannot read: " + e;
        }
    }

    private static String lastLine(BufferedReader in) {
        String last = "";
        for (String line = readLine(in); line != null; line = readLine(in)) {
            last = line;
        }
        return last;
    }
}
