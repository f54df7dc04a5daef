package io.stampd.dataplane.xdp;

import io.stampd.dataplane.session.RateLimit;
import io.stampd.dataplane.testing.Frame;
import io.stampd.sys.bpf.BpfObject;
import io.stampd.sys.bpf.BpfTestRun;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

import static io.stampd.dataplane.xdp.XdpBed.R;
import static io.stampd.dataplane.xdp.XdpBed.S1;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The XDP programs under hostile input (issue 14): a million generated frames each through
 * BPF_PROG_TEST_RUN, random ones and mutations of well-formed requests and replies (bit flips,
 * interesting octets, cuts, growth, with their lengths and checksum repaired half of the time so
 * that the mutations get past those gates). The verifier has already proved every access in
 * bounds; these tests hold the programs to their contract on the frames that get through:
 * <ul>
 * <li>the reflector answers (XDP_TX, or XDP_REDIRECT to the interface of the route back) only a whole, well-formed request (UDP checksum right,
 * only Extra Padding TLVs) of an in-kernel session whose fields it carries, with a reply of the
 * request's length (RFC 8762 §4.3), from the port it was sent to, echoing its sequence number;</li>
 * <li>the collector takes (XDP_DROP, one ring record) only a well-formed reply of an in-kernel
 * sender session;</li>
 * <li>everything else passes up untouched, and no other action ever comes back.</li>
 * </ul>
 * The seed is fixed (the run is reproducible) and printed; STAMPD_HOSTILE_FRAMES sets the count.
 */
class XdpHostileFramesTest {
    private static final int XDP_DROP = 1;
    private static final int XDP_PASS = 2;
    private static final int XDP_TX = 3;
    private static final int XDP_REDIRECT = 4;
    private static final int MIN_FRAME = 14;
    private static final int FRAMES = Integer.getInteger("stampd.hostile.frames",
            Integer.parseInt(System.getenv().getOrDefault("STAMPD_HOSTILE_FRAMES", "1000000")));
    private static final byte[] INTERESTING = {0, 1, 4, 8, 17, 43, 44, 60, 0x3a, (byte) 0x86, (byte) 0xdd, 0x60,
        (byte) 0x7f, (byte) 0x80, (byte) 0xff, 0x03, 0x5e};
    private XdpBed bed;

    @AfterEach
    void close() {
        if (bed != null) {
            bed.close();
        }
    }

    private interface Oracle {
        /** Checks one run of {@code in}: throws AssertionError if the program broke its contract. */
        void check(byte[] in, BpfTestRun.XdpResult r, long[] outcomes);
    }

