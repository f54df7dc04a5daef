package io.stampd.dataplane.xdp;

import io.stampd.dataplane.testing.Frame;
import io.stampd.dataplane.codec.ErrorEstimate;
import io.stampd.dataplane.codec.TimestampFormat;
import io.stampd.dataplane.session.RateLimit;
import io.stampd.dataplane.codec.Timestamps;
import io.stampd.dataplane.codec.UdpChecksum;
import io.stampd.dataplane.xdp.ReflectorMaps.Counters;
import io.stampd.dataplane.xdp.ReflectorMaps.Session;
import io.stampd.sys.Libc;
import io.stampd.sys.bpf.BpfMap;
import io.stampd.sys.bpf.BpfObject;
import io.stampd.sys.bpf.BpfTestRun;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

import static io.stampd.dataplane.xdp.XdpBed.GW;
import static io.stampd.dataplane.xdp.XdpBed.GW2;
import static io.stampd.dataplane.xdp.XdpBed.GW2_MAC;
import static io.stampd.dataplane.xdp.XdpBed.GW_MAC;
import static io.stampd.dataplane.xdp.XdpBed.R;
import static io.stampd.dataplane.xdp.XdpBed.R0_MAC;
import static io.stampd.dataplane.xdp.XdpBed.R1_MAC;
import static io.stampd.dataplane.xdp.XdpBed.R_OTHER;
import static io.stampd.dataplane.xdp.XdpBed.S1;
import static io.stampd.dataplane.xdp.XdpBed.S1_MAC;
import static io.stampd.dataplane.xdp.XdpBed.S2;
import static io.stampd.dataplane.xdp.XdpBed.S2_MAC;
import static io.stampd.dataplane.xdp.XdpBed.addr;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The reflector program answers well-formed test packets with exactly the reply the codec says:
 * every octet of the output frame is compared with a reply built independently in Java, after T2
 * and T3 are checked to be two readings of the clock between CLOCK_REALTIME readings taken around
 * the run. Counters and stats must move by exactly what was reflected.
 */
class StampReflectorProgramTest {
    static final int XDP_DROP = 1;
    static final int XDP_PASS = 2;
    static final int XDP_TX = 3;
    static final int XDP_REDIRECT = 4;
    /** Slack for the clock comparisons: the realtime readings and the program's are different calls. */
    static final long SLACK_NS = 20_000;
    static final short EE = ErrorEstimate.encode(true, TimestampFormat.NTP, 0, 70);
    static final short EE_PTP = ErrorEstimate.encode(true, TimestampFormat.PTP, 0, 70);

    static XdpBed bed;
    static BpfObject reflector;
    static ReflectorMaps maps;
    static int fd;

    @BeforeAll
    static void setUp() {
        XdpTestEnv.require();
        bed = XdpBed.create();
        reflector = bed.reflector();
        maps = new ReflectorMaps(reflector);
        fd = reflector.programFd("stamp_reflector");
    }

    @AfterAll
    static void tearDown() {
        if (bed != null) {
            bed.close();
        }
    }

    /** A test packet from {@code src}:{@code sport} to R:{@code dport} on r0. */
    static Frame request(byte[] src, int sport, int dport, int seq, int ssid, byte[]... tlvs) {
        Frame f = new Frame();
        f.dstMac = R0_MAC;
        f.srcMac = S1_MAC;
        f.src = src;
        f.dst = R;
        f.sport = sport;
        f.dport = dport;
        f.hopLimit = 61;
        f.trafficClass = 0x2D; // DSCP 11, ECN 01: the reply keeps the DSCP only
        f.flowLabel = 0xABCDE;
        f.payload = Payloads.sender(seq, 0xE1234567_89ABCDEFL, EE, ssid, 0x5A, tlvs);
        return f;
    }

    static Session exact(byte[] sender, int sport, int ssid, int slot, int flags, List<byte[]> path) {
        return new Session(R, sender, 862, sport, ssid, slot, flags, (flags & XdpStructs.STAMP_RS_PTP) != 0 ? EE_PTP : EE,
                200, path);
    }

