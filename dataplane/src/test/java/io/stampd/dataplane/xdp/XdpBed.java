package io.stampd.dataplane.xdp;

import io.stampd.dataplane.testing.Frame;
import io.stampd.sys.Libc;
import io.stampd.sys.bpf.BpfMap;
import io.stampd.sys.bpf.BpfObject;
import io.stampd.sys.bpf.BpfTestRun;
import io.stampd.sys.bpf.NetInterfaces;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;

/**
 * The test bed of the XDP program tests: one namespace with two veth pairs, routes and permanent
 * neighbours such that bpf_fib_lookup answers deterministically, plus helpers to fill the
 * programs' maps and run them with BPF_PROG_RUN as if frames arrived on r0.
 *
 * <pre>
 *  r0 (02:00:00:00:00:01) fd00:1::1/64, fd00:1::100/64   -- p0
 *     neighbours fd00:1::2 (S1), fd00:1::3 (S2), fd00:1::10 (GW): permanent
 *     fd00:7::/64 via GW; fd00:4::/64 via GW with MTU 1280; fd00:5::/64 via fd00:1::99 (no neighbour: NO_NEIGH)
 *  r1 (02:00:00:00:00:02) fd00:2::1/64                    -- p1
 *     neighbour fd00:2::2 (GW2): permanent; fd00:3::/64 via GW2 (replies leave by r1: redirect)
 *  fd00:6::/64: no route at all
 * </pre>
 *
 * MTU 9000 everywhere but on the fd00:4::/64 route. Forwarding is on in the namespace:
 * bpf_fib_lookup answers only for interfaces that forward.
 */
final class XdpBed implements AutoCloseable {
    static final byte[] R0_MAC = Frame.mac(2, 0, 0, 0, 0, 0x01);
    static final byte[] R1_MAC = Frame.mac(2, 0, 0, 0, 0, 0x02);
    static final byte[] S1_MAC = Frame.mac(2, 0, 0, 0, 1, 0x02);
    static final byte[] S2_MAC = Frame.mac(2, 0, 0, 0, 1, 0x03);
    static final byte[] GW_MAC = Frame.mac(2, 0, 0, 0, 1, 0x10);
    static final byte[] GW2_MAC = Frame.mac(2, 0, 0, 0, 2, 0x02);

    /** The reflector's address on r0, and a second local one. */
    static final byte[] R = addr("fd00:1::1");
    static final byte[] R_OTHER = addr("fd00:1::100");
    static final byte[] R1_ADDR = addr("fd00:2::1");
    static final byte[] S1 = addr("fd00:1::2");
    static final byte[] S2 = addr("fd00:1::3");
    static final byte[] GW = addr("fd00:1::10");
    static final byte[] GW2 = addr("fd00:2::2");
    /** On the r0 link but not ours and without a neighbour entry. */
    static final byte[] ON_LINK_UNRESOLVED = addr("fd00:1::77");
    /** Behind GW (reached through r0). */
    static final byte[] REMOTE_VIA_GW = addr("fd00:7::1");
    /** Behind GW2 (reached through r1). */
    static final byte[] REMOTE_VIA_R1 = addr("fd00:3::5");
    /** Behind an unresolved next hop. */
    static final byte[] REMOTE_UNRESOLVED = addr("fd00:5::1");
    /** Behind GW on a route with MTU 1280. */
    static final byte[] REMOTE_SMALL_MTU = addr("fd00:4::1");
    /** Not routable. */
    static final byte[] UNROUTABLE = addr("fd00:6::1");

    final TestNetns ns;
    final int r0;
    final int r1;
    private BpfObject reflector;
    private BpfObject collector;

    private XdpBed(TestNetns ns, int r0, int r1) {
        this.ns = ns;
        this.r0 = r0;
        this.r1 = r1;
    }

