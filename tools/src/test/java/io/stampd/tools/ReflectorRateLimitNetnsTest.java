package io.stampd.tools;

import io.stampd.sys.bpf.NetNamespace;
import io.stampd.tools.NetconfClient.Xml;
import io.stampd.tools.testing.Testbed;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.stampd.tools.NetconfAgentNetnsTest.afPacketPlane;
import static io.stampd.tools.NetconfAgentNetnsTest.config;
import static io.stampd.tools.NetconfAgentNetnsTest.segments;
import static io.stampd.tools.NetconfAgentNetnsTest.socketPlane;
import static io.stampd.tools.NetconfAgentNetnsTest.xdpPlane;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Rate limits and HMAC failures of a reflector agent (issue 14), on each data plane in turn (one
 * agent, commits move it socket -> af-packet -> xdp): session 1 answers at most 200 packets/s
 * (burst 20), the node at most 400/s per source (burst 40); session 2 is authenticated. From the
 * sender's namespace, 20 packets with a wrong HMAC to session 2 and 2,000 test packets/s for 2 s
 * to session 1. Only about 200/s plus the burst are answered, the source limit drops what is over
 * 400/s, the session limit the rest, and <get> and the metrics say so; no wrong HMAC is answered,
 * each is counted. The xdp plane leaves authenticated sessions to the core beneath it and answers
 * session 1 in the kernel, from its program's buckets for the source and the session: the kernel's
 * counters say it answered and dropped the flood; without the per-source limit the program answers
 * from the session's bucket alone, which the test floods once more.
 */
@Tag("netns")
class ReflectorRateLimitNetnsTest {
    private static final int METRICS_PORT = 9464;
    private static final String KEY = "0102030405060708090a0b0c0d0e0f10";
    private static final String REFLECTOR_STATE = "//s:stamp-state/s:stamp-session-refl-state/s:test-session-state";
    private static final int RATE = 2000;
    private static final long FLOOD_NANOS = 2_000_000_000L;

    @TempDir
    Path dir;

    @BeforeAll
    static void prerequisites() throws Exception {
        LivenessNetnsTest.prerequisites(); // the agent's, and curl for the metrics
    }

    private static String limitedAndAuthenticatedSessions(Testbed tb) {
        String session = "<reflector-ip>" + tb.reflectorAddr() + "</reflector-ip>"
                + segments("return-path", tb.returnSegments());
        return "<stamp-session-reflector>"
                + "<per-source-rate-limit><packets-per-second>400</packets-per-second><burst>40</burst>"
                + "</per-source-rate-limit>"
                + "<reflector-test-session><session-index>1</session-index>" + session
                + "<reflector-udp-port>862</reflector-udp-port>"
                + "<rate-limit><packets-per-second>200</packets-per-second><burst>20</burst></rate-limit>"
                + "</reflector-test-session>"
                + "<reflector-test-session><session-index>2</session-index>" + session
                + "<reflector-udp-port>8620</reflector-udp-port><security><key>" + KEY + "</key></security>"
                + "</reflector-test-session></stamp-session-reflector>";
    }

    /** What one plane did with the flood, from the replies, <get> and the metrics. */
    private record Counts(long sent, long replies, long wrongHmacReplies, Xml state, String metrics) {
    }