    /**
     * Runs {@code request} through the program and checks the reply octet by octet. Returns the
     * output frame.
     */
    static byte[] reflectAndCheck(Frame request, Session s, int reflectorSeq, byte[] dmac, byte[] smac, int action) {
        long[] statsBefore = maps.stats();
        Counters countersBefore = maps.counters(s.slot());
        byte[] in = request.build();
        long before = Libc.realtimeNanos();
        BpfTestRun.XdpResult r = bed.run(fd, in);
        long after = Libc.realtimeNanos();
        assertEquals(action, r.retval(), () -> "XDP action; stats now " + Arrays.toString(maps.stats()));

        byte[] out = r.frame();
        int at = Replies.payloadOffset(s.path().size());
        TimestampFormat format = (s.flags() & XdpStructs.STAMP_RS_PTP) != 0 ? TimestampFormat.PTP : TimestampFormat.NTP;
        long t3Wire = Replies.u64(out, at + 4);
        long t2Wire = Replies.u64(out, at + 16);
        long t2 = Timestamps.decode(t2Wire, format);
        long t3 = Timestamps.decode(t3Wire, format);
        assertTrue(t2 >= before - SLACK_NS && t3 <= after + SLACK_NS,
                () -> "T2 " + t2 + " and T3 " + t3 + " must lie within [" + before + ", " + after + "] +- " + SLACK_NS);
        assertTrue(t3 > t2, () -> "T3 " + t3 + " must be a later reading than T2 " + t2);

        byte[] expected = Replies.expected(request, dmac, smac, s.hopLimit(), s.errorEstimate(), s.path(),
                reflectorSeq, t2Wire, t3Wire);
        assertArrayEquals(expected, out, () -> Replies.diff(expected, out));
        assertTrue(UdpChecksum.verifyPacket(MemorySegment.ofArray(out).asSlice(14), out.length - 14),
                "the reply's UDP checksum verifies under the final-destination rule");

        Counters c = maps.counters(s.slot());
        assertEquals(countersBefore.reflected() + 1, c.reflected(), "reflected count of slot " + s.slot());
        int senderSeq = MemorySegment.ofArray(request.payload).get(io.stampd.dataplane.codec.StampLayout.U32, 0);
        assertEquals(Integer.toUnsignedLong(senderSeq), c.lastSenderSeq(), "last sender seq");
        assertEquals(Integer.toUnsignedLong(reflectorSeq), c.lastReflectorSeq(), "last reflector seq");
        long[] statsAfter = maps.stats();
        int counter = action == XDP_TX ? XdpStructs.STAMP_C_TX : XdpStructs.STAMP_C_REDIRECT;
        for (int i = 0; i < statsAfter.length; i++) {
            assertEquals(statsBefore[i] + (i == counter ? 1 : 0), statsAfter[i],
                    "refl_stats " + XdpStructs.counterName(i));
        }
        return out;
    }

    /**
     * The matrix: forward SRH of 0, 1, 3 segments (Segments Left 0), with and without a Hop-by-Hop
     * and a Destination Options header before it; return path of 0, 2, 4 segments; NTP and PTP;
     * stateless and stateful; no TLV, one, or three Extra Padding TLVs of odd and even lengths.
     */
    @TestFactory
    Stream<DynamicTest> wellFormedRequestsGiveExactReplies() {
        List<DynamicTest> tests = new ArrayList<>();
        int index = 0;
        for (int forward : new int[] {0, 1, 3}) {
            for (boolean options : new boolean[] {false, true}) {
                for (int back : new int[] {0, 2, 4}) {
                    for (TimestampFormat format : TimestampFormat.values()) {
                        for (boolean stateful : new boolean[] {false, true}) {
                            for (int tlvCase = 0; tlvCase < 3; tlvCase++) {
                                int i = index++;
                                int tlvs = tlvCase;
                                String name = "forward SRH " + forward + (options ? " after HBH+DestOpts" : "")
                                        + ", return path " + back + ", " + format + ", "
                                        + (stateful ? "stateful" : "stateless") + ", " + tlvs + " padding TLV set";
                                tests.add(DynamicTest.dynamicTest(name,
                                        () -> matrixCase(i, forward, options, back, format, stateful, tlvs)));
                            }
                        }
                    }
                }
            }
        }
        return tests.stream();
    }