    static XdpBed create() {
        TestNetns ns = TestNetns.create();
        try {
            ns.sysctl("net.ipv6.conf.all.forwarding", "1");
            ns.ip("link", "add", "r0", "address", "02:00:00:00:00:01", "type", "veth", "peer", "name", "p0",
                    "address", "02:00:00:00:00:11");
            ns.ip("link", "add", "r1", "address", "02:00:00:00:00:02", "type", "veth", "peer", "name", "p1",
                    "address", "02:00:00:00:00:12");
            for (String dev : List.of("r0", "p0", "r1", "p1")) {
                // Jumbo MTU: the longest test replies (a return path added to a 3000-octet payload) fit.
                ns.ip("link", "set", dev, "mtu", "9000", "up");
            }
            ns.ip("-6", "addr", "add", "fd00:1::1/64", "dev", "r0", "nodad");
            ns.ip("-6", "addr", "add", "fd00:1::100/64", "dev", "r0", "nodad");
            ns.ip("-6", "addr", "add", "fd00:2::1/64", "dev", "r1", "nodad");
            ns.ip("-6", "neigh", "add", "fd00:1::2", "lladdr", "02:00:00:00:01:02", "dev", "r0", "nud", "permanent");
            ns.ip("-6", "neigh", "add", "fd00:1::3", "lladdr", "02:00:00:00:01:03", "dev", "r0", "nud", "permanent");
            ns.ip("-6", "neigh", "add", "fd00:1::10", "lladdr", "02:00:00:00:01:10", "dev", "r0", "nud", "permanent");
            ns.ip("-6", "neigh", "add", "fd00:2::2", "lladdr", "02:00:00:00:02:02", "dev", "r1", "nud", "permanent");
            ns.ip("-6", "route", "add", "fd00:7::/64", "via", "fd00:1::10", "dev", "r0");
            ns.ip("-6", "route", "add", "fd00:3::/64", "via", "fd00:2::2", "dev", "r1");
            ns.ip("-6", "route", "add", "fd00:5::/64", "via", "fd00:1::99", "dev", "r0");
            ns.ip("-6", "route", "add", "fd00:4::/64", "via", "fd00:1::10", "dev", "r0", "mtu", "lock", "1280");
            int[] indexes = ns.call(() -> new int[] {NetInterfaces.indexOf("r0"), NetInterfaces.indexOf("r1")});
            return new XdpBed(ns, indexes[0], indexes[1]);
        } catch (RuntimeException | Error e) {
            ns.close();
            throw e;
        }
    }

    /** Loads the reflector object and sets its configuration and local addresses (R, R_OTHER, R1_ADDR). */
    BpfObject reflector() {
        if (reflector == null) {
            reflector = BpfObject.openResource(XdpTestEnv.REFLECTOR_OBJECT).load();
            setConfig(reflector.map("refl_config"), kernelTaiOffsetNanos());
            for (byte[] a : List.of(R, R_OTHER, R1_ADDR)) {
                reflector.map("refl_local").update(a, new byte[] {1});
            }
        }
        return reflector;
    }

    /** Loads the collector object and sets its configuration and local addresses. */
    BpfObject collector() {
        if (collector == null) {
            collector = BpfObject.openResource(XdpTestEnv.COLLECTOR_OBJECT).load();
            setConfig(collector.map("coll_config"), kernelTaiOffsetNanos());
            for (byte[] a : List.of(R, R_OTHER, R1_ADDR)) {
                collector.map("coll_local").update(a, new byte[] {1});
            }
        }
        return collector;
    }

    /** CLOCK_TAI - CLOCK_REALTIME as the kernel keeps it (adjtimex), what the XDP plane sets. */
    static long kernelTaiOffsetNanos() {
        return Libc.taiOffsetSeconds() * 1_000_000_000L;
    }

    static void setConfig(BpfMap config, long taiOffsetNanos) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment value = arena.allocate(XdpStructs.STAMP_XDP_CONFIG);
            XdpStructs.config(value, taiOffsetNanos);
            config.update(BpfMap.indexKey(0), value.toArray(JAVA_BYTE));
        }
    }

    /** Runs {@code programFd} on {@code frame} as received on r0 (ifindex {@link #r0}), in the namespace. */
    BpfTestRun.XdpResult run(int programFd, byte[] frame) {
        return ns.call(() -> BpfTestRun.runXdp(programFd, frame, r0));
    }

    /** Sum over CPUs of counter {@code counter} of a stats map (refl_stats, coll_stats). */
    static long stat(BpfMap stats, int counter) {
        long total = 0;
        for (byte[] perCpu : stats.lookupPerCpu(BpfMap.indexKey(counter)).orElseThrow()) {
            total += ByteBuffer.wrap(perCpu).order(ByteOrder.nativeOrder()).getLong(0);
        }
        return total;
    }

    /** Every counter of a stats map. */
    static long[] stats(BpfMap stats) {
        long[] all = new long[XdpStructs.STAMP_C_COUNT];
        for (int c = 0; c < all.length; c++) {
            all[c] = stat(stats, c);
        }
        return all;
    }

    static byte[] addr(String text) {
        try {
            byte[] a = InetAddress.getByName(text).getAddress();
            if (a.length != 16) {
                throw new IllegalArgumentException(text + " is not an IPv6 address");
            }
            return a;
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(text, e);
        }
    }

    @Override
    public void close() {
        try {
            if (reflector != null) {
                reflector.close();
            }
            if (collector != null) {
                collector.close();
            }
        } finally {
            ns.close();
        }
    }
}