    @Test
    void eachPlaneAnswersAtTheLimitsAndNeverAWrongHmac() throws Exception {
        try (Testbed tb = Testbed.up(0, 0)) {
            AgentInNamespace agent = AgentInNamespace.start(tb, tb.reflectorNs(), dir.resolve("reflector"),
                    "metrics.port = " + METRICS_PORT + "\nmetrics.listen-address = ::1\n");
            try {
                agent.awaitListening(Duration.ofSeconds(60));
                NetconfClient rfl = agent.client();
                rfl.commitOk(config(limitedAndAuthenticatedSessions(tb)));
                long[] before = new long[4];
                for (String plane : List.of("socket", "af-packet", "xdp")) {
                    rfl.commitOk(config(switch (plane) {
                        case "socket" -> socketPlane();
                        case "af-packet" -> afPacketPlane(tb.reflectorDev());
                        default -> xdpPlane(tb.reflectorDev());
                    }));
                    Thread.sleep(500);
                    // First, as the wrong HMACs count against their source's limit too: 20 of its 40,
                    // which the 100 ms before the flood earn back.
                    long wrongHmacReplies = wrongHmac(tb);
                    Thread.sleep(100);
                    long[] sentAndReplies = flood(tb);
                    double seconds = sentAndReplies[2] / 1e9;
                    Thread.sleep(1500); // the agent publishes its state once a second
                    Counts c = new Counts(sentAndReplies[0], sentAndReplies[1], wrongHmacReplies, rfl.get(),
                            tb.exec(tb.reflectorNs(), "curl", "-sS", "--max-time", "10",
                                    "http://[::1]:" + METRICS_PORT + "/metrics").requireSuccess().stdout());
                    before = check(plane, c, seconds, before);
                }
                // Without the per-source limit the xdp program answers session 1 from the session's
                // token bucket alone (a spin-locked bucket both CPUs take from).
                rfl.commitOk(config("<stamp-session-reflector><per-source-rate-limit"
                        + " xmlns:nc=\"urn:ietf:params:xml:ns:netconf:base:1.0\" nc:operation=\"delete\"/>"
                        + "</stamp-session-reflector>"));
                Thread.sleep(500);
                Xml start = rfl.get();
                long[] sentAndReplies = flood(tb);
                Thread.sleep(1500);
                Xml end = rfl.get();
                String one = REFLECTOR_STATE + "[s:session-index=1]";
                long received = end.number(one + "/s:rcv-packets") - start.number(one + "/s:rcv-packets");
                long answered = end.number(one + "/s:sent-packets") - start.number(one + "/s:sent-packets");
                long limited = end.number(one + "/s:rate-limited-packets")
                        - start.number(one + "/s:rate-limited-packets");
                // in-kernel-packets is there once the kernel answered one.
                long inKernel = end.number(one + "/s:in-kernel-packets")
                        - (start.count(one + "/s:in-kernel-packets") == 0 ? 0 : start.number(one + "/s:in-kernel-packets"));
                System.out.printf("xdp in the kernel: %d offered in %.2f s, %d answered (%d in the kernel, %d replies),"
                        + " %d over the session's limit%n", sentAndReplies[0], sentAndReplies[2] / 1e9, answered,
                        inKernel, sentAndReplies[1], limited);
                assertEquals(sentAndReplies[0], received, end.toString());
                assertEquals(received, answered + limited, end.toString());
                assertEquals(answered, sentAndReplies[1], 2, "the replies reached the sender");
                assertTrue(inKernel >= answered - 2, "answered in the kernel: " + inKernel + " of " + answered);
                RateLimitBounds.check("xdp in the kernel, session limit 200/s burst 20", 200, 20,
                        sentAndReplies[2] / 1e9, answered, end.toString());
                // A new limit is taken in place: the session runs on with its counters.
                rfl.commitOk(config("<stamp-session-reflector><reflector-test-session><session-index>1"
                        + "</session-index><rate-limit><packets-per-second>100</packets-per-second></rate-limit>"
                        + "</reflector-test-session></stamp-session-reflector>"));
                Thread.sleep(1200);
                Xml changed = rfl.get();
                assertEquals(end.number(one + "/s:rcv-packets"), changed.number(one + "/s:rcv-packets"),
                        "counters carried on: " + changed);
                assertEquals(end.number(one + "/s:rate-limited-packets"),
                        changed.number(one + "/s:rate-limited-packets"));
            } finally {
                agent.close();
            }
        }
    }