    private static void matrixCase(int i, int forward, boolean options, int back, TimestampFormat format,
                                   boolean stateful, int tlvSet) {
        int sport = 20000 + i;
        int slot = 1000 + i;
        int ssid = 0x100 + i;
        List<byte[]> path = switch (back) {
            case 0 -> List.of();
            case 2 -> List.of(GW, S1);
            default -> List.of(GW, addr("fd00:8::1"), addr("fd00:8::2"), S1);
        };
        int flags = (format == TimestampFormat.PTP ? XdpStructs.STAMP_RS_PTP : 0)
                | (stateful ? XdpStructs.STAMP_RS_STATEFUL : 0);
        Session s = exact(S1, sport, ssid, slot, flags, path);
        maps.add(s);
        byte[][] tlvs = switch (tlvSet) {
            case 0 -> new byte[0][];
            case 1 -> new byte[][] {Payloads.padding(5)};
            default -> new byte[][] {Payloads.padding(0), Payloads.tlv(0, 1, 7, 3), Payloads.padding(12)};
        };
        int seq = 7_000_000 + i;
        Frame f = request(S1, sport, 862, seq, ssid, tlvs);
        if (options) {
            f.ext.add(Frame.Ext.options(0, 1));
            f.ext.add(Frame.Ext.options(60, 0));
        }
        if (forward > 0) {
            List<byte[]> segmentList = new ArrayList<>(List.of(R));
            for (int k = 1; k < forward; k++) {
                segmentList.add(addr("fd00:9::" + k));
            }
            f.ext.add(Frame.Ext.srh(segmentList, 0, forward - 1));
        }
        byte[] dmac = back == 0 ? S1_MAC : GW_MAC;
        reflectAndCheck(f, s, stateful ? 0 : seq, dmac, R0_MAC, XDP_TX);
        // Again with the next sender number: stateful counts on, stateless echoes.
        f.payload = Payloads.sender(seq + 1, 0x0102030405060708L, EE, ssid, 0, tlvs);
        reflectAndCheck(f, s, stateful ? 1 : seq + 1, dmac, R0_MAC, XDP_TX);
    }

    @Test
    void statefulNumbersCountPerFlowFromZero() {
        // One session, any sender port and any SSID: each (port, SSID, sender) is its own flow.
        Session s = new Session(R, null, 862, 0, XdpStructs.STAMP_ANY_SSID, 40, XdpStructs.STAMP_RS_STATEFUL, EE, 64,
                List.of());
        maps.add(s);
        record Step(byte[] sender, byte[] mac, int sport, int ssid, int expected) {
        }
        List<Step> steps = List.of(new Step(S1, S1_MAC, 31001, 1, 0), new Step(S1, S1_MAC, 31001, 1, 1),
                new Step(S1, S1_MAC, 31002, 1, 0), new Step(S1, S1_MAC, 31001, 1, 2), new Step(S2, S2_MAC, 31001, 1, 0),
                new Step(S1, S1_MAC, 31001, 2, 0), new Step(S1, S1_MAC, 31002, 1, 1), new Step(S2, S2_MAC, 31001, 1, 1),
                new Step(S1, S1_MAC, 31001, 1, 3));
        int seq = 500;
        for (Step step : steps) {
            Frame f = request(step.sender(), step.sport(), 862, seq++, step.ssid());
            reflectAndCheck(f, s, step.expected(), step.mac(), R0_MAC, XDP_TX);
        }
        assertEquals(4, maps.flowNext(40, 31001, 1, S1));
        assertEquals(2, maps.flowNext(40, 31002, 1, S1));
        assertEquals(2, maps.flowNext(40, 31001, 1, S2));
        assertEquals(1, maps.flowNext(40, 31001, 2, S1));
        assertEquals(-1, maps.flowNext(40, 31003, 1, S1), "no flow for a port that sent nothing");
    }

