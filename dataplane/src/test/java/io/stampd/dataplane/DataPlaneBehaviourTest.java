package io.stampd.dataplane;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stampd.dataplane.codec.ClassOfServiceTlv;
import io.stampd.dataplane.codec.TimestampFormat;
import io.stampd.dataplane.session.ClassOfServicePolicy;
import io.stampd.dataplane.session.ClassOfServiceRequest;
import io.stampd.dataplane.session.ClassOfServiceSummary;
import io.stampd.dataplane.session.Ipv6Addresses;
import io.stampd.dataplane.session.ReflectorSessionConfig;
import io.stampd.dataplane.session.SenderSessionConfig;
import io.stampd.dataplane.session.SenderStatistics;
import io.stampd.dataplane.session.StampRecord;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * One behavioural suite for every data plane, over the loopback interface (no namespaces needed):
 * what a sender measures, what a reflector answers and what it refuses.
 */
class DataPlaneBehaviourTest {
    private static final Inet6Address LOOPBACK = Ipv6Addresses.parse("::1", "test");

    static java.util.stream.Stream<DataPlanes.Factory> planes() {
        return DataPlanes.all();
    }

    private static int freePort() {
        return ThreadLocalRandom.current().nextInt(20000, 60000);
    }

    private static ReflectorSessionConfig reflector(int port, int ssid, boolean stateful, byte[] key) {
        return new ReflectorSessionConfig(1, ssid, null, 0, null, port, List.of(), TimestampFormat.NTP, stateful, key);
    }

    private static SenderSessionConfig.Builder sender(int port) {
        return SenderSessionConfig.builder().reflectorAddress(LOOPBACK).reflectorPort(port).ssid(5)
                .intervalNanos(1_000_000).packetCount(20).lossTimeoutNanos(1_000_000_000L);
    }