    /**
     * Asserts what {@code plane} did, from the counters' values {@code before} it (session 1's
     * received, sent and rate-limited, the node's source-rate-limited); returns their values now.
     */
    private static long[] check(String plane, Counts c, double seconds, long[] before) {
        Xml s = c.state();
        String one = REFLECTOR_STATE + "[s:session-index=1]";
        String two = REFLECTOR_STATE + "[s:session-index=2]";
        assertEquals(plane, s.string("//s:stamp-state/s:data-plane/s:type"), s.toString());
        long received = s.number(one + "/s:rcv-packets") - before[0];
        long answered = s.number(one + "/s:sent-packets") - before[1];
        long sessionLimited = s.number(one + "/s:rate-limited-packets") - before[2];
        long sourceLimited = s.number("//s:stamp-state/s:data-plane/s:source-rate-limited-packets") - before[3];
        System.out.printf("%s: %d offered at %d/s in %.2f s, %d answered (%d replies), %d over the session's"
                + " limit, %d over the source's%n", plane, c.sent(), RATE, seconds, answered, c.replies(),
                sessionLimited, sourceLimited);
        // No loss on the line; the af-packet ring may overflow when its thread is kept from running
        // (counted since the plane was attached, which was for this flood).
        String ringDrops = "//s:stamp-state/s:data-plane/s:program-counter[s:name='af-packet/ring-drops']/s:packets";
        long dropped = plane.equals("af-packet") ? s.number(ringDrops) : 0;
        assertEquals(c.sent(), received + dropped, plane + ": every packet arrives: " + s);
        assertEquals(received, answered + sessionLimited + sourceLimited, plane + ": each answered or dropped by"
                + " one limit: " + s);
        assertEquals(answered, c.replies(), 2, plane + ": the replies reached the sender");
        RateLimitBounds.check(plane + ", session limit 200/s burst 20", 200, 20, seconds, answered, s.toString());
        RateLimitBounds.check(plane + ", source limit 400/s burst 40", 400, 40, seconds, received - sourceLimited,
                s.toString());
        if (plane.equals("xdp")) {
            // The kernel answered and dropped the flood (the program's buckets), not the core beneath.
            long inKernel = s.count(one + "/s:in-kernel-packets") == 0 ? 0 : s.number(one + "/s:in-kernel-packets");
            String programDrops = "//s:stamp-state/s:data-plane/s:program-counter[s:name='reflector/source_limited']"
                    + "/s:packets";
            long kernelSourceLimited = s.count(programDrops) == 0 ? 0 : s.number(programDrops);
            System.out.printf("xdp: %d answered in the kernel, %d dropped there over the source's limit%n", inKernel,
                    kernelSourceLimited);
            assertTrue(inKernel >= answered - 2, "answered in the kernel: " + inKernel + " of " + answered + ": " + s);
            assertTrue(kernelSourceLimited <= sourceLimited && kernelSourceLimited >= sourceLimited - 2,
                    "dropped over the source's limit in the kernel: " + kernelSourceLimited + " of " + sourceLimited
                            + ": " + s);
        }
        assertEquals(0, c.wrongHmacReplies(), plane + ": a wrong HMAC is never answered");
        assertEquals(20 * (plane.equals("socket") ? 1 : plane.equals("af-packet") ? 2 : 3),
                s.number(two + "/s:hmac-failures"), plane + ": each wrong HMAC counted: " + s);
        assertEquals(s.number(two + "/s:hmac-failures"), s.number(two + "/s:rejected-packets"));
        assertEquals(0, s.number(two + "/s:sent-packets"), s.toString());
        long[] now = {s.number(one + "/s:rcv-packets"), s.number(one + "/s:sent-packets"),
                s.number(one + "/s:rate-limited-packets"),
                s.number("//s:stamp-state/s:data-plane/s:source-rate-limited-packets")};
        // The metrics: scraped after <get>, so at least what it said.
        assertTrue(metric(c.metrics(), "stampd_reflector_packets_rate_limited_total", "session_id=\"1\"") >= now[2],
                c.metrics());
        assertTrue(metric(c.metrics(), "stampd_dataplane_source_rate_limited_total", "plane=\"" + plane + "\"")
                >= now[3], c.metrics());
        assertTrue(metric(c.metrics(), "stampd_reflector_packets_rejected_total", "session_id=\"2\"")
                >= s.number(two + "/s:hmac-failures"), c.metrics());
        return now;
    }