    /**
     * A rate-limited session (1 packet/s, burst 3): three requests at once are answered, the
     * fourth and fifth are dropped (XDP_DROP, never answered) and counted in the slot's bucket and
     * in refl_stats; another limited session has its own bucket; a packet for a port without
     * sessions is still passed up, not dropped. One packet's credit takes a second: none comes back within the test.
     */
    @Test
    void aRateLimitedSessionIsAnsweredUpToItsBurstThenDropped() {
        Session s = exact(S1, 33001, 5, 60, XdpStructs.STAMP_RS_LIMITED, List.of());
        Session other = exact(S2, 33001, 5, 61, XdpStructs.STAMP_RS_LIMITED, List.of());
        maps.limit(60, 1, 3);
        maps.limit(61, 1, 1);
        maps.add(s);
        maps.add(other);
        for (int seq = 0; seq < 3; seq++) {
            reflectAndCheck(request(S1, 33001, 862, seq, 5), s, seq, S1_MAC, R0_MAC, XDP_TX);
        }
        for (int seq = 3; seq < 5; seq++) {
            long[] before = maps.stats();
            long reflected = maps.counters(60).reflected();
            BpfTestRun.XdpResult r = bed.run(fd, request(S1, 33001, 862, seq, 5).build());
            assertEquals(XDP_DROP, r.retval(), "over the burst: dropped");
            assertEquals(reflected, maps.counters(60).reflected(), "not counted as reflected");
            long[] after = maps.stats();
            for (int i = 0; i < after.length; i++) {
                assertEquals(before[i] + (i == XdpStructs.STAMP_C_RATE_LIMITED ? 1 : 0), after[i],
                        "refl_stats " + XdpStructs.counterName(i));
            }
        }
        assertEquals(2, maps.limited(60));
        reflectAndCheck(request(S2, 33001, 862, 9, 5), other, 9, S2_MAC, R0_MAC, XDP_TX);
        assertEquals(XDP_DROP, bed.run(fd, request(S2, 33001, 862, 10, 5).build()).retval());
        assertEquals(1, maps.limited(61), "its own bucket");
        assertEquals(XDP_PASS, bed.run(fd, request(S1, 33001, 7777, 11, 5).build()).retval(),
                "a port without sessions: passed up as before");
    }

    /**
     * The per-source limit (1 packet/s, burst 3), across the sessions a source's packets match:
     * S1's first three requests are answered, whichever of its sessions they name, the next are
     * dropped (XDP_DROP) and counted in refl_stats as source_limited and in their session's
     * counters, and spend none of the limited session's own credit; S2 has its own bucket; a
     * request that matches no session is still passed up, limit or not. Without the limit, S1's limited session answers the rest of its
     * own burst (5, one spent): its credit was untouched by the source's drops. One packet's credit
     * takes a second: none comes back within the test.
     */
    @Test
    void aSourceOverItsLimitIsDroppedWhateverSessionItNames() {
        // A port of its own: no other test's (wildcard) session matches a request here.
        int port = 8620;
        Session plain = new Session(R, S1, port, 33101, 5, 120, 0, EE, 200, List.of());
        Session limited = new Session(R, S1, port, 33102, 5, 122, XdpStructs.STAMP_RS_LIMITED, EE, 200, List.of());
        Session second = new Session(R, S2, port, 33101, 5, 121, 0, EE, 200, List.of());
        maps.limit(122, 1, 5);
        maps.add(plain);
        maps.add(limited);
        maps.add(second);
        maps.sourceLimit(1, 3);
        try {
            reflectAndCheck(request(S1, 33101, port, 0, 5), plain, 0, S1_MAC, R0_MAC, XDP_TX);
            reflectAndCheck(request(S1, 33102, port, 1, 5), limited, 1, S1_MAC, R0_MAC, XDP_TX);
            reflectAndCheck(request(S1, 33101, port, 2, 5), plain, 2, S1_MAC, R0_MAC, XDP_TX);
            for (Session s : List.of(plain, limited, plain)) {
                long[] before = maps.stats();
                long reflected = maps.counters(s.slot()).reflected();
                BpfTestRun.XdpResult r = bed.run(fd, request(S1, s.senderPort(), port, 3, 5).build());
                assertEquals(XDP_DROP, r.retval(), "S1 over its source limit: dropped");
                assertEquals(reflected, maps.counters(s.slot()).reflected(), "not counted as reflected");
                long[] after = maps.stats();
                for (int i = 0; i < after.length; i++) {
                    assertEquals(before[i] + (i == XdpStructs.STAMP_C_SOURCE_LIMITED ? 1 : 0), after[i],
                            "refl_stats " + XdpStructs.counterName(i));
                }
            }
            assertEquals(0, maps.limited(122), "the session's own bucket dropped nothing");
            assertEquals(2, maps.counters(120).sourceLimited(), "the drops count as the sessions' too");
            assertEquals(1, maps.counters(122).sourceLimited());
            for (int seq = 10; seq < 13; seq++) {
                reflectAndCheck(request(S2, 33101, port, seq, 5), second, seq, S2_MAC, R0_MAC, XDP_TX);
            }
            assertEquals(XDP_DROP, bed.run(fd, request(S2, 33101, port, 13, 5).build()).retval(), "S2 over its own");
            long[] before = maps.stats();
            assertEquals(XDP_PASS, bed.run(fd, request(S1, 33999, port, 14, 5).build()).retval(),
                    "no session: passed up, never answered here");
            assertEquals(before[XdpStructs.STAMP_C_NO_SESSION] + 1, maps.stats()[XdpStructs.STAMP_C_NO_SESSION]);
        } finally {
            maps.sourceLimit(0, 0);
            maps.sources.keys().forEach(maps.sources::delete); // no source state for the other tests
        }
        for (int seq = 20; seq < 24; seq++) {
            reflectAndCheck(request(S1, 33102, port, seq, 5), limited, seq, S1_MAC, R0_MAC, XDP_TX);
        }
        assertEquals(XDP_DROP, bed.run(fd, request(S1, 33102, port, 24, 5).build()).retval(), "its own burst spent");
        assertEquals(1, maps.limited(122));
    }

