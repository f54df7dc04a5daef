package io.stampd.dataplane.core;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.stampd.dataplane.codec.StampHmac;
import io.stampd.dataplane.codec.StampLayout;
import io.stampd.dataplane.codec.TimestampFormat;
import io.stampd.dataplane.session.ClassOfServicePolicy;
import io.stampd.dataplane.session.Ipv6Addresses;
import io.stampd.dataplane.session.RateLimit;
import io.stampd.dataplane.session.ReflectorSessionConfig;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.Inet6Address;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Fuzz target: the reflector's whole decision on one received datagram (session match, HMAC,
 * short TWAMP-Light requests, stateful numbering, every TLV, the reply's path and traffic class),
 * on a node with sessions of every kind. Invariants: a reply only for a provisioned session whose
 * match fields the datagram meets (RFC 8972 §3) and, authenticated, whose HMAC verified; never
 * longer than the request except a short request of a session that accepts those (44 octets);
 * nothing written past the reply; its path offsets inside it; every datagram counted once; never
 * more answers than a rate limit allows (session 2's own, and every source's), on a clock the
 * fuzzer moves on.
 */
class ReflectorDecisionFuzzer {
    private static final int PORT = 862;
    private static final int AUTH_PORT = 8620;
    private static final int UNPROVISIONED_PORT = 9999;
    private static final int[] PORTS = {PORT, AUTH_PORT, UNPROVISIONED_PORT};
    private static final int SLOT = 2048;
    private static final byte[] KEY = {9, 8, 7, 6, 5, 4, 3, 2, 1};
    private static final Inet6Address SENDER = Ipv6Addresses.parse("fd00:12::1", "test");
    private static final Inet6Address OTHER = Ipv6Addresses.parse("fd00:99::1", "test");
    private static final Inet6Address REFLECTOR = Ipv6Addresses.parse("fd00:23::3", "test");
    private static final StampNode NODE = new StampNode("fuzz-reflector", 0);
    private static final RateLimit SESSION_LIMIT = new RateLimit(20, 3);
    private static final RateLimit SOURCE_LIMIT = new RateLimit(50, 5);
    /** The monotonic clock of the rate limits, moved on by each input. */
    private static long now;
    private static final long RECEIVED_AT = 1_765_000_000_000_000_000L;
    /** Packets arrive as the limits read them (the wall clock at their receive time). */
    private static final Reflection REFLECTION = new Reflection(NODE, () -> now, () -> RECEIVED_AT);
    /** Answers so far: of session 2, and per source (SENDER, OTHER). */
    private static long session2Answers;
    private static long senderAnswers;
    private static long otherAnswers;
    private static final StampHmac SIGNER = new StampHmac(KEY);
    private static final Fuzzed RX = new Fuzzed();
    private static final ReplyChannel CHANNEL = new ReplyChannel() {
        @Override public void flush() { }
        @Override public void drainTransmitTimes() { }
        @Override public boolean transmitTimestamps() { return false; }
    };

    static {
        // Stateful, SSID 7, from SENDER only, short requests answered, an SRv6 return path.
        add(new ReflectorSessionConfig(1, 7, SENDER, 0, null, PORT, List.of(REFLECTOR, SENDER), TimestampFormat.NTP,
                true, null, true, new ClassOfServicePolicy(ClassOfServicePolicy.COPY_RECEIVED, true, false)));
        // Stateless, SSID 9 from port 50001 only, PTP, a configured reply DSCP, rate limited.
        add(new ReflectorSessionConfig(2, 9, null, 50001, null, PORT, List.of(),
                TimestampFormat.PTP, false, null, false, new ClassOfServicePolicy(46, false, true), SESSION_LIMIT));
        // Authenticated, any SSID, on its own port.
        add(new ReflectorSessionConfig(3, ReflectorSessionConfig.ANY_SSID, null, 0, null, AUTH_PORT, List.of(),
                TimestampFormat.NTP, false, KEY, true));
    }

    static {
        NODE.sourceLimiter.limit(SOURCE_LIMIT); // this thread is the node's I/O thread here, as for reflect
    }

    private static void add(ReflectorSessionConfig c) {
        NODE.reflectors.add(new SessionReflector(NODE, c));
    }

    /** One received datagram with fuzzed contents and metadata in a reused 2,048-octet slot. */
    private static final class Fuzzed implements Datagrams {
        final Arena arena = Arena.ofAuto();
        final MemorySegment payload = arena.allocate(SLOT);
        final MemorySegment source = arena.allocate(16);
        final MemorySegment destination = arena.allocate(16);
        int length;
        boolean truncated;
        int sourcePort;
        int hopLimit;
        int trafficClass;

        @Override public MemorySegment payload(int i) { return payload; }
        @Override public int length(int i) { return length; }
        @Override public boolean truncated(int i) { return truncated; }
        @Override public MemorySegment sourceAddress(int i) { return source; }
        @Override public int sourcePort(int i) { return sourcePort; }
        @Override public MemorySegment destinationAddress(int i) { return destination; }
        @Override public long receiveNanos(int i) { return RECEIVED_AT; }
        @Override public int hopLimit(int i) { return hopLimit; }
        @Override public int trafficClass(int i) { return trafficClass; }
        @Override public int ifIndex(int i) { return 2; }
    }

