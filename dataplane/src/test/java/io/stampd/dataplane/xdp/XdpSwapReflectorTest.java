package io.stampd.dataplane.xdp;

import io.stampd.dataplane.testing.Frame;
import io.stampd.dataplane.bench.XdpSwapReflector;
import io.stampd.sys.CStructCheck;
import io.stampd.sys.TestMachine;
import io.stampd.sys.bpf.BpfProgramInfo;
import io.stampd.sys.bpf.BpfRunTimeStats;
import io.stampd.sys.bpf.BpfTestRun;
import io.stampd.sys.bpf.NetInterfaces;
import io.stampd.sys.bpf.Xdp;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.lang.foreign.MemoryLayout;
import java.nio.ByteBuffer;
import java.util.Arrays;

import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The benchmark's yardstick reflector (ebpf/xdp_swap_reflector.bpf.c), attached to a veth in a
 * throw-away namespace and run there with BPF_PROG_RUN: a frame to its port comes back (XDP_TX)
 * with MACs, addresses and ports swapped and a checksum that still verifies; anything else passes
 * unchanged; the counters the Java side reads are the program's.
 */
class XdpSwapReflectorTest {
    static TestNetns ns;
    static int x0;

    @BeforeAll
    static void setUp() {
        XdpTestEnv.require();
        ns = TestNetns.create();
        ns.ip("link", "add", "x0", "type", "veth", "peer", "name", "y0");
        ns.ip("link", "set", "x0", "up");
        ns.ip("link", "set", "y0", "up");
        x0 = ns.call(() -> NetInterfaces.indexOf("x0"));
    }

    @AfterAll
    static void tearDown() {
        if (ns != null) {
            ns.close();
        }
    }

    private static Frame request(int dport) {
        Frame f = new Frame();
        f.src = XdpBed.addr("fd00:1::2");
        f.dst = XdpBed.addr("fd00:1::1");
        f.sport = 10_862;
        f.dport = dport;
        Arrays.fill(f.payload, (byte) 0x5a);
        return f;
    }

    @Test
    void answersItsPortWithEverythingSwappedAndPassesTheRest() {
        XdpSwapReflector reflector = ns.call(() -> XdpSwapReflector.attach("x0", Xdp.Mode.NATIVE, 862));
        try {
            int id = ns.call(() -> Xdp.attachedProgramId(x0, Xdp.Mode.NATIVE));
            Frame in = request(862);
            BpfTestRun.XdpResult r = BpfTestRun.runXdpById(id, in.build(), x0);
            assertEquals(StampReflectorProgramTest.XDP_TX, r.retval());
            Frame expected = in.copy();
            expected.dstMac = in.srcMac;
            expected.srcMac = in.dstMac;
            expected.src = in.dst;
            expected.dst = in.src;
            expected.sport = in.dport;
            expected.dport = in.sport;
            assertArrayEquals(expected.build(), r.frame(), "swapped, checksum computed afresh for the swapped frame");

            byte[] other = request(863).build();
            BpfTestRun.XdpResult passed = BpfTestRun.runXdpById(id, other, x0);
            assertEquals(StampReflectorProgramTest.XDP_PASS, passed.retval());
            assertArrayEquals(other, passed.frame());
            Frame withSrh = in.copy();
            withSrh.ext.add(Frame.Ext.srh(java.util.List.of(in.dst), 0, 0));
            assertEquals(StampReflectorProgramTest.XDP_PASS, BpfTestRun.runXdpById(id, withSrh.build(), x0).retval(),
                    "an extension header: not for the yardstick");

            // The veth's own traffic (router solicitations, MLD from its peer) is passed and counted too.
            XdpSwapReflector.Counts counts = reflector.counts();
            assertEquals(1, counts.reflected());
            assertTrue(counts.passed() >= 2, counts.toString());
            assertEquals(862, reflector.port());
            assertEquals(reflector.port(), ns.call(() -> XdpSwapReflector.find("x0").orElseThrow().port()));
        } finally {
            ns.call(() -> {
                reflector.detach();
                return null;
            });
        }
        assertEquals(0, ns.call(() -> Xdp.attachedProgramId(x0)));
    }