    /**
     * A changed per-source limit carries each source's credit over, cut to the new depth, as the
     * core's TokenBucket does: S1, out of credit under 1/s burst 3, stays out under 1/s burst 1;
     * S2, with 2 of 3 left, keeps 1. Lifted, the table empties and nothing is limited; set again,
     * S1 starts with a full bucket. One packet's credit takes a second: none comes back within the
     * test.
     */
    @Test
    void aChangedSourceLimitKeepsWhatEachSourceEarnedCutToTheNewDepth() {
        int port = 8621;
        Session one = new Session(R, S1, port, 33201, 5, 123, 0, EE, 200, List.of());
        Session two = new Session(R, S2, port, 33201, 5, 124, 0, EE, 200, List.of());
        maps.add(one);
        maps.add(two);
        KernelSourceBuckets buckets = new KernelSourceBuckets(reflector.map("refl_source_limit"),
                reflector.map("refl_sources"), System::nanoTime);
        try {
            buckets.limit(new RateLimit(1, 3));
            for (int seq = 0; seq < 3; seq++) {
                reflectAndCheck(request(S1, 33201, port, seq, 5), one, seq, S1_MAC, R0_MAC, XDP_TX);
            }
            assertEquals(XDP_DROP, bed.run(fd, request(S1, 33201, port, 3, 5).build()).retval());
            reflectAndCheck(request(S2, 33201, port, 4, 5), two, 4, S2_MAC, R0_MAC, XDP_TX);

            buckets.limit(new RateLimit(1, 1));
            assertEquals(2, maps.sources.keys().size(), "S1 and S2 under the new limit only");
            assertEquals(XDP_DROP, bed.run(fd, request(S1, 33201, port, 5, 5).build()).retval(),
                    "S1: no fresh burst from a commit");
            reflectAndCheck(request(S2, 33201, port, 6, 5), two, 6, S2_MAC, R0_MAC, XDP_TX);
            assertEquals(XDP_DROP, bed.run(fd, request(S2, 33201, port, 7, 5).build()).retval(),
                    "S2: its 2 left cut to the new depth, 1");

            buckets.limit(null);
            assertEquals(0, maps.sources.keys().size(), "no limit, no sources");
            for (int seq = 8; seq < 12; seq++) {
                reflectAndCheck(request(S1, 33201, port, seq, 5), one, seq, S1_MAC, R0_MAC, XDP_TX);
            }
            buckets.limit(new RateLimit(1, 1));
            reflectAndCheck(request(S1, 33201, port, 12, 5), one, 12, S1_MAC, R0_MAC, XDP_TX);
            assertEquals(XDP_DROP, bed.run(fd, request(S1, 33201, port, 13, 5).build()).retval());
        } finally {
            buckets.limit(null);
        }
    }

