package io.stampd.dataplane.xdp;

import io.stampd.dataplane.testing.Frame;
import io.stampd.dataplane.codec.ErrorEstimate;
import io.stampd.dataplane.codec.TimestampFormat;
import io.stampd.dataplane.xdp.CollectorMaps.Record;
import io.stampd.dataplane.xdp.Shapes.Shape;
import io.stampd.sys.Libc;
import io.stampd.sys.bpf.BpfObject;
import io.stampd.sys.bpf.BpfTestRun;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.TestMethodOrder;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

import static io.stampd.dataplane.xdp.XdpBed.R;
import static io.stampd.dataplane.xdp.XdpBed.R0_MAC;
import static io.stampd.dataplane.xdp.XdpBed.S1;
import static io.stampd.dataplane.xdp.XdpBed.S1_MAC;
import static io.stampd.dataplane.xdp.XdpBed.addr;
import static io.stampd.dataplane.xdp.XdpStructs.STAMP_C_COLLECTED;
import static io.stampd.dataplane.xdp.XdpStructs.STAMP_C_NOT_LOCAL;
import static io.stampd.dataplane.xdp.XdpStructs.STAMP_C_NO_SESSION;
import static io.stampd.dataplane.xdp.XdpStructs.STAMP_C_OTHER_PORT;
import static io.stampd.dataplane.xdp.XdpStructs.STAMP_C_RING_FULL;
import static io.stampd.dataplane.xdp.XdpStructs.STAMP_C_TLV;
import static io.stampd.dataplane.xdp.XdpStructs.STAMP_C_USER_SESSION;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The collector program takes the replies of provisioned sender sessions: XDP_DROP and exactly one
 * ring record carrying the reply's fields and T4; everything else passes up untouched and pushes
 * nothing. The ring is read from its memory mappings (BpfRingBuffer), as the XDP plane will.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class StampCollectorProgramTest {
    static final int XDP_DROP = 1;
    static final int XDP_PASS = 2;
    static final int SENDER_PORT = 40000;
    static final int SSID = 9;
    static final int SESSION_ID = 0x5E55_1001;
    static final short REFLECTOR_EE = ErrorEstimate.encode(true, TimestampFormat.PTP, 1, 33);
    static final short SENDER_EE = ErrorEstimate.encode(false, TimestampFormat.NTP, 2, 200);

    static XdpBed bed;
    static CollectorMaps maps;
    static int fd;

    @BeforeAll
    static void setUp() {
        XdpTestEnv.require();
        bed = XdpBed.create();
        BpfObject collector = bed.collector();
        maps = new CollectorMaps(collector);
        fd = collector.programFd("stamp_collector");
        maps.add(S1, 862, SENDER_PORT, SSID, SESSION_ID, 0);
        maps.add(S1, 862, SENDER_PORT + 1, SSID, 77, XdpStructs.STAMP_SS_USER);
        maps.add(XdpBed.REMOTE_VIA_GW, 1862, SENDER_PORT + 2, 0xFFFF, 78, 0);
    }

    @AfterAll
    static void tearDown() {
        if (maps != null) {
            maps.close();
        }
        if (bed != null) {
            bed.close();
        }
    }

    /** A reply from S1:862 to R:40000 on r0. */
    static Frame reply(int reflectorSeq, int senderSeq, byte[]... tlvs) {
        Frame f = new Frame();
        f.dstMac = R0_MAC;
        f.srcMac = S1_MAC;
        f.src = S1;
        f.dst = R;
        f.sport = 862;
        f.dport = SENDER_PORT;
        f.hopLimit = 57;
        f.payload = Payloads.reflector(reflectorSeq, 0x1111_2222_3333_4444L, REFLECTOR_EE, SSID, 0x5555_6666_7777_8888L,
                senderSeq, 0x9999_AAAA_BBBB_CCCCL, SENDER_EE, 250, tlvs);
        return f;
    }

    static Record collectOne(Frame f) {
        long[] before = maps.stats();
        long t0 = Libc.realtimeNanos();
        BpfTestRun.XdpResult r = bed.run(fd, f.build());
        long t1 = Libc.realtimeNanos();
        assertEquals(XDP_DROP, r.retval(), () -> "XDP action; stats " + Arrays.toString(maps.stats()));
        List<Record> records = maps.drain();
        assertEquals(1, records.size(), "records pushed");
        Record rec = records.get(0);
        assertTrue(rec.t4() >= t0 - StampReflectorProgramTest.SLACK_NS && rec.t4() <= t1 + StampReflectorProgramTest.SLACK_NS,
                () -> "T4 " + rec.t4() + " within [" + t0 + ", " + t1 + "]");
        long[] after = maps.stats();
        for (int i = 0; i < after.length; i++) {
            assertEquals(before[i] + (i == STAMP_C_COLLECTED ? 1 : 0), after[i], "coll_stats " + XdpStructs.counterName(i));
        }
        return rec;
    }

    @Test
    @Order(1)
    void aReplyBecomesOneRecord() {
        Frame f = reply(0xFEDC_BA98, 0x0123_4567);
        Record rec = collectOne(f);
        assertEquals(new Record(SESSION_ID, 0x0123_4567L, 0xFEDC_BA98L, REFLECTOR_EE, 250, 57, 0x9999_AAAA_BBBB_CCCCL,
                0x5555_6666_7777_8888L, 0x1111_2222_3333_4444L, rec.t4(), 44, 0), rec);
    }

    /**
     * A reply from a reflector in this host's own namespaces may reach the collector with the
     * partial checksum its socket left to the device (CHECKSUM_PARTIAL through a veth): the kernel
     * takes it, so does the collector.
     */
    @Test
    @Order(2)
    void aReplyWithAPartialChecksumIsCollected() {
        Frame f = reply(7, 8);
        f.checksum = f.partialChecksum();
        assertEquals(8, collectOne(f).senderSeq());
    }

    @Test
    @Order(2)
    void repliesWithHeadersAndPaddingAreCollected() {
        // An SRH that has been walked to its end (the reply's path), a Hop-by-Hop header, padding with flags 0.
        Frame f = reply(1, 2, Payloads.tlv(0, 1, 5, 0), Payloads.tlv(0, 1, 0, 0));
        f.ext.add(Frame.Ext.options(0, 0));
        f.ext.add(Frame.Ext.srh(List.of(R, addr("fd00:9::1"), addr("fd00:9::2")), 0, 2));
        Record rec = collectOne(f);
        assertEquals(44 + 9 + 4, rec.length());
        assertEquals(1, rec.reflectorSeq());
        assertEquals(2, rec.senderSeq());
        // A reply routed from afar, SSID 0xFFFF, a long padding over several checksum chunks.
        Frame remote = reply(3, 4, Payloads.tlv(0, 1, 2001, 7));
        remote.src = XdpBed.REMOTE_VIA_GW;
        remote.sport = 1862;
        remote.dport = SENDER_PORT + 2;
        remote.payload[14] = (byte) 0xFF;
        remote.payload[15] = (byte) 0xFF;
        Record far = collectOne(remote);
        assertEquals(78, far.sessionId());
        assertEquals(44 + 2005, far.length());
        // Sessions are not keyed by the local address: any of ours will do.
        Frame toOtherLocal = reply(7, 8);
        toOtherLocal.dst = XdpBed.R_OTHER;
        assertEquals(SESSION_ID, collectOne(toOtherLocal).sessionId());
    }

    static Frame base() {
        return reply(5, 6);
    }

    static Frame withSrh() {
        Frame f = reply(5, 6, Payloads.tlv(0, 1, 3, 0));
        f.ext.add(Frame.Ext.srh(List.of(R, addr("fd00:9::1")), 0, 1));
        return f;
    }

    static List<Shape> shapes() {
        List<Shape> shapes = new ArrayList<>();
        shapes.addAll(Shapes.everyTruncation("reply", base()));
        shapes.addAll(Shapes.boundaryTruncations("SRH reply", withSrh()));
        shapes.addAll(Shapes.consistentCuts("reply", base(), false));
        shapes.addAll(Shapes.lengthMismatches("reply", base()));
        shapes.addAll(Shapes.srhMutations("SRH reply", withSrh(), 0));
        shapes.addAll(Shapes.chains("reply", base()));
        shapes.addAll(Shapes.notIpv6("reply", base()));
        shapes.addAll(Shapes.badChecksums("reply", base(), new int[] {0, 4, 16, 24, 28, 40}));
        shapes.addAll(Shapes.tlvs("reply", base(), 0));
        // The reflector's report in the TLV flags goes to user space.
        for (int flags : new int[] {0x80, 0x40, 0x20, 0x10, 0x01, 0xE0}) {
            shapes.add(Shapes.withPayload("reply with padding flags " + Integer.toHexString(flags), base(),
                    Payloads.concat(Arrays.copyOf(base().payload, 44), Payloads.tlv(flags, 1, 4, 0)), STAMP_C_TLV));
            shapes.add(Shapes.withPayload("reply with second padding's flags " + Integer.toHexString(flags), base(),
                    Payloads.concat(Arrays.copyOf(base().payload, 44), Payloads.tlv(0, 1, 4, 0),
                            Payloads.tlv(flags, 1, 1, 0)), STAMP_C_TLV));
        }
        for (int port : new int[] {SENDER_PORT + 3, 862, 0, 65535}) {
            Frame f = base();
            f.dport = port;
            shapes.add(new Shape("reply to port " + port, f.build(), STAMP_C_OTHER_PORT));
        }
        for (String dst : new String[] {"fd00:1::55", "fd00:7::1", "ff02::1"}) {
            Frame f = base();
            f.dst = addr(dst);
            shapes.add(new Shape("reply to " + dst, f.build(), STAMP_C_NOT_LOCAL));
        }
        Frame otherReflector = base();
        otherReflector.src = XdpBed.S2;
        shapes.add(new Shape("reply from another reflector", otherReflector.build(), STAMP_C_NO_SESSION));
        Frame otherPort = base();
        otherPort.sport = 863;
        shapes.add(new Shape("reply from another reflector port", otherPort.build(), STAMP_C_NO_SESSION));
        Frame otherSsid = base();
        otherSsid.payload[15] = 10;
        shapes.add(new Shape("reply with another SSID", otherSsid.build(), STAMP_C_NO_SESSION));
        Frame user = base();
        user.dport = SENDER_PORT + 1;
        shapes.add(new Shape("reply of a session served in user space", user.build(), STAMP_C_USER_SESSION));
        return shapes;
    }

    @Test
    @Order(3)
    void atLeastOneHundredShapes() {
        assertTrue(shapes().size() >= 100, "only " + shapes().size() + " shapes");
        assertEquals(XDP_DROP, bed.run(fd, base().build()).retval(), "the base reply is collected");
        assertEquals(XDP_DROP, bed.run(fd, withSrh().build()).retval(), "the SRH reply is collected");
        assertEquals(2, maps.drain().size());
    }

    @TestFactory
    @Order(4)
    Stream<DynamicTest> malformedAndForeignRepliesPassUntouchedAndPushNothing() {
        return shapes().stream().map(shape -> DynamicTest.dynamicTest(shape.toString(), () -> {
            shape.assertPassedUntouched(bed, fd, maps::stats, "coll_stats");
            assertEquals(0, maps.records.pending(), shape + ": nothing in the ring");
        }));
    }

    @Test
    @Order(5)
    void aFullRingPassesRepliesUp() {
        long[] before = maps.stats();
        byte[] frame = base().build();
        // 4 MiB of 64-octet records (56 and the ring's 8-octet header): the ring takes one fewer
        // than 65536, since its producer may not catch up with the consumer.
        int fits = (4 * 1024 * 1024 - 1) / 64;
        int runs = fits + 1000;
        BpfTestRun.XdpResult last = bed.ns.call(() -> BpfTestRun.runXdp(fd, frame, bed.r0, runs));
        assertEquals(XDP_PASS, last.retval(), "the last run found the ring full");
        long[] after = maps.stats();
        assertEquals(fits, after[STAMP_C_COLLECTED] - before[STAMP_C_COLLECTED]);
        assertEquals(runs - fits, after[STAMP_C_RING_FULL] - before[STAMP_C_RING_FULL]);
        List<Record> records = maps.drain();
        assertEquals(fits, records.size());
        assertTrue(records.stream().allMatch(r -> r.sessionId() == SESSION_ID && r.reflectorSeq() == 5));
        assertTrue(records.get(0).t4() <= records.get(fits - 1).t4());
        // Room again: the next reply is collected, its record written across the ring's wrap.
        for (int k = 0; k < 3; k++) {
            assertEquals(6, collectOne(base()).senderSeq());
        }
    }
}