    private static void await(BooleanSupplier cond, long millis) throws InterruptedException {
        long end = System.currentTimeMillis() + millis;
        while (!cond.getAsBoolean() && System.currentTimeMillis() < end) {
            Thread.sleep(5);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("planes")
    void measuresEveryPacketWithFourDistinctTimestamps(DataPlanes.Factory f) throws Exception {
        int port = freePort();
        try (DataPlane dp = f.create().get()) {
            ReflectorHandle r = dp.startReflector(reflector(port, 5, false, null));
            SenderSessionConfig c = sender(port).build();
            SenderStatistics st = SenderStatistics.forSession(c);
            SenderHandle h = dp.startSender(c, st);
            await(() -> st.snapshot(System.nanoTime()).received() == 20, 5000);
            SenderStatistics.Snapshot s = st.snapshot(System.nanoTime());
            assertEquals(20, s.sent());
            assertEquals(20, s.received());
            assertTrue(h.finished());
            List<StampRecord> records = st.drainRecords();
            assertEquals(20, records.size());
            for (StampRecord rec : records) {
                assertTrue(rec.t1() <= rec.t2() && rec.t2() < rec.t3() && rec.t3() <= rec.t4(), rec.toString());
                assertNotEquals(rec.t2(), rec.t3());
                assertEquals(64, rec.senderTtl(), "loopback keeps the default hop limit");
                assertEquals(rec.seq(), rec.reflectorSeq(), "a stateless reflector copies the sequence number");
                assertTrue(rec.roundTripNanos() > 0 && rec.roundTripNanos() < 50_000_000L);
            }
            assertEquals(20, r.counters().reflected());
            assertEquals(19, r.counters().lastSenderSeq());
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("planes")
    void eachEndDecodesTimestampsWithTheFormatOfTheNodeThatWroteThem(DataPlanes.Factory f) throws Exception {
        for (TimestampFormat senderFormat : TimestampFormat.values()) {
            for (TimestampFormat reflectorFormat : TimestampFormat.values()) {
                int port = freePort();
                try (DataPlane dp = f.create().get()) {
                    dp.startReflector(new ReflectorSessionConfig(1, 5, null, 0, null, port, List.of(), reflectorFormat,
                            false, null));
                    SenderSessionConfig c = sender(port).timestampFormat(senderFormat).packetCount(5).build();
                    SenderStatistics st = SenderStatistics.forSession(c);
                    dp.startSender(c, st);
                    await(() -> st.snapshot(System.nanoTime()).received() == 5, 3000);
                    String combo = senderFormat + " sender, " + reflectorFormat + " reflector";
                    for (StampRecord rec : st.drainRecords()) {
                        // One clock on both ends: one-way delays are small and positive only if every
                        // timestamp was decoded with the right format (NTP and PTP differ by 70 years
                        // of epoch and 37 s of TAI offset).
                        assertTrue(rec.forwardNanos() >= 0 && rec.forwardNanos() < 50_000_000L, combo + ": " + rec);
                        assertTrue(rec.backwardNanos() >= 0 && rec.backwardNanos() < 50_000_000L, combo + ": " + rec);
                    }
                    assertEquals(5, st.snapshot(System.nanoTime()).received(), combo);
                }
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("planes")
    void unprovisionedSessionsAreDroppedAndCounted(DataPlanes.Factory f) throws Exception {
        int port = freePort();
        try (DataPlane dp = f.create().get()) {
            dp.startReflector(reflector(port, 6, false, null));
            SenderSessionConfig c = sender(port).packetCount(10).build(); // ssid 5: not provisioned
            SenderStatistics st = SenderStatistics.forSession(c);
            dp.startSender(c, st);
            await(() -> dp.counters().unmatched() >= 10, 3000);
            assertEquals(10, dp.counters().unmatched());
            assertEquals(0, st.snapshot(System.nanoTime()).received());
        }
    }

    /**
     * RFC 8972 §3: a test session is the SSID plus the 4-tuple. Besides the SSID, a reflector session
     * that names the sender's address, the sender's port or its own address answers only packets
     * that carry them; the others are counted as unmatched and get no reply.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("planes")
    void eachPartOfTheFourTupleSelectsTheSession(DataPlanes.Factory f) throws Exception {
        Inet6Address elsewhere = Ipv6Addresses.parse("fd00:5ea::99", "test");
        int senderPort = freePort();
        int[] ports = {freePort(), freePort(), freePort(), freePort()};
        try (DataPlane dp = f.create().get()) {
            // 0: the whole 4-tuple is ours; 1: another sender port; 2: another sender; 3: another reflector address
            dp.startReflector(new ReflectorSessionConfig(1, 5, LOOPBACK, senderPort, LOOPBACK, ports[0],
                    List.of(), TimestampFormat.NTP, false, null));
            dp.startReflector(new ReflectorSessionConfig(2, 5, null, senderPort + 1, null, ports[1],
                    List.of(), TimestampFormat.NTP, false, null));
            dp.startReflector(new ReflectorSessionConfig(3, 5, elsewhere, 0, null, ports[2],
                    List.of(), TimestampFormat.NTP, false, null));
            dp.startReflector(new ReflectorSessionConfig(4, 5, null, 0, elsewhere, ports[3],
                    List.of(), TimestampFormat.NTP, false, null));
            long[] received = new long[ports.length];
            for (int i = 0; i < ports.length; i++) {
                long unmatchedBefore = dp.counters().unmatched();
                SenderSessionConfig c = sender(ports[i]).id(10 + i).senderAddress(LOOPBACK).senderPort(senderPort)
                        .packetCount(5).build();
                SenderStatistics st = SenderStatistics.forSession(c);
                SenderHandle h = dp.startSender(c, st);
                int expectedUnmatched = i == 0 ? 0 : 5;
                await(() -> st.snapshot(System.nanoTime()).received() == 5
                        || dp.counters().unmatched() - unmatchedBefore >= 5, 3000);
                Thread.sleep(50); // a late reply or count would show now
                received[i] = st.snapshot(System.nanoTime()).received();
                assertEquals(expectedUnmatched, dp.counters().unmatched() - unmatchedBefore, "reflector session " + (i + 1));
                h.close();
            }
            assertEquals(List.of(5L, 0L, 0L, 0L), java.util.Arrays.stream(received).boxed().toList());
        }
    }

    /**
     * RFC 8972 §3: sender sessions that share one source port are told apart by SSID, reflector
     * address and reflector port. Three sessions from one port (two SSIDs towards one reflector
     * port, and one SSID towards two reflector ports) run at once, each with its own packet count:
     * every session gets exactly its own replies, none of another's.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("planes")
    void sessionsSharingASourcePortEachGetOnlyTheirOwnReplies(DataPlanes.Factory f) throws Exception {
        int senderPort = freePort();
        int portA = freePort();
        int portB = portA + 1;
        try (DataPlane dp = f.create().get()) {
            ReflectorHandle reflectorA = dp.startReflector(reflector(portA, ReflectorSessionConfig.ANY_SSID, false, null));
            ReflectorHandle reflectorB = dp.startReflector(reflector(portB, 5, false, null));
            // Each pair of sessions differs in one field only: ssid 5 and 6 to A, ssid 5 to A and to B.
            List<SenderSessionConfig> configs = List.of(
                    sender(portA).id(1).ssid(5).packetCount(10),
                    sender(portA).id(2).ssid(6).packetCount(15),
                    sender(portB).id(3).ssid(5).packetCount(20)).stream()
                    .map(b -> b.senderAddress(LOOPBACK).senderPort(senderPort).intervalNanos(2_000_000).build())
                    .toList();
            List<SenderStatistics> stats = configs.stream().map(SenderStatistics::forSession).toList();
            for (int i = 0; i < configs.size(); i++) {
                dp.startSender(configs.get(i), stats.get(i));
            }
            await(() -> stats.stream().mapToLong(st -> st.snapshot(System.nanoTime()).received()).sum() >= 45, 5000);
            Thread.sleep(50); // a reply handed to the wrong session would show now
            for (int i = 0; i < configs.size(); i++) {
                SenderSessionConfig c = configs.get(i);
                SenderStatistics.Snapshot s = stats.get(i).snapshot(System.nanoTime());
                String session = "session " + c.id() + " (ssid " + c.ssid() + ", port " + c.reflectorPort() + ")";
                assertEquals(c.packetCount(), s.sent(), session);
                assertEquals(c.packetCount(), s.received(), session);
                assertEquals(0, s.duplicates(), session);
                assertEquals(0, s.rejected(), session + ": no reply to a sequence number it never sent");
                assertEquals(java.util.stream.LongStream.range(0, c.packetCount()).boxed().toList(),
                        stats.get(i).drainRecords().stream().map(StampRecord::seq).toList(), session);
            }
            assertEquals(25, reflectorA.counters().reflected());
            assertEquals(20, reflectorB.counters().reflected());
            assertEquals(0, dp.counters().unmatched());
        }
    }

    /**
     * RFC 8972 §3: two sender sessions with the same SSID towards the same reflector address and
     * port from one source port could not tell their replies apart, so the data plane refuses the
     * second, naming both sessions and the SSID. The first keeps running; the same SSID towards
     * another reflector port is accepted, and so is the refused one once the first has ended.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("planes")
    void aSecondSessionWithTheSameSsidTowardsTheSameReflectorFromTheSamePortIsRefused(DataPlanes.Factory f)
            throws Exception {
        int senderPort = freePort();
        int port = freePort();
        try (DataPlane dp = f.create().get()) {
            dp.startReflector(reflector(port, ReflectorSessionConfig.ANY_SSID, false, null));
            SenderSessionConfig first = sender(port).id(1).ssid(5).senderAddress(LOOPBACK).senderPort(senderPort)
                    .packetCount(10).build();
            SenderStatistics firstStats = SenderStatistics.forSession(first);
            SenderHandle firstHandle = dp.startSender(first, firstStats);
            SenderSessionConfig twin = sender(port).id(2).ssid(5).senderAddress(LOOPBACK).senderPort(senderPort)
                    .packetCount(10).build();
            DataPlaneException e = assertThrows(DataPlaneException.class,
                    () -> dp.startSender(twin, SenderStatistics.forSession(twin)));
            assertEquals(DataPlaneException.Reason.INVALID_CONFIGURATION, e.reason());
            assertTrue(e.getMessage().contains("sender session 2") && e.getMessage().contains("session 1")
                    && e.getMessage().contains("ssid 5"), e.getMessage());

            await(() -> firstStats.snapshot(System.nanoTime()).received() == 10, 3000);
            assertEquals(10, firstStats.snapshot(System.nanoTime()).received(), "the first session is unaffected");

            SenderSessionConfig otherPort = sender(port + 1).id(3).ssid(5).senderAddress(LOOPBACK)
                    .senderPort(senderPort).packetCount(1).build();
            dp.startSender(otherPort, SenderStatistics.forSession(otherPort)).close();

            firstHandle.close();
            SenderStatistics twinStats = SenderStatistics.forSession(twin);
            dp.startSender(twin, twinStats);
            await(() -> twinStats.snapshot(System.nanoTime()).received() == 10, 3000);
            assertEquals(10, twinStats.snapshot(System.nanoTime()).received(), "accepted once the first has ended");
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("planes")
    void authenticatedModeVerifiesTheHmacAtBothEnds(DataPlanes.Factory f) throws Exception {
        int port = freePort();
        byte[] key = "0123456789abcdef0123456789abcdef".getBytes();
        try (DataPlane dp = f.create().get()) {
            ReflectorHandle r = dp.startReflector(reflector(port, 5, false, key));
            SenderSessionConfig good = sender(port).hmacKey(key).packetCount(5).build();
            SenderStatistics st = SenderStatistics.forSession(good);
            dp.startSender(good, st);
            await(() -> st.snapshot(System.nanoTime()).received() == 5, 3000);
            assertEquals(5, st.snapshot(System.nanoTime()).received());
            assertEquals(112, good.packetLength());

            SenderSessionConfig bad = sender(port).hmacKey("wrong key".getBytes()).packetCount(5).build();
            SenderStatistics st2 = SenderStatistics.forSession(bad);
            dp.startSender(bad, st2);
            await(() -> r.counters().rejected() >= 5, 3000);
            assertEquals(5, r.counters().rejected());
            assertEquals(0, st2.snapshot(System.nanoTime()).received());
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("planes")
    void authenticatedPaddedPacketsCarryAnHmacTlvTheReflectorAccepts(DataPlanes.Factory f) throws Exception {
        int port = freePort();
        byte[] key = "another key of 32 octets ......!".getBytes();
        try (DataPlane dp = f.create().get()) {
            ReflectorHandle r = dp.startReflector(reflector(port, 5, false, key));
            SenderSessionConfig c = sender(port).hmacKey(key).packetLength(112 + 20 + 64).packetCount(5).build();
            SenderStatistics st = SenderStatistics.forSession(c);
            dp.startSender(c, st);
            await(() -> st.snapshot(System.nanoTime()).received() == 5, 3000);
            assertEquals(5, st.snapshot(System.nanoTime()).received());
            assertEquals(0, r.counters().rejected());
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("planes")
    void withFollowUpTelemetryEveryReplyButTheLastGetsTheTransmitTimeTheNextOneReports(DataPlanes.Factory f)
            throws Exception {
        int port = freePort();
        try (DataPlane dp = f.create().get()) {
            dp.startReflector(reflector(port, 5, true, null));
            SenderSessionConfig c = sender(port).followUpTelemetry(true).build();
            assertEquals(44 + 20, c.packetLength(), "the base packet and the Follow-Up Telemetry TLV");
            SenderStatistics st = SenderStatistics.forSession(c);
            SenderHandle h = dp.startSender(c, st);
            await(() -> st.snapshot(System.nanoTime()).received() == 20, 5000);
            await(h::finished, 1000);
            st.flushPending();
            assertEquals(19, st.followUps(), "reply k reports the transmit time of reply k-1");
            List<StampRecord> records = st.drainRecords();
            assertEquals(20, records.size());
            for (StampRecord rec : records) {
                assertTrue(rec.t2() < rec.t3() && rec.t3() <= rec.t4(), rec.toString());
            }
            assertEquals(0, st.snapshot(System.nanoTime()).repliesWithUnrecognizedTlv());
        }
    }

    /**
     * Class of Service (RFC 8972 §4.4, draft-ietf-ippm-stamp-cos-ecn): the reflector reports the
     * DSCP and ECN the test packets arrived with and answers with the DSCP and ECN asked for, or,
     * where its policy refuses them, with the request's DSCP, Not-ECT, RPD = 1 and RPE = 0b10; the
     * sender sees each on the reply's TLV and Traffic Class.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("planes")
    void classOfServiceReportsTheForwardMarksAndTheReplyCarriesWhatWasAskedOrRefused(DataPlanes.Factory f)
            throws Exception {
        int port = freePort();
        for (boolean allowed : new boolean[] {true, false}) {
            try (DataPlane dp = f.create().get()) {
                dp.startReflector(new ReflectorSessionConfig(1, 5, null, 0, null, port, List.of(), TimestampFormat.NTP,
                        false, null, false, new ClassOfServicePolicy(ClassOfServicePolicy.COPY_RECEIVED, allowed, allowed)));
                SenderSessionConfig c = sender(port).dscp(10).ecn(ClassOfServiceTlv.ECT0)
                        .classOfService(new ClassOfServiceRequest(46, ClassOfServiceTlv.ECT1)).build();
                assertEquals(44 + 8, c.packetLength(), "the base packet and the Class of Service TLV");
                SenderStatistics st = SenderStatistics.forSession(c);
                SenderHandle h = dp.startSender(c, st);
                await(() -> st.snapshot(System.nanoTime()).received() == 20, 5000);
                await(h::finished, 1000);
                ClassOfServiceSummary cos = st.classOfService();
                String what = (allowed ? "allowed: " : "refused: ") + cos;
                assertEquals(20, cos.replies(), what);
                assertEquals(10, cos.lastDscp2(), what);
                assertEquals(ClassOfServiceTlv.ECT0, cos.lastEcn2(), what);
                assertEquals(0, cos.forwardDscpChanged() + cos.forwardEcnChanged() + cos.replyEcnNotSupported(), what);
                assertEquals(allowed ? 0 : 20, cos.replyDscpRefused(), what);
                assertEquals(allowed ? 0 : 20, cos.replyEcnRefused(), what);
                assertEquals(allowed ? 46 << 2 | ClassOfServiceTlv.ECT1 : 10 << 2 | ClassOfServiceTlv.NOT_ECT,
                        cos.lastReplyTrafficClass(), what);
                assertEquals(0, cos.backwardDscpChanged() + cos.backwardEcnChanged(), what);
                assertEquals(0, st.snapshot(System.nanoTime()).repliesWithUnrecognizedTlv(), what);
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("planes")
    void statefulReflectorNumbersRepliesOnItsOwn(DataPlanes.Factory f) throws Exception {
        int port = freePort();
        try (DataPlane dp = f.create().get()) {
            dp.startReflector(reflector(port, 5, true, null));
            SenderSessionConfig c = sender(port).packetCount(10)
                    .reflectorMode(SenderStatistics.ReflectorMode.STATEFUL).build();
            SenderStatistics st = SenderStatistics.forSession(c);
            dp.startSender(c, st);
            await(() -> st.snapshot(System.nanoTime()).received() == 10, 3000);
            List<StampRecord> recs = st.drainRecords();
            for (int i = 0; i < recs.size(); i++) {
                assertEquals(i, recs.get(i).reflectorSeq());
            }
            SenderStatistics.Snapshot s = st.snapshot(System.nanoTime());
            assertEquals(0, s.forwardLost());
            assertEquals(0, s.backwardLost());

            // A second test session served by the same (wildcard-free SSID 5) provisioned session from
            // another source port is numbered on its own, from 0 again.
            SenderStatistics st2 = SenderStatistics.forSession(c);
            dp.startSender(c, st2);
            await(() -> st2.snapshot(System.nanoTime()).received() == 10, 3000);
            assertEquals(0, st2.drainRecords().getFirst().reflectorSeq());
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("planes")
    void replyHasTheRequestSizeAndShortOrGarbageInputIsCountedAndSurvived(DataPlanes.Factory f) throws Exception {
        int port = freePort();
        try (DataPlane dp = f.create().get();
             DatagramSocket raw = new DatagramSocket(new InetSocketAddress(LOOPBACK, 0))) {
            ReflectorHandle r = dp.startReflector(reflector(port, ReflectorSessionConfig.ANY_SSID, false, null));
            raw.setSoTimeout(1000);
            InetSocketAddress to = new InetSocketAddress(LOOPBACK, port);
            // Truncations at every length below the base packet: no reply, counted malformed.
            for (int len = 0; len < 44; len++) {
                raw.send(new DatagramPacket(new byte[len], len, to));
            }
            await(() -> dp.counters().malformed() >= 44, 3000);
            assertEquals(44, dp.counters().malformed());
            // A padded packet (base + Extra Padding TLV of 56 octets): the reply has the same size.
            byte[] req = new byte[104];
            ByteBuffer.wrap(req).putInt(0, 42).putShort(14, (short) 3);
            req[44] = (byte) 0x80; // U flag as sent by a Session-Sender
            req[45] = 1; // Extra Padding
            ByteBuffer.wrap(req).putShort(46, (short) 56);
            raw.send(new DatagramPacket(req, req.length, to));
            DatagramPacket reply = new DatagramPacket(new byte[2000], 2000);
            raw.receive(reply);
            assertEquals(104, reply.getLength());
            ByteBuffer b = ByteBuffer.wrap(reply.getData(), 0, reply.getLength());
            assertEquals(42, b.getInt(24), "sender sequence number copied");
            assertEquals(3, b.getShort(14), "SSID echoed");
            assertEquals(1, r.counters().reflected());
            // After all of that the loop still answers.
            raw.send(new DatagramPacket(req, 44, to));
            raw.receive(reply);
            assertEquals(44, reply.getLength());
            assertEquals(0, dp.counters().internalErrors());
        }
    }

    /** Sends {@code req} from a raw socket and returns the reply, or null if none came within 500 ms. */
    private static byte[] exchange(DatagramSocket raw, InetSocketAddress to, byte[] req) throws Exception {
        raw.send(new DatagramPacket(req, req.length, to));
        DatagramPacket reply = new DatagramPacket(new byte[2000], 2000);
        raw.setSoTimeout(500);
        try {
            raw.receive(reply);
        } catch (SocketTimeoutException e) {
            return null;
        }
        return java.util.Arrays.copyOf(reply.getData(), reply.getLength());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("planes")
    void malformedTlvsAreAnsweredWithTheMFlagAndBadHmacsWithTheIFlagOrDropped(DataPlanes.Factory f) throws Exception {
        int port = freePort();
        int keyedPort = port + 1;
        byte[] key = "k".repeat(32).getBytes();
        try (DataPlane dp = f.create().get();
             DatagramSocket raw = new DatagramSocket(new InetSocketAddress(LOOPBACK, 0))) {
            ReflectorHandle open = dp.startReflector(reflector(port, ReflectorSessionConfig.ANY_SSID, false, null));
            ReflectorHandle keyed = dp.startReflector(reflector(keyedPort, ReflectorSessionConfig.ANY_SSID, false, key));
            InetSocketAddress to = new InetSocketAddress(LOOPBACK, port);

            // Extra Padding TLV whose Length runs 4 octets past the end of the packet: M set, rest copied.
            byte[] tooLong = new byte[44 + 12];
            ByteBuffer.wrap(tooLong).put(44, (byte) 0x80).put(45, (byte) 1).putShort(46, (short) 12);
            byte[] r1 = exchange(raw, to, tooLong);
            assertEquals(56, r1.length);
            assertEquals(0x40, r1[44] & 0x40, "M flag on the malformed TLV");
            // A 3-octet fragment where a TLV header should be: M on it, the reply still symmetric.
            byte[] fragment = new byte[44 + 3];
            fragment[44] = (byte) 0x80;
            byte[] r2 = exchange(raw, to, fragment);
            assertEquals(47, r2.length);
            assertEquals(0x40, r2[44] & 0x40);
            // An unknown TLV type is copied back with U set.
            byte[] unknown = new byte[44 + 8];
            ByteBuffer.wrap(unknown).put(44, (byte) 0).put(45, (byte) 250).putShort(46, (short) 4);
            byte[] r3 = exchange(raw, to, unknown);
            assertEquals(0x80, r3[44] & 0x80, "U flag on a TLV the reflector does not understand");

            // Keyed session: base packet with a wrong HMAC is discarded before any use (RFC 8762 §4.4).
            InetSocketAddress keyedTo = new InetSocketAddress(LOOPBACK, keyedPort);
            assertEquals(null, exchange(raw, keyedTo, new byte[112]));
            assertEquals(1, keyed.counters().rejected());
            assertEquals(3, open.counters().reflected());
            assertEquals(0, dp.counters().internalErrors());
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("planes")
    void aWrongHmacTlvGetsTheIFlagOnEveryTlv(DataPlanes.Factory f) throws Exception {
        int port = freePort();
        byte[] key = "k".repeat(32).getBytes();
        try (DataPlane dp = f.create().get();
             DatagramSocket raw = new DatagramSocket(new InetSocketAddress(LOOPBACK, 0));
             java.lang.foreign.Arena arena = java.lang.foreign.Arena.ofConfined()) {
            dp.startReflector(reflector(port, ReflectorSessionConfig.ANY_SSID, false, key));
            // Authenticated base packet (valid HMAC) + Extra Padding TLV + HMAC TLV with a wrong HMAC.
            var p = arena.allocate(112 + 8 + 20);
            var hmac = new io.stampd.dataplane.codec.StampHmac(key);
            io.stampd.dataplane.codec.StampLayout.AUTHENTICATED.writeSender(p, 1, 0, (short) 1, 3);
            int end = io.stampd.dataplane.codec.SenderTlvWriter.extraPadding(p, 112, 8);
            io.stampd.dataplane.codec.SenderTlvWriter.hmac(p, end, 112, hmac);
            p.set(java.lang.foreign.ValueLayout.JAVA_BYTE, end + 4, (byte) ~p.get(java.lang.foreign.ValueLayout.JAVA_BYTE, end + 4));
            hmac.sign(p);
            byte[] reply = exchange(raw, new InetSocketAddress(LOOPBACK, port), p.toArray(java.lang.foreign.ValueLayout.JAVA_BYTE));
            assertTrue(reply != null && reply.length == 140, "a symmetric reply");
            assertEquals(0x20, reply[112] & 0x20, "I flag on the padding TLV");
            assertEquals(0x20, reply[120] & 0x20, "I flag on the HMAC TLV");
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("planes")
    void theSenderRejectsAReplyWithABadHmacAndCountsAShortOneAsMalformed(DataPlanes.Factory f) throws Exception {
        byte[] key = "k".repeat(32).getBytes();
        try (DataPlane dp = f.create().get();
             DatagramSocket fakeReflector = new DatagramSocket(new InetSocketAddress(LOOPBACK, 0))) {
            fakeReflector.setSoTimeout(2000);
            SenderSessionConfig c = sender(fakeReflector.getLocalPort()).hmacKey(key).packetCount(2).build();
            SenderStatistics st = SenderStatistics.forSession(c);
            dp.startSender(c, st);
            DatagramPacket req = new DatagramPacket(new byte[2000], 2000);
            fakeReflector.receive(req);
            byte[] bad = java.util.Arrays.copyOf(req.getData(), req.getLength());
            bad[100] ^= 1; // inside the HMAC
            fakeReflector.send(new DatagramPacket(bad, bad.length, req.getSocketAddress()));
            fakeReflector.receive(req);
            byte[] truncated = java.util.Arrays.copyOf(req.getData(), 60); // SSID intact, the rest cut
            fakeReflector.send(new DatagramPacket(truncated, 60, req.getSocketAddress()));
            await(() -> st.snapshot(System.nanoTime()).rejected() + st.snapshot(System.nanoTime()).malformed() >= 2, 3000);
            SenderStatistics.Snapshot s = st.snapshot(System.nanoTime());
            assertEquals(1, s.rejected(), "bad HMAC");
            assertEquals(1, s.malformed(), "shorter than the authenticated base packet");
            assertEquals(0, s.received());
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("planes")
    void theSenderChecksTheReflectedTlvs(DataPlanes.Factory f) throws Exception {
        byte[] key = "k".repeat(32).getBytes();
        try (DataPlane dp = f.create().get();
             DatagramSocket fakeReflector = new DatagramSocket(new InetSocketAddress(LOOPBACK, 0));
             java.lang.foreign.Arena arena = java.lang.foreign.Arena.ofConfined()) {
            fakeReflector.setSoTimeout(2000);
            // Unauthenticated, padded: a reply whose padding TLV carries U is counted, not dropped.
            SenderSessionConfig plain = sender(fakeReflector.getLocalPort()).packetLength(64).packetCount(1).build();
            SenderStatistics st = SenderStatistics.forSession(plain);
            dp.startSender(plain, st);
            DatagramPacket req = new DatagramPacket(new byte[2000], 2000);
            fakeReflector.receive(req);
            byte[] reply = java.util.Arrays.copyOf(req.getData(), req.getLength());
            reply[44] = (byte) 0x80; // U
            fakeReflector.send(new DatagramPacket(reply, reply.length, req.getSocketAddress()));
            await(() -> st.snapshot(System.nanoTime()).received() == 1, 3000);
            assertEquals(1, st.snapshot(System.nanoTime()).repliesWithUnrecognizedTlv());

            // Authenticated with TLVs: a reply whose HMAC TLV does not verify is rejected.
            SenderSessionConfig keyed = sender(fakeReflector.getLocalPort()).hmacKey(key).packetLength(112 + 20 + 8)
                    .packetCount(1).ssid(6).build();
            SenderStatistics st2 = SenderStatistics.forSession(keyed);
            dp.startSender(keyed, st2);
            fakeReflector.receive(req);
            var p = arena.allocate(req.getLength());
            p.copyFrom(java.lang.foreign.MemorySegment.ofArray(java.util.Arrays.copyOf(req.getData(), req.getLength())));
            // Answer as a reflector would (base HMAC re-signed) but leave the sender's HMAC TLV as it came:
            // it covers the sender's sequence number, not the reply's, so it must fail at the sender.
            io.stampd.dataplane.codec.StampLayout.AUTHENTICATED.reflectInPlace(p, 77, 1L << 40, (short) 1, 64);
            new io.stampd.dataplane.codec.StampHmac(key).sign(p);
            byte[] out = p.toArray(java.lang.foreign.ValueLayout.JAVA_BYTE);
            fakeReflector.send(new DatagramPacket(out, out.length, req.getSocketAddress()));
            await(() -> st2.snapshot(System.nanoTime()).rejected() == 1, 3000);
            assertEquals(1, st2.snapshot(System.nanoTime()).rejected());
            assertEquals(0, st2.snapshot(System.nanoTime()).received());
        }
    }

    // ---- RFC 9503 Return Path and Destination Node Address, hand-built requests over ::1 ---------

    /** Octets written in hex, blanks and '|' ignored. */
    private static byte[] hex(String octets) {
        return java.util.HexFormat.of().parseHex(octets.replaceAll("[\\s|]", ""));
    }

    /** An unauthenticated 44-octet request (Sequence Number, SSID, the rest zero) followed by {@code tlvs}. */
    private static byte[] request(int seq, int ssid, byte[] tlvs) {
        return ByteBuffer.allocate(44 + tlvs.length).putInt(0, seq).putShort(14, (short) ssid).put(44, tlvs).array();
    }

    private static long u32(byte[] b, int at) {
        return Integer.toUnsignedLong(ByteBuffer.wrap(b).getInt(at));
    }

    private static byte[] tlvsOf(byte[] reply) {
        return java.util.Arrays.copyOfRange(reply, 44, reply.length);
    }

    /** Return Path TLV (type 10) with one Control Code sub-TLV (type 1), U set as a sender sends it. */
    private static byte[] controlCode(int code) {
        return hex("80 0a 00 08 | 80 01 00 04 | 00 00 00 0" + code);
    }

    /**
     * RFC 9503 §4 Control Code 0: no reply. A stateful reflector does not spend a sequence number
     * on the unanswered request (the next reply carries it), and the request is received but not
     * counted as reflected; a stateless reflector does not answer either.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("planes")
    void returnPathControlCodeZeroGetsNoReplyAndAStatefulReflectorKeepsTheNumber(DataPlanes.Factory f)
            throws Exception {
        int port = freePort();
        try (DataPlane dp = f.create().get();
             DatagramSocket raw = new DatagramSocket(new InetSocketAddress(LOOPBACK, 0))) {
            ReflectorHandle stateful = dp.startReflector(reflector(port, ReflectorSessionConfig.ANY_SSID, true, null));
            ReflectorHandle stateless = dp.startReflector(reflector(port + 1, ReflectorSessionConfig.ANY_SSID, false, null));
            InetSocketAddress to = new InetSocketAddress(LOOPBACK, port);

            byte[] first = exchange(raw, to, request(100, 7, new byte[0]));
            assertEquals(0, u32(first, 0), "the stateful reflector's first number");
            assertEquals(null, exchange(raw, to, request(101, 7, controlCode(0))), "Control Code 0: no reply");
            byte[] next = exchange(raw, to, request(102, 7, new byte[0]));
            assertEquals(102, u32(next, 24), "the reply to request 102");
            assertEquals(1, u32(next, 0), "the number the unanswered request did not use goes to the next reply");
            ReflectorCounters c = stateful.counters();
            assertEquals(3, c.received());
            assertEquals(2, c.reflected(), "the request without a reply is not counted as reflected");
            assertEquals(1, c.lastReflectorSeq());

            assertEquals(null, exchange(raw, new InetSocketAddress(LOOPBACK, port + 1), request(5, 7, controlCode(0))),
                    "a stateless reflector obeys Control Code 0 too");
            assertEquals(1, stateless.counters().received());
            assertEquals(0, stateless.counters().reflected());
            assertEquals(0, dp.counters().sendErrors());
        }
    }

    /**
     * RFC 9503 §4 Control Code 1 (reply on the link the request came in on): the reply comes, and
     * the TLV and its sub-TLV come back with U cleared (understood). Over ::1 the only link is lo, so
     * this cannot show which interface the reply left by (ReturnPathNetnsTest tries, and is disabled
     * because the reply follows the route instead: conformance row 9503-6).
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("planes")
    void returnPathControlCodeOneIsAnsweredAndUnderstood(DataPlanes.Factory f) throws Exception {
        int port = freePort();
        try (DataPlane dp = f.create().get();
             DatagramSocket raw = new DatagramSocket(new InetSocketAddress(LOOPBACK, 0))) {
            dp.startReflector(reflector(port, ReflectorSessionConfig.ANY_SSID, false, null));
            byte[] reply = exchange(raw, new InetSocketAddress(LOOPBACK, port), request(9, 7, controlCode(1)));
            assertTrue(reply != null, "Control Code 1 is answered");
            assertEquals(9, u32(reply, 24));
            assertArrayEquals(hex("00 0a 00 08 | 00 01 00 04 | 00 00 00 01"), tlvsOf(reply));
        }
    }

    /**
     * RFC 9503 §3 Destination Node Address over ::1: this node's own address (::1, listed in
     * /proc/net/if_inet6) is understood (U cleared); an address the node does not have, and the
     * IPv4 form, get U. All three are answered. That a
     * local address other than the request's destination becomes the reply source needs a second
     * address: ReturnPathNetnsTest.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("planes")
    void destinationNodeAddressIsUnderstoodOnlyForALocalIpv6Address(DataPlanes.Factory f) throws Exception {
        int port = freePort();
        try (DataPlane dp = f.create().get();
             DatagramSocket raw = new DatagramSocket(new InetSocketAddress(LOOPBACK, 0))) {
            dp.startReflector(reflector(port, ReflectorSessionConfig.ANY_SSID, false, null));
            InetSocketAddress to = new InetSocketAddress(LOOPBACK, port);
            String loopback = "00000000 00000000 00000000 00000001";
            String foreign = "fd00 05ea 0000 0000 0000 0000 0000 0099"; // fd00:5ea::99, on no interface here
            byte[] local = exchange(raw, to, request(1, 7, hex("80 09 00 10 |" + loopback)));
            assertArrayEquals(hex("00 09 00 10 |" + loopback), tlvsOf(local), "a local address: U cleared");
            byte[] notLocal = exchange(raw, to, request(2, 7, hex("80 09 00 10 |" + foreign)));
            assertArrayEquals(hex("80 09 00 10 |" + foreign), tlvsOf(notLocal), "not this node's address: U");
            byte[] ipv4 = exchange(raw, to, request(3, 7, hex("80 09 00 04 | c0 00 02 01")));
            assertArrayEquals(hex("80 09 00 04 | c0 00 02 01"), tlvsOf(ipv4), "the IPv4 form: U");
            assertEquals(List.of(1L, 2L, 3L), List.of(u32(local, 24), u32(notLocal, 24), u32(ipv4, 24)));
        }
    }

    /**
     * RFC 9503 §4: a Return Path the reflector cannot follow gets U on the sub-TLV and on the TLV,
     * and the reply takes the default path (here: back to the sender). An unknown Control Code gets
     * U on its sub-TLV only.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("planes")
    void aReturnPathThatCannotBeFollowedGetsUAndTheReplyTakesTheDefaultPath(DataPlanes.Factory f) throws Exception {
        int port = freePort();
        try (DataPlane dp = f.create().get();
             DatagramSocket raw = new DatagramSocket(new InetSocketAddress(LOOPBACK, 0))) {
            dp.startReflector(reflector(port, ReflectorSessionConfig.ANY_SSID, false, null));
            InetSocketAddress to = new InetSocketAddress(LOOPBACK, port);
            String multicast = "ff02 0000 0000 0000 0000 0000 0000 0001";
            String mapped = "0000 0000 0000 0000 0000 ffff c000 0201";
            byte[] address = exchange(raw, to, request(1, 7, hex("80 0a 00 14 | 80 02 00 10 |" + multicast)));
            assertArrayEquals(hex("80 0a 00 14 | 80 02 00 10 |" + multicast), tlvsOf(address),
                    "a multicast Return Address: U on both, reply to the sender");
            byte[] segments = exchange(raw, to, request(2, 7, hex("80 0a 00 14 | 80 04 00 10 |" + mapped)));
            assertArrayEquals(hex("80 0a 00 14 | 80 04 00 10 |" + mapped), tlvsOf(segments),
                    "an IPv4-mapped segment: U on both, reply to the sender");
            byte[] unknownCode = exchange(raw, to, request(3, 7, controlCode(2)));
            assertArrayEquals(hex("00 0a 00 08 | 80 01 00 04 | 00 00 00 02"), tlvsOf(unknownCode),
                    "Control Code 2: U on the sub-TLV");
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("planes")
    void aBusyPortIsAClearError(DataPlanes.Factory f) throws Exception {
        try (DatagramSocket taken = new DatagramSocket(new InetSocketAddress(Ipv6Addresses.parse("::", "t"), 0));
             DataPlane dp = f.create().get()) {
            int port = taken.getLocalPort();
            DataPlaneException e = assertThrows(DataPlaneException.class,
                    () -> dp.startReflector(reflector(port, 1, false, null)));
            assertEquals(DataPlaneException.Reason.PORT_IN_USE, e.reason());
            assertTrue(e.getMessage().contains(":" + port), e.getMessage());
        } catch (java.net.SocketException e) {
            throw new AssertionError(e);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("planes")
    void overlappingReflectorSessionsAreRefused(DataPlanes.Factory f) {
        int port = freePort();
        try (DataPlane dp = f.create().get()) {
            dp.startReflector(reflector(port, 5, false, null));
            DataPlaneException e = assertThrows(DataPlaneException.class,
                    () -> dp.startReflector(new ReflectorSessionConfig(2, ReflectorSessionConfig.ANY_SSID, null, 0,
                            null, port, List.of(), null, false, null)));
            assertTrue(e.getMessage().contains("overlaps reflector session 1"), e.getMessage());
        }
    }
}