    @Test
    void repliesLeavingByAnotherInterfaceAreRedirected() {
        // The sender sits behind r1's gateway: the route back leaves by r1.
        Session s = exact(XdpBed.REMOTE_VIA_R1, 32001, 5, 50, 0, List.of());
        maps.add(s);
        reflectAndCheck(request(XdpBed.REMOTE_VIA_R1, 32001, 862, 77, 5), s, 77, GW2_MAC, R1_MAC, XDP_REDIRECT);
        // A return path whose first hop is on r1's link.
        Session viaR1 = exact(S1, 32002, 5, 51, 0, List.of(GW2, addr("fd00:8::9"), S1));
        maps.add(viaR1);
        reflectAndCheck(request(S1, 32002, 862, 78, 5), viaR1, 78, GW2_MAC, R1_MAC, XDP_REDIRECT);
    }

    @Test
    void remoteSenderIsAnsweredThroughItsGateway() {
        Session s = exact(XdpBed.REMOTE_VIA_GW, 32003, 5, 52, 0, List.of());
        maps.add(s);
        reflectAndCheck(request(XdpBed.REMOTE_VIA_GW, 32003, 862, 1, 5), s, 1, GW_MAC, R0_MAC, XDP_TX);
    }

    @Test
    void eachWildcardPatternFindsItsSession() {
        int port = 7000;
        // Sixteen sessions on one port, one per pattern, none overlapping (distinct SSIDs where
        // the SSID is matched, distinct sender ports or addresses otherwise).
        List<Session> sessions = new ArrayList<>();
        for (int pattern = 0; pattern < XdpStructs.STAMP_PATTERNS; pattern++) {
            boolean wildReflector = (pattern & XdpStructs.STAMP_WILD_REFLECTOR_ADDR) != 0;
            boolean wildSender = (pattern & XdpStructs.STAMP_WILD_SENDER_ADDR) != 0;
            boolean wildPort = (pattern & XdpStructs.STAMP_WILD_SENDER_PORT) != 0;
            boolean wildSsid = (pattern & XdpStructs.STAMP_WILD_SSID) != 0;
            // A pattern that matches the SSID gets its own; the others share none with them by port.
            Session s = new Session(wildReflector ? null : R, wildSender ? null : S1, port, wildPort ? 0 : 33000 + pattern,
                    wildSsid ? XdpStructs.STAMP_ANY_SSID : 0x2000 + pattern, 60 + pattern, 0, EE, 64, List.of());
            assertEquals(pattern, s.pattern());
            sessions.add(s);
            maps.add(s);
        }
        assertEquals(0xFFFF, maps.portMask(port), "every pattern is marked in use on the port");
        for (Session s : sessions) {
            // A packet that only this session can match: the SSID it names, the port it names, ...
            int sport = s.senderPort() != 0 ? s.senderPort() : 34000 + s.pattern();
            int ssid = s.ssid() != XdpStructs.STAMP_ANY_SSID ? s.ssid() : 0x3000 + s.pattern();
            if (s.senderPort() == 0 && s.ssid() == XdpStructs.STAMP_ANY_SSID) {
                // Patterns 12..15 differ only in address wildcards: 12 names R and S1, so the
                // others are reached from elsewhere (below); 12 itself is reached here.
                if (s.pattern() != 12) {
                    continue;
                }
            }
            Frame f = request(S1, sport, port, 90 + s.pattern(), ssid);
            reflectAndCheck(f, s, 90 + s.pattern(), S1_MAC, R0_MAC, XDP_TX);
        }
        // Pattern 13 (any reflector address, S1, any port, any SSID) loses to 12 for R; to R_OTHER it wins.
        Frame toOther = request(S1, 34013, port, 113, 0x3013);
        toOther.dst = R_OTHER;
        reflectAndCheck(toOther, sessions.get(13), 113, S1_MAC, R0_MAC, XDP_TX);
        // Pattern 14 (R, any sender, any port, any SSID): S2 to R.
        reflectAndCheck(request(S2, 34014, port, 114, 0x3014), sessions.get(14), 114, S2_MAC, R0_MAC, XDP_TX);
        // Pattern 15 (everything wild): S2 to R_OTHER.
        Frame anything = request(S2, 34015, port, 115, 0x3015);
        anything.dst = R_OTHER;
        reflectAndCheck(anything, sessions.get(15), 115, S2_MAC, R0_MAC, XDP_TX);
    }

