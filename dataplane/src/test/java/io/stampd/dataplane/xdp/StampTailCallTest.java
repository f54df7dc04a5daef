package io.stampd.dataplane.xdp;

import io.stampd.dataplane.xdp.ReflectorMaps.Session;
import io.stampd.sys.bpf.BpfMap;
import io.stampd.sys.bpf.BpfTestRun;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;

import static io.stampd.dataplane.xdp.StampReflectorProgramTest.EE;
import static io.stampd.dataplane.xdp.XdpBed.R;
import static io.stampd.dataplane.xdp.XdpBed.S1;
import static io.stampd.dataplane.xdp.XdpStructs.STAMP_C_COLLECTED;
import static io.stampd.dataplane.xdp.XdpStructs.STAMP_C_OTHER_PORT;
import static io.stampd.dataplane.xdp.XdpStructs.STAMP_C_TX;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * One XDP program per interface: the reflector hands frames to ports without reflector sessions
 * to the program in refl_next slot 0, the collector, so a node that reflects and measures runs
 * both through the reflector.
 */
class StampTailCallTest {
    static XdpBed bed;
    static ReflectorMaps reflector;
    static CollectorMaps collector;
    static int reflectorFd;
    static int collectorFd;

    @BeforeAll
    static void setUp() {
        XdpTestEnv.require();
        bed = XdpBed.create();
        reflector = new ReflectorMaps(bed.reflector());
        collector = new CollectorMaps(bed.collector());
        reflectorFd = bed.reflector().programFd("stamp_reflector");
        collectorFd = bed.collector().programFd("stamp_collector");
        reflector.add(new Session(R, S1, 862, 50000, 7, 1, 0, EE, 64, List.of()));
        collector.add(S1, 862, StampCollectorProgramTest.SENDER_PORT, StampCollectorProgramTest.SSID, 1234, 0);
    }

    @AfterAll
    static void tearDown() {
        if (collector != null) {
            collector.close();
        }
        if (bed != null) {
            bed.close();
        }
    }

    @Test
    void repliesReachTheCollectorThroughTheReflector() {
        byte[] reply = StampCollectorProgramTest.reply(10, 20).build();
        byte[] request = StampReflectorProgramTest.request(S1, 50000, 862, 1, 7).build();
        byte[] elsewhere = StampReflectorProgramTest.request(S1, 50000, 9999, 1, 7).build();

        // Without the collector in slot 0 the reply passes up.
        long[] rBefore = reflector.stats();
        long[] cBefore = collector.stats();
        BpfTestRun.XdpResult alone = bed.run(reflectorFd, reply);
        assertEquals(StampCollectorProgramTest.XDP_PASS, alone.retval());
        assertArrayEquals(reply, alone.frame());
        assertEquals(rBefore[STAMP_C_OTHER_PORT] + 1, reflector.stats()[STAMP_C_OTHER_PORT]);
        assertEquals(0, collector.records.pending());

        reflector.next.update(BpfMap.indexKey(0), ReflectorMaps.intBytes(collectorFd));
        BpfTestRun.XdpResult chained = bed.run(reflectorFd, reply);
        assertEquals(StampCollectorProgramTest.XDP_DROP, chained.retval(), "collected through the tail call");
        List<CollectorMaps.Record> records = collector.drain();
        assertEquals(1, records.size());
        assertEquals(1234, records.get(0).sessionId());
        assertEquals(20, records.get(0).senderSeq());
        assertEquals(10, records.get(0).reflectorSeq());
        assertEquals(cBefore[STAMP_C_COLLECTED] + 1, collector.stats()[STAMP_C_COLLECTED]);
        assertEquals(rBefore[STAMP_C_OTHER_PORT] + 2, reflector.stats()[STAMP_C_OTHER_PORT]);

        // Test packets to the reflector's port stay with the reflector.
        assertEquals(StampReflectorProgramTest.XDP_TX, bed.run(reflectorFd, request).retval());
        assertEquals(rBefore[STAMP_C_TX] + 1, reflector.stats()[STAMP_C_TX]);
        // A port neither uses: both count it, it passes up untouched.
        BpfTestRun.XdpResult neither = bed.run(reflectorFd, elsewhere);
        assertEquals(StampCollectorProgramTest.XDP_PASS, neither.retval());
        assertArrayEquals(elsewhere, neither.frame());
        assertEquals(cBefore[STAMP_C_OTHER_PORT] + 1, collector.stats()[STAMP_C_OTHER_PORT]);

        reflector.next.delete(BpfMap.indexKey(0));
        assertEquals(StampCollectorProgramTest.XDP_PASS, bed.run(reflectorFd, reply).retval(), "slot emptied");
        assertEquals(0, collector.records.pending());
    }
}
