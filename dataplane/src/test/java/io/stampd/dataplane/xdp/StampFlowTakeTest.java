package io.stampd.dataplane.xdp;

import io.stampd.dataplane.xdp.ReflectorMaps.Session;
import io.stampd.sys.bpf.BpfObject;
import io.stampd.sys.bpf.BpfTestRun;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;

import static io.stampd.dataplane.xdp.StampReflectorProgramTest.EE;
import static io.stampd.dataplane.xdp.StampReflectorProgramTest.XDP_TX;
import static io.stampd.dataplane.xdp.XdpBed.R;
import static io.stampd.dataplane.xdp.XdpBed.S1;
import static io.stampd.dataplane.xdp.XdpBed.S2;
import static io.stampd.dataplane.xdp.XdpStructs.STAMP_FLOW_ERROR;
import static io.stampd.dataplane.xdp.XdpStructs.STAMP_FLOW_OK;
import static io.stampd.dataplane.xdp.XdpStructs.STAMP_FLOW_STALE;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * stamp_flow_take, the syscall program through which user space numbers a stateful flow: numbers
 * from 0, give-back only of the last one taken, and one counter shared with the XDP program, so
 * that no number is given twice however the two interleave, also concurrently.
 */
class StampFlowTakeTest {
    static XdpBed bed;
    static ReflectorMaps maps;
    static int xdp;
    static int take;

    @BeforeAll
    static void setUp() {
        XdpTestEnv.require();
        bed = XdpBed.create();
        BpfObject reflector = bed.reflector();
        maps = new ReflectorMaps(reflector);
        xdp = reflector.programFd("stamp_reflector");
        take = reflector.programFd("stamp_flow_take");
    }

    @AfterAll
    static void tearDown() {
        if (bed != null) {
            bed.close();
        }
    }

    /** Runs stamp_flow_take; returns {retval, seq}. */
    static long[] flowTake(int slot, int sport, int ssid, byte[] sender, int delta, long seq) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment args = arena.allocate(XdpStructs.STAMP_FLOW_TAKE_ARGS);
            XdpStructs.flowTakeArgs(args, slot, sport, ssid, sender, delta, seq);
            int rc = BpfTestRun.runSyscall(take, args);
            return new long[] {rc, XdpStructs.flowTakeSeq(args)};
        }
    }

    static long takeNext(int slot, int sport, int ssid, byte[] sender) {
        long[] r = flowTake(slot, sport, ssid, sender, 1, -1);
        assertEquals(STAMP_FLOW_OK, r[0], "take");
        return r[1];
    }

    static int giveBack(int slot, int sport, int ssid, byte[] sender, long seq) {
        return (int) flowTake(slot, sport, ssid, sender, -1, seq)[0];
    }

    @Test
    void numbersCountFromZeroAndOnlyTheLastGoesBack() {
        assertEquals(0, takeNext(1, 100, 5, S1));
        assertEquals(1, takeNext(1, 100, 5, S1));
        assertEquals(2, takeNext(1, 100, 5, S1));
        assertEquals(0, takeNext(1, 101, 5, S1), "another port, another flow");
        assertEquals(0, takeNext(1, 100, 6, S1), "another SSID, another flow");
        assertEquals(0, takeNext(1, 100, 5, S2), "another sender, another flow");
        assertEquals(0, takeNext(2, 100, 5, S1), "another session, another flow");
        assertEquals(STAMP_FLOW_OK, giveBack(1, 100, 5, S1, 2));
        assertEquals(2, takeNext(1, 100, 5, S1), "the number given back is the next one");
        assertEquals(STAMP_FLOW_STALE, giveBack(1, 100, 5, S1, 1), "1 is not the last number taken");
        assertEquals(3, takeNext(1, 100, 5, S1));
        assertEquals(4, maps.flowNext(1, 100, 5, S1));
        assertEquals(STAMP_FLOW_STALE, giveBack(1, 999, 5, S1, 0), "no such flow");
        assertEquals(-1, maps.flowNext(1, 999, 5, S1), "giving back creates nothing");
        assertEquals(STAMP_FLOW_ERROR, (int) flowTake(1, 100, 5, S1, 0, 0)[0]);
        assertEquals(STAMP_FLOW_ERROR, (int) flowTake(1, 100, 5, S1, 2, 0)[0]);
        assertEquals(4, maps.flowNext(1, 100, 5, S1), "refused calls change nothing");
    }

    static Session statefulSession(int sport, int slot) {
        return new Session(R, S1, 862, sport, 11, slot, XdpStructs.STAMP_RS_STATEFUL, EE, 64, List.of());
    }

    /** The reflector's Sequence Number in a reply frame without SRH. */
    static long replySeq(byte[] out) {
        return Integer.toUnsignedLong(ByteBuffer.wrap(out).getInt(Replies.payloadOffset(0)));
    }

    @Test
    void xdpAndUserSpaceShareOneCounter() {
        maps.add(statefulSession(41000, 70));
        byte[] frame = StampReflectorProgramTest.request(S1, 41000, 862, 1, 11).build();
        List<Long> numbers = new ArrayList<>();
        for (int k = 0; k < 30; k++) {
            if (k % 3 == 0) {
                var r = bed.run(xdp, frame);
                assertEquals(XDP_TX, r.retval());
                numbers.add(replySeq(r.frame()));
            } else {
                numbers.add(takeNext(70, 41000, 11, S1));
            }
        }
        List<Long> expected = new ArrayList<>();
        for (long n = 0; n < 30; n++) {
            expected.add(n);
        }
        assertEquals(expected, numbers, "one sequence, whoever takes");
        // User space takes 30, XDP takes 31, user space tries to give 30 back: refused.
        assertEquals(30, takeNext(70, 41000, 11, S1));
        assertEquals(31, replySeq(bed.run(xdp, frame).frame()));
        assertEquals(STAMP_FLOW_STALE, giveBack(70, 41000, 11, S1, 30));
        assertEquals(32, replySeq(bed.run(xdp, frame).frame()), "30 is not handed out again");
    }

    @Test
    void concurrentTakesNeverRepeatANumber() throws Exception {
        maps.add(statefulSession(41001, 71));
        byte[] frame = StampReflectorProgramTest.request(S1, 41001, 862, 1, 11).build();
        int each = 3000;
        // XDP in the namespace on one thread, user space on another, at the same time.
        CompletableFuture<List<Long>> fromXdp = CompletableFuture.supplyAsync(() -> bed.ns.call(() -> {
            List<Long> seen = new ArrayList<>();
            for (int k = 0; k < each; k++) {
                seen.add(replySeq(BpfTestRun.runXdp(xdp, frame, bed.r0).frame()));
            }
            return seen;
        }));
        List<Long> fromUser = new ArrayList<>();
        for (int k = 0; k < each; k++) {
            fromUser.add(takeNext(71, 41001, 11, S1));
        }
        List<Long> xdpNumbers = fromXdp.get();
        TreeSet<Long> all = new TreeSet<>(xdpNumbers);
        all.addAll(fromUser);
        assertEquals(2 * each, all.size(), "no number given twice");
        assertEquals(0L, all.first());
        assertEquals(2L * each - 1, all.last(), "no number skipped");
        assertEquals(2L * each, maps.flowNext(71, 41001, 11, S1));
    }
}