    @Test
    void taiOffsetIsTakenFromTheConfiguration() {
        Session s = exact(S1, 32004, 5, 53, 0, List.of());
        maps.add(s);
        long offset = XdpBed.kernelTaiOffsetNanos();
        // Claim TAI runs 5 s further ahead than it does: the program's UTC comes out 5 s early.
        XdpBed.setConfig(maps.config, offset + 5_000_000_000L);
        try {
            byte[] in = request(S1, 32004, 862, 3, 5).build();
            long before = Libc.realtimeNanos();
            byte[] out = bed.run(fd, in).frame();
            long after = Libc.realtimeNanos();
            long t2 = Timestamps.fromNtp(Replies.u64(out, Replies.payloadOffset(0) + 16));
            assertTrue(t2 >= before - 5_000_000_000L - SLACK_NS && t2 <= after - 5_000_000_000L + SLACK_NS,
                    "T2 is CLOCK_TAI minus the configured offset: " + t2 + " vs [" + before + ", " + after + "] - 5 s");
        } finally {
            XdpBed.setConfig(maps.config, offset);
        }
    }

    @Test
    void paddingIsTrimmedAndTheReplyKeepsOnlyTheDscp() {
        Session s = exact(S1, 32005, 5, 54, 0, List.of());
        maps.add(s);
        Frame f = request(S1, 32005, 862, 9, 5, Payloads.padding(3));
        f.padding = 12; // Ethernet padding after the IPv6 packet
        f.trafficClass = 0xBB; // DSCP 46, ECN 11
        f.flowLabel = 0xFFFFF;
        byte[] out = reflectAndCheck(f, s, 9, S1_MAC, R0_MAC, XDP_TX);
        assertEquals(f.build().length - 12, out.length);
        assertEquals(0xB8, ((out[14] & 0x0F) << 4) | ((out[15] & 0xF0) >>> 4), "traffic class DSCP 46, ECN 0");
    }

    /**
     * A request whose checksum a local sender left to the device (CHECKSUM_PARTIAL through a veth:
     * the field holds the pseudo-header sum) is answered, as the kernel would accept it, and the
     * reply carries a complete checksum; one off by one is still refused.
     */
    @Test
    void partialChecksumsOfLocalSendersAreAcceptedAndRepliesCarryCompleteOnes() {
        Session s = exact(S1, 32008, 5, 57, 0, List.of(GW, S1));
        maps.add(s);
        for (byte[][] tlvs : new byte[][][] {{}, {Payloads.padding(9)}}) {
            Frame f = request(S1, 32008, 862, 70 + tlvs.length, 5, tlvs);
            f.checksum = f.partialChecksum();
            assertNotEquals(f.rightChecksum(), f.checksum, "a partial checksum is not the complete one");
            reflectAndCheck(f, s, 70 + tlvs.length, GW_MAC, R0_MAC, XDP_TX);
        }
        Frame off = request(S1, 32008, 862, 80, 5);
        off.checksum = off.partialChecksum() ^ 1;
        byte[] in = off.build();
        BpfTestRun.XdpResult r = bed.run(fd, in);
        assertEquals(XDP_PASS, r.retval(), "neither complete nor partial: left to the kernel");
        assertArrayEquals(in, r.frame());
    }

    /**
     * With a route TTL the reply's route (next hop) is looked up once and reused until it expires:
     * a neighbour that changes its MAC meanwhile is followed after the TTL, not before.
     */
    @Test
    void routesAreReusedForTheirTtlAndLookedUpAgainAfter() throws Exception {
        Session s = exact(S2, 32009, 5, 58, 0, List.of());
        maps.add(s);
        BpfMap config = reflector.map("refl_config");
        try {
            try (Arena a = Arena.ofConfined()) {
                MemorySegment v = a.allocate(XdpStructs.STAMP_XDP_CONFIG);
                XdpStructs.config(v, XdpBed.kernelTaiOffsetNanos(), 300_000_000L);
                config.update(BpfMap.indexKey(0), v.toArray(ValueLayout.JAVA_BYTE));
            }
            byte[] moved = Frame.mac(2, 0, 0, 0, 9, 0x03);
            reflectAndCheck(request(S2, 32009, 862, 90, 5), s, 90, S2_MAC, R0_MAC, XDP_TX);
            bed.ns.ip("-6", "neigh", "replace", "fd00:1::3", "lladdr", "02:00:00:00:09:03", "dev", "r0", "nud",
                    "permanent");
            reflectAndCheck(request(S2, 32009, 862, 91, 5), s, 91, S2_MAC, R0_MAC, XDP_TX);
            Thread.sleep(400);
            reflectAndCheck(request(S2, 32009, 862, 92, 5), s, 92, moved, R0_MAC, XDP_TX);
        } finally {
            bed.ns.ip("-6", "neigh", "replace", "fd00:1::3", "lladdr", "02:00:00:00:01:03", "dev", "r0", "nud",
                    "permanent");
            XdpBed.setConfig(config, XdpBed.kernelTaiOffsetNanos());
        }
    }