    public static void fuzzerTestOneInput(FuzzedDataProvider d) {
        Fuzzed rx = RX;
        int port = PORTS[d.consumeInt(0, PORTS.length - 1)];
        Inet6Address from = d.consumeBoolean() ? SENDER : OTHER;
        MemorySegment.copy(MemorySegment.ofArray(from.getAddress()), 0, rx.source, 0, 16);
        MemorySegment.copy(MemorySegment.ofArray(REFLECTOR.getAddress()), 0, rx.destination, 0, 16);
        rx.sourcePort = d.consumeBoolean() ? 50001 : d.consumeInt(1024, 65535);
        rx.hopLimit = d.consumeInt(-1, 255);
        rx.trafficClass = d.consumeInt(-1, 255);
        rx.truncated = d.consumeInt(0, 31) == 0;
        boolean sign = d.consumeBoolean();
        int flip = d.consumeInt(-1, 200);
        byte[] octets = d.consumeRemainingAsBytes();
        rx.length = Math.min(octets.length, SLOT - 64);
        // 0 to 50 ms on, from the input itself (consuming no data, so the corpus keeps its meaning).
        now += (octets.length * 7_919_993L + flip * 104_729L) % 50_000_000L + (flip < 0 ? 0 : 1);
        rx.payload.fill((byte) 0xEE);
        MemorySegment.copy(MemorySegment.ofArray(octets), 0, rx.payload, 0, rx.length);
        if (sign && rx.length >= StampLayout.AUTHENTICATED.baseLength) {
            SIGNER.sign(rx.payload); // reach the verified path; a flip after it must be refused
            if (flip >= 0 && flip < rx.length) {
                rx.payload.set(ValueLayout.JAVA_BYTE, flip, (byte) ~rx.payload.get(ValueLayout.JAVA_BYTE, flip));
            }
        }
        long seen = NODE.counters.malformed.get() + NODE.counters.unmatched.get() + received();

        ReplyDecision r = REFLECTION.reflect(rx, 0, port, CHANNEL);

        assertEquals(seen + 1, NODE.counters.malformed.get() + NODE.counters.unmatched.get() + received(),
                "every datagram is counted once: malformed, unmatched or a session's");
        for (int i = Math.max(rx.length, 44); i < SLOT; i++) {
            if (rx.payload.get(ValueLayout.JAVA_BYTE, i) != (byte) 0xEE) {
                throw new AssertionError("written past the reply at " + i);
            }
        }
        if (!r.reply) {
            return;
        }
        SessionReflector s = r.session;
        assertNotNull(s, "a reply without a session");
        ReflectorSessionConfig c = s.config;
        long sourceAnswers = from.equals(SENDER) ? ++senderAnswers : ++otherAnswers;
        assertTrue(sourceAnswers <= allowed(SOURCE_LIMIT), "source " + from + " answered over its limit");
        if (c.rateLimit() != null) {
            assertTrue(++session2Answers <= allowed(c.rateLimit()), "session answered over its rate limit");
        }
        assertEquals(c.reflectorPort(), port, "a reply for a session of another port");
        assertTrue(!rx.truncated, "a truncated datagram answered");
        if (c.senderAddress() != null) {
            assertEquals(c.senderAddress(), from, "a reply to a sender the session does not admit");
        }
        if (c.senderPort() != 0) {
            assertEquals(c.senderPort(), rx.sourcePort);
        }
        if (c.ssid() != ReflectorSessionConfig.ANY_SSID) {
            assertEquals(c.ssid(), s.layout.ssid(rx.payload), "a reply to another SSID");
        }
        if (c.authenticated()) {
            // The HMAC covers the base packet's first 96 octets and sits in the next 16: a flip past
            // them (in the TLVs) leaves it valid.
            int covered = StampHmac.BASE_COVERED + StampHmac.LENGTH;
            assertTrue(sign && !(flip >= 0 && flip < Math.min(covered, rx.length)),
                    "an authenticated reply to a request that was not signed or was altered after signing");
        }
        if (rx.length < StampLayout.UNAUTHENTICATED.baseLength) {
            assertTrue(c.acceptShortTestPackets() && !c.authenticated(), "a short request answered");
            assertEquals(44, r.replyLength);
        } else {
            assertTrue(r.replyLength <= rx.length, "reply " + r.replyLength + " longer than request " + rx.length);
        }
        if (r.segmentsOffset >= 0) {
            assertTrue(r.segmentsOffset + 16 * r.segmentsCount <= r.replyLength);
        }
        if (r.destinationOffset >= 0) {
            assertTrue(r.destinationOffset + 16 <= r.replyLength);
        }
        assertTrue(r.trafficClass >= -1 && r.trafficClass <= 255);
        REFLECTION.queued(r);
        Reflection.stamp(s, rx.payload, 1_765_000_000_000_001_000L);
    }

    /** The most answers a limit allows from the clock's start until now: the burst and the rate since. */
    private static long allowed(RateLimit limit) {
        return limit.burst() + limit.packetsPerSecond() * now / 1_000_000_000L;
    }

    private static long received() {
        long n = 0;
        for (SessionReflector s : NODE.reflectors.all()) {
            n += s.received.get();
        }
        return n;
    }

    @FuzzTest(maxDuration = "10s")
    void decision(FuzzedDataProvider d) {
        fuzzerTestOneInput(d);
    }
}