    @Test
    void theReflectorAnswersOnlyWellFormedRequestsOfItsSessions() {
        XdpTestEnv.require();
        bed = XdpBed.create();
        BpfObject program = bed.reflector();
        ReflectorMaps maps = new ReflectorMaps(program);
        int fd = program.programFd("stamp_reflector");
        maps.add(StampReflectorMalformedTest.session(R, S1, 862, 50000, 1, 0, List.of()));
        maps.add(StampReflectorMalformedTest.session(R, S1, 862, 50001, 2, XdpStructs.STAMP_RS_STATEFUL, List.of()));
        maps.add(StampReflectorMalformedTest.session(R, S1, 862, 50002, 3, XdpStructs.STAMP_RS_USER, List.of()));
        maps.add(StampReflectorMalformedTest.session(R, null, 5000, 0, 4, 0, List.of()));
        // Every answer passes the per-source buckets (mutated sources fill and churn the LRU map);
        // the limit is far above what the run sends, so none is dropped.
        maps.sourceLimit(RateLimit.MAX_PACKETS_PER_SECOND, RateLimit.MAX_BURST);
        List<byte[]> bases = new ArrayList<>();
        bases.add(StampReflectorMalformedTest.b1().build());
        bases.add(StampReflectorMalformedTest.b2().build());
        bases.add(StampReflectorMalformedTest.b3().build());
        bases.add(StampReflectorMalformedTest.request(S1, 50002, 862).build());
        bases.add(StampReflectorMalformedTest.request(XdpBed.REMOTE_VIA_GW, 1, 5000, Payloads.padding(20)).build());
        bases.add(StampReflectorMalformedTest.request(S1, 50000, 862, Payloads.tlv(0x80, 4, 4, 0)).build());
        for (byte[] base : bases.subList(0, 3)) {
            assertEquals(XDP_TX, bed.run(fd, base).retval(), "a base request is answered");
        }
        long[] outcomes = fuzz(fd, bases, (in, r, counts) -> {
            WireFrame q = WireFrame.read(in);
            if (r.retval() == XDP_PASS) {
                assertArrayEquals(in, r.frame(), "a passed frame must be untouched");
                return;
            }
            // XDP_REDIRECT: a reply whose route back leaves through the other interface.
            assertTrue(r.retval() == XDP_TX || r.retval() == XDP_REDIRECT,
                    "the reflector's actions are XDP_PASS, XDP_TX and XDP_REDIRECT, not " + r.retval());
            String what = "answered: " + hex(in);
            assertTrue(q != null && q.checksumValid(), "not a whole UDP datagram with a right checksum " + what);
            int p = q.udp() + 8;
            int ssid = WireFrame.u16(in, p + 14);
            boolean exact = Arrays.equals(q.src(), S1) && q.dport() == 862 && (q.sport() == 50000 || q.sport() == 50001);
            boolean anySender = q.dport() == 5000;
            assertTrue(Arrays.equals(q.dst(), R) && ssid == 7 && (exact || anySender), "no session's " + what);
            assertTrue(q.payloadLength() >= 44 && WireFrame.onlyPaddingTlvs(in, p, q.payloadLength()),
                    "not a well-formed request " + what);
            WireFrame a = WireFrame.read(r.frame());
            assertTrue(a != null && a.checksumValid(), "a reply that is no valid datagram " + what);
            assertEquals(q.payloadLength(), a.payloadLength(), "the reply is as long as the request " + what);
            assertArrayEquals(R, a.src(), "the reply's source " + what);
            assertEquals(q.dport(), a.sport(), "the reply's source port " + what);
            assertEquals(q.sport(), a.dport(), "the reply's destination port " + what);
            assertEquals(WireFrame.u32(in, p), WireFrame.u32(r.frame(), a.udp() + 8 + 24),
                    "the reply's Sender Sequence Number " + what);
        });
        long answered = outcomes[XDP_TX] + outcomes[XDP_REDIRECT];
        System.out.printf("reflector: %d frames, %d answered (%d redirected), %d passed%n", FRAMES, answered,
                outcomes[XDP_REDIRECT], outcomes[XDP_PASS]);
        assertTrue(answered >= FRAMES / 100, "the generator must reach the answered path: " + answered);
        assertTrue(!maps.sources.keys().isEmpty(), "the answers went through the per-source buckets");
        assertEquals(0, maps.stats()[XdpStructs.STAMP_C_SOURCE_LIMITED], "none over that limit");
        assertTrue(outcomes[XDP_PASS] >= FRAMES / 2, "and the passed one: " + outcomes[XDP_PASS]);
    }

    @Test
    void theCollectorTakesOnlyWellFormedRepliesOfItsSessions() {
        XdpTestEnv.require();
        bed = XdpBed.create();
        BpfObject program = bed.collector();
        CollectorMaps maps = new CollectorMaps(program);
        try {
            int fd = program.programFd("stamp_collector");
            int port = StampCollectorProgramTest.SENDER_PORT;
            maps.add(S1, 862, port, StampCollectorProgramTest.SSID, 1, 0);
            maps.add(S1, 862, port + 1, StampCollectorProgramTest.SSID, 2, XdpStructs.STAMP_SS_USER);
            maps.add(XdpBed.REMOTE_VIA_GW, 1862, port + 2, 0xFFFF, 3, 0);
            List<byte[]> bases = new ArrayList<>();
            bases.add(StampCollectorProgramTest.reply(5, 6).build());
            bases.add(StampCollectorProgramTest.reply(7, 8, Payloads.padding(12)).build());
            Frame user = StampCollectorProgramTest.reply(1, 2);
            user.dport = port + 1;
            bases.add(user.build());
            Frame remote = StampCollectorProgramTest.reply(3, 4);
            remote.src = XdpBed.REMOTE_VIA_GW;
            remote.sport = 1862;
            remote.dport = port + 2;
            remote.payload = Payloads.reflector(3, 1L, StampCollectorProgramTest.REFLECTOR_EE, 0xFFFF, 2L, 4, 3L,
                    StampCollectorProgramTest.SENDER_EE, 64);
            bases.add(remote.build());
            assertEquals(XDP_DROP, bed.run(fd, bases.get(0)).retval(), "a base reply is collected");
            maps.drain();
            long[] outcomes = fuzz(fd, bases, (in, r, counts) -> {
                if (r.retval() == XDP_PASS) {
                    assertArrayEquals(in, r.frame(), "a passed frame must be untouched");
                    return;
                }
                assertEquals(XDP_DROP, r.retval(), "the collector's actions are XDP_PASS and XDP_DROP");
                String what = "collected: " + hex(in);
                WireFrame a = WireFrame.read(in);
                assertTrue(a != null && a.checksumValid(), "not a whole UDP datagram with a right checksum " + what);
                int ssid = WireFrame.u16(in, a.udp() + 8 + 14);
                boolean s1 = Arrays.equals(a.src(), S1) && a.sport() == 862 && a.dport() == port
                        && ssid == StampCollectorProgramTest.SSID;
                boolean remoteSession = Arrays.equals(a.src(), XdpBed.REMOTE_VIA_GW) && a.sport() == 1862
                        && a.dport() == port + 2 && ssid == 0xFFFF;
                assertTrue(s1 || remoteSession, "no session's " + what);
                assertTrue(a.payloadLength() >= 44 && WireFrame.onlyPaddingTlvs(in, a.udp() + 8, a.payloadLength()),
                        "not a well-formed reply " + what);
                if (counts[XDP_DROP] % 256 == 255) {
                    maps.drain(); // keep the ring from filling
                }
            });
            long records = outcomes[XDP_DROP];
            System.out.printf("collector: %d frames, %d collected, %d passed%n", FRAMES, records, outcomes[XDP_PASS]);
            assertTrue(records >= FRAMES / 100, "the generator must reach the collected path: " + records);
        } finally {
            maps.close();
        }
    }