    @Test
    void longPayloadsAreVerifiedAndAnswered() {
        Session s = exact(S1, 32006, 5, 55, 0, List.of(GW, S1));
        maps.add(s);
        // 1 and 3 checksum chunks plus an odd tail, with the TLV flags at odd and even offsets.
        for (int value : new int[] {457, 1371, 2999}) {
            Frame f = request(S1, 32006, 862, value, 5, Payloads.padding(value), Payloads.padding(2));
            reflectAndCheck(f, s, value, GW_MAC, R0_MAC, XDP_TX);
        }
    }

    @Test
    void sixteenPaddingTlvsAreTheMost() {
        Session s = exact(S1, 32007, 5, 56, 0, List.of());
        maps.add(s);
        byte[][] sixteen = new byte[16][];
        for (int k = 0; k < 16; k++) {
            sixteen[k] = Payloads.tlv(k % 2 == 0 ? 0x80 : 0x90, 1, k, k);
        }
        reflectAndCheck(request(S1, 32007, 862, 1, 5, sixteen), s, 1, S1_MAC, R0_MAC, XDP_TX);
    }

    @Test
    void eightExtensionHeadersAndARoutingHeaderWithNothingLeftAreWalked() {
        Session s = exact(S1, 32008, 5, 57, 0, List.of());
        maps.add(s);
        Frame f = request(S1, 32008, 862, 2, 5);
        f.ext.add(Frame.Ext.options(0, 0));
        for (int k = 0; k < 6; k++) {
            f.ext.add(Frame.Ext.options(60, k % 3));
        }
        // RFC 8200 section 4.4: a routing type the node does not know, with Segments Left 0, is skipped.
        f.ext.add(Frame.Ext.routing(0, 0, List.of(addr("fd00:9::1"))));
        assertEquals(8, f.ext.size());
        reflectAndCheck(f, s, 2, S1_MAC, R0_MAC, XDP_TX);
    }

    @Test
    void returnPathsUpToTheHeadroomAreBuilt() {
        // Without a forward SRH the reply's header block grows by 8 + 16n into the headroom,
        // of which BPF_PROG_RUN (like drivers) leaves 216 octets after the xdp_frame: 13 segments.
        List<byte[]> path = new ArrayList<>();
        path.add(GW);
        for (int k = 1; k < 12; k++) {
            path.add(addr("fd00:8::" + k));
        }
        path.add(S1);
        Session s = exact(S1, 32009, 5, 58, 0, path);
        maps.add(s);
        reflectAndCheck(request(S1, 32009, 862, 4, 5), s, 4, GW_MAC, R0_MAC, XDP_TX);
        // A forward SRH makes room: 32 segments back after one of 20 forward.
        List<byte[]> longPath = new ArrayList<>();
        longPath.add(GW);
        for (int k = 1; k < 31; k++) {
            longPath.add(addr("fd00:8::" + Integer.toHexString(k)));
        }
        longPath.add(S1);
        Session longest = exact(S1, 32010, 5, 59, 0, longPath);
        maps.add(longest);
        Frame f = request(S1, 32010, 862, 5, 5);
        List<byte[]> forward = new ArrayList<>(List.of(R));
        for (int k = 1; k < 20; k++) {
            forward.add(addr("fd00:9::" + Integer.toHexString(k)));
        }
        f.ext.add(Frame.Ext.srh(forward, 0, 19));
        reflectAndCheck(f, longest, 5, GW_MAC, R0_MAC, XDP_TX);
    }
}