    @Test
    void refusesAnInterfaceThatHasAProgram() {
        XdpSwapReflector first = ns.call(() -> XdpSwapReflector.attach("x0", Xdp.Mode.NATIVE, 862));
        try {
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> ns.call(() -> XdpSwapReflector.attach("x0", Xdp.Mode.NATIVE, 862)));
            // The kernel keeps 15 characters of a program's name.
            assertTrue(e.getMessage().startsWith("interface x0 already has XDP program 'xdp_swap_reflec' (id "),
                    e.getMessage());
        } finally {
            ns.call(() -> {
                first.detach();
                return null;
            });
        }
    }

    @Test
    void portZeroPassesEverything() {
        XdpSwapReflector passer = ns.call(() -> XdpSwapReflector.attach("x0", Xdp.Mode.NATIVE, 0));
        try {
            int id = ns.call(() -> Xdp.attachedProgramId(x0, Xdp.Mode.NATIVE));
            for (int port : new int[] {862, 0, 9}) {
                byte[] frame = request(port).build();
                BpfTestRun.XdpResult r = BpfTestRun.runXdpById(id, frame, x0);
                assertEquals(StampReflectorProgramTest.XDP_PASS, r.retval(), "port " + port);
                assertArrayEquals(frame, r.frame());
            }
            XdpSwapReflector.Counts counts = passer.counts();
            assertEquals(0, counts.reflected());
            assertTrue(counts.passed() >= 3, counts.toString());
        } finally {
            ns.call(() -> {
                passer.detach();
                return null;
            });
        }
    }

    /** The bench reads each program's cost per frame from the kernel's run-time statistics. */
    @Test
    void runTimeStatisticsCountWhileTheyAreOn() {
        XdpSwapReflector passer = ns.call(() -> XdpSwapReflector.attach("x0", Xdp.Mode.NATIVE, 0));
        try {
            int id = ns.call(() -> Xdp.attachedProgramId(x0, Xdp.Mode.NATIVE));
            byte[] frame = request(9).build();
            BpfProgramInfo before;
            BpfProgramInfo on;
            try (BpfRunTimeStats stats = BpfRunTimeStats.enable()) {
                before = BpfProgramInfo.ofId(id);
                BpfTestRun.runXdpById(id, frame, x0);
                BpfTestRun.runXdpById(id, frame, x0);
                on = BpfProgramInfo.ofId(id);
            }
            // At least our two runs (the veth's own frames may add some); time went with them.
            assertTrue(on.runCount() - before.runCount() >= 2, before.runCount() + " -> " + on.runCount());
            assertTrue(on.runTimeNanos() > before.runTimeNanos(), before.runTimeNanos() + " -> " + on.runTimeNanos());
            // A run the veth's own traffic started on another CPU while they were on may still be
            // accounted after the reading above: the baseline for "off" is taken a moment later.
            sleepMillis(50);
            BpfProgramInfo offBefore = BpfProgramInfo.ofId(id);
            BpfTestRun.runXdpById(id, frame, x0);
            BpfProgramInfo off = BpfProgramInfo.ofId(id);
            assertEquals(offBefore.runCount(), off.runCount(), "not counted once the statistics are off");
        } finally {
            ns.call(() -> {
                passer.detach();
                return null;
            });
        }
    }

    @Test
    void theJavaSideReadsTheHeadersLayouts() {
        CStructCheck.including("linux/types.h", "\"xdp_swap_reflector.h\"", "\"xdp_sink.h\"")
                .includeDir(TestMachine.projectRoot().resolve("ebpf"))
                .struct("struct xdp_swap_cfg", MemoryLayout.structLayout(
                        JAVA_SHORT.withName("port"), JAVA_SHORT.withName("reserved")))
                .struct("struct xdp_swap_stats", MemoryLayout.structLayout(
                        JAVA_LONG.withName("reflected"), JAVA_LONG.withName("passed")))
                .struct("struct xdp_sink_cfg", MemoryLayout.structLayout(
                        JAVA_SHORT.withName("port"), JAVA_SHORT.withName("reserved")))
                .struct("struct xdp_sink_stats", MemoryLayout.structLayout(
                        JAVA_LONG.withName("packets"), JAVA_LONG.withName("bytes"),
                        JAVA_LONG.withName("port_packets"), JAVA_LONG.withName("port_bytes"),
                        JAVA_LONG.withName("passed")))
                .assertMatches();
    }

    private static void sleepMillis(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