    private static double metric(String text, String name, String label) {
        Matcher m = Pattern.compile("(?m)^" + name + "\\{[^}]*" + Pattern.quote(label) + "[^}]*\\} (\\S+)$")
                .matcher(text);
        assertTrue(m.find(), "no " + name + "{" + label + "} in\n" + text);
        return Double.parseDouble(m.group(1));
    }

    /**
     * From the sender's namespace, base test packets to session 1 at {@link #RATE} per second for
     * {@link #FLOOD_NANOS}, evenly spaced, counting the replies (until none came for 300 ms): the
     * packets sent, the replies, the nanoseconds from the first send to the last.
     */
    private static long[] flood(Testbed tb) throws Exception {
        InetAddress from = InetAddress.getByName(tb.senderAddr());
        InetSocketAddress to = new InetSocketAddress(InetAddress.getByName(tb.reflectorAddr()), 862);
        return NetNamespace.callIn(tb.senderNs(), () -> {
            try (DatagramChannel ch = DatagramChannel.open(StandardProtocolFamily.INET6)) {
                ch.bind(new InetSocketAddress(from, 0));
                ch.configureBlocking(false);
                ByteBuffer out = ByteBuffer.allocate(44);
                ByteBuffer in = ByteBuffer.allocate(2048);
                long count = RATE * FLOOD_NANOS / 1_000_000_000L;
                long replies = 0;
                long start = System.nanoTime();
                for (long i = 0; i < count; i++) {
                    long due = start + i * FLOOD_NANOS / count;
                    for (long wait = due - System.nanoTime(); wait > 0; wait = due - System.nanoTime()) {
                        replies += drain(ch, in);
                        LockSupport.parkNanos(Math.min(wait, 100_000));
                    }
                    out.clear();
                    out.putInt(0, (int) i);
                    ch.send(out, to);
                }
                long sendNanos = System.nanoTime() - start;
                long quiet = System.nanoTime();
                while (System.nanoTime() - quiet < 300_000_000L) {
                    long n = drain(ch, in);
                    if (n > 0) {
                        replies += n;
                        quiet = System.nanoTime();
                    }
                    LockSupport.parkNanos(1_000_000);
                }
                return new long[] {count, replies, sendNanos};
            }
        });
    }

    /** 20 authenticated-size test packets to session 2 whose HMAC is not the key's; the replies. */
    private static long wrongHmac(Testbed tb) throws Exception {
        InetAddress from = InetAddress.getByName(tb.senderAddr());
        InetSocketAddress to = new InetSocketAddress(InetAddress.getByName(tb.reflectorAddr()), 8620);
        return NetNamespace.callIn(tb.senderNs(), () -> {
            try (DatagramChannel ch = DatagramChannel.open(StandardProtocolFamily.INET6)) {
                ch.bind(new InetSocketAddress(from, 0));
                ch.configureBlocking(false);
                ByteBuffer in = ByteBuffer.allocate(2048);
                for (int i = 0; i < 20; i++) {
                    ByteBuffer p = ByteBuffer.allocate(112);
                    p.putInt(0, i);
                    for (int k = 96; k < 112; k++) {
                        p.put(k, (byte) (k * 31 + i)); // an HMAC field no key produced
                    }
                    ch.send(p, to);
                }
                long replies = 0;
                for (long end = System.nanoTime() + 300_000_000L; System.nanoTime() < end; ) {
                    replies += drain(ch, in);
                    LockSupport.parkNanos(1_000_000);
                }
                return replies;
            }
        });
    }

    private static long drain(DatagramChannel ch, ByteBuffer in) throws java.io.IOException {
        long n = 0;
        in.clear();
        while (ch.receive(in) != null) {
            n++;
            in.clear();
        }
        return n;
    }
}