    /** Runs FRAMES generated frames through the program in its namespace; outcomes by XDP action. */
    private long[] fuzz(int fd, List<byte[]> bases, Oracle oracle) {
        long seed = Long.getLong("stampd.hostile.seed", 0x57A3_9D00L);
        System.out.printf("hostile frames: seed %#x, %d frames%n", seed, FRAMES);
        return bed.ns.call(() -> {
            SplittableRandom random = new SplittableRandom(seed);
            long[] outcomes = new long[5];
            for (int n = 0; n < FRAMES; n++) {
                byte[] in = generate(random, bases);
                BpfTestRun.XdpResult r = BpfTestRun.runXdp(fd, in, bed.r0);
                int action = r.retval();
                assertTrue(action >= 0 && action < outcomes.length, "XDP action " + action);
                oracle.check(in, r, outcomes);
                outcomes[action]++;
            }
            return outcomes;
        });
    }

    /** One hostile frame: random octets (1 in 16), else a base frame mutated one to four times. */
    static byte[] generate(SplittableRandom random, List<byte[]> bases) {
        if (random.nextInt(16) == 0) {
            // At least an Ethernet header: the kernel hands XDP nothing shorter (and the test run refuses it).
            byte[] noise = new byte[MIN_FRAME + random.nextInt(200)];
            random.nextBytes(noise);
            if (random.nextBoolean()) {
                noise[12] = (byte) 0x86;
                noise[13] = (byte) 0xdd;
            }
            return noise;
        }
        byte[] f = bases.get(random.nextInt(bases.size())).clone();
        int mutations = random.nextInt(8) == 0 ? 0 : 1 + random.nextInt(4);
        for (int m = 0; m < mutations; m++) {
            // Mostly in the headers and the base packet, where the decisions are made.
            int at = random.nextInt(4) == 0 ? random.nextInt(f.length) : random.nextInt(Math.min(f.length, 150));
            switch (random.nextInt(6)) {
                case 0 -> f[at] ^= (byte) (1 << random.nextInt(8));
                case 1 -> f[at] = INTERESTING[random.nextInt(INTERESTING.length)];
                case 2 -> f[at] = (byte) random.nextInt(256);
                case 3 -> f = Arrays.copyOf(f, Math.max(MIN_FRAME, at));
                case 4 -> {
                    byte[] grown = Arrays.copyOf(f, f.length + 1 + random.nextInt(64));
                    for (int i = f.length; i < grown.length; i++) {
                        grown[i] = random.nextInt(3) == 0 ? (byte) random.nextInt(256) : 0;
                    }
                    f = grown;
                }
                default -> {
                    int to = random.nextInt(f.length);
                    f[to] = f[at]; // move a field's octet elsewhere (port into SSID, ...)
                }
            }
        }
        if (random.nextBoolean()) {
            WireFrame.repair(f);
        }
        return f;
    }

    private static String hex(byte[] f) {
        return java.util.HexFormat.of().formatHex(f);
    }
}
