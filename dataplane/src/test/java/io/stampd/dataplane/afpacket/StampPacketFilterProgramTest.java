package io.stampd.dataplane.afpacket;

import io.stampd.dataplane.testing.Frame;

import io.stampd.dataplane.DataPlaneException;
import io.stampd.dataplane.testing.Frame.Ext;
import io.stampd.sys.Libc;
import io.stampd.sys.TestMachine;
import io.stampd.sys.bpf.BpfException;
import io.stampd.sys.bpf.BpfTestRun;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static io.stampd.dataplane.afpacket.Packet.ETH_HLEN;
import static io.stampd.dataplane.afpacket.Packet.addr;
import static io.stampd.dataplane.afpacket.StampPacketFilter.STAMP_PF_ACCEPTED;
import static io.stampd.dataplane.afpacket.StampPacketFilter.STAMP_PF_COUNT;
import static io.stampd.dataplane.afpacket.StampPacketFilter.STAMP_PF_EXT_HEADER;
import static io.stampd.dataplane.afpacket.StampPacketFilter.STAMP_PF_MAX_EXT_HEADERS;
import static io.stampd.dataplane.afpacket.StampPacketFilter.STAMP_PF_NOT_IPV6;
import static io.stampd.dataplane.afpacket.StampPacketFilter.STAMP_PF_NOT_LOCAL;
import static io.stampd.dataplane.afpacket.StampPacketFilter.STAMP_PF_NOT_UDP;
import static io.stampd.dataplane.afpacket.StampPacketFilter.STAMP_PF_PORT;
import static io.stampd.dataplane.afpacket.StampPacketFilter.STAMP_PF_TAKEN;
import static io.stampd.dataplane.afpacket.StampPacketFilter.STAMP_PF_TRUNCATED;
import static io.stampd.dataplane.afpacket.StampPacketFilter.counterName;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The packet filter under BPF_PROG_RUN (BpfTestRun.skb): well-formed STAMP packets to a local
 * address and an accepted port are accepted whole, and systematic mutations of them (cut at and
 * inside every header, other ports and addresses, Segments Left &gt; 0, fragments, long chains,
 * other protocols, other ethertypes, other hosts' frames) are dropped, each counted under exactly
 * its reason in pf_stats.
 */
class StampPacketFilterProgramTest {
    static final byte[] LOCAL = addr("fd00:7::1");
    static final byte[] LOCAL_2 = addr("fd00:7::2");
    static final byte[] TRANSIT = addr("fd00:9::1");
    static final int REFLECTOR_PORT = 862;
    static final int SENDER_PORT = 50000;

    static StampPacketFilter filter;

    /** A frame and what the filter must do with it: accept it (STAMP_PF_ACCEPTED) or drop it for {@code reason}. */
    record Shape(String name, byte[] frame, int reason) {
        @Override
        public String toString() {
            return name + " -> " + counterName(reason);
        }

        void check() {
            long[] before = counters();
            int retval = BpfTestRun.skb(filter.programFd(), frame);
            long[] after = counters();
            // In a test run skb->data is at the network header: skb->len is the frame without Ethernet.
            assertEquals(reason == STAMP_PF_ACCEPTED ? frame.length - ETH_HLEN : 0, retval, this + ": return value");
            for (int i = 0; i < STAMP_PF_COUNT; i++) {
                assertEquals(before[i] + (i == reason ? 1 : 0), after[i], this + ": pf_stats " + counterName(i)
                        + " (all now " + Arrays.toString(after) + ")");
            }
        }

        /**
         * The TC ingress twin on the same frame: what the socket filter accepts it drops
         * (TC_ACT_SHOT, counted as taken), everything else it lets through (TC_ACT_OK) uncounted.
         */
        void checkTake() {
            long[] before = counters();
            int retval = BpfTestRun.skb(filter.takeProgramFd(), frame);
            long[] after = counters();
            boolean take = reason == STAMP_PF_ACCEPTED;
            assertEquals(take ? TC_ACT_SHOT : TC_ACT_OK, retval, this + ": TC verdict");
            for (int i = 0; i < STAMP_PF_COUNT; i++) {
                assertEquals(before[i] + (take && i == STAMP_PF_TAKEN ? 1 : 0), after[i], this + ": pf_stats "
                        + counterName(i) + " after the TC program (all now " + Arrays.toString(after) + ")");
            }
        }
    }

    static final int TC_ACT_OK = 0;
    static final int TC_ACT_SHOT = 2;

    @BeforeAll
    static void setUp() {
        List<String> missing = new ArrayList<>(TestMachine.missingRootLinux(List.of(), true));
        if (StampPacketFilterProgramTest.class.getResource(StampPacketFilter.OBJECT) == null) {
            missing.add("BPF object " + StampPacketFilter.OBJECT + " on the class path (build ebpf/ with clang"
                    + " and libbpf-dev)");
        }
        TestMachine.require("packet filter test prerequisites", missing);
        filter = StampPacketFilter.load();
        filter.localAddress(LOCAL, true);
        filter.localAddress(LOCAL_2, true);
        filter.port(REFLECTOR_PORT, true);
        filter.port(SENDER_PORT, true);
        // Accepted once, then no longer: refusing must undo accepting.
        filter.port(863, true);
        filter.port(863, false);
        filter.localAddress(addr("fd00:7::3"), true);
        filter.localAddress(addr("fd00:7::3"), false);
    }

    @AfterAll
    static void tearDown() {
        if (filter != null) {
            filter.close();
        }
    }

    static long[] counters() {
        Map<String, Long> named = filter.counters();
        long[] c = new long[STAMP_PF_COUNT];
        for (int i = 0; i < STAMP_PF_COUNT; i++) {
            c[i] = named.get(counterName(i));
        }
        return c;
    }

    // ---- the accepted packets ----------------------------------------------------------------

    /** A1: no extension header. */
    static Frame a1() {
        Frame p = Packet.frame();
        p.dst = LOCAL.clone();
        return p;
    }

    /** A2: an SRH of one segment (this node), Segments Left 0. */
    static Frame a2() {
        Frame p = a1();
        p.ext.add(Packet.srh(List.of(LOCAL), 0));
        return p;
    }

    /** A3: an SRH of three segments, Segments Left 0: the last one, Segment List[0], is this node. */
    static Frame a3() {
        Frame p = a1();
        p.ext.add(Packet.srh(List.of(LOCAL, addr("fd00:9::2"), TRANSIT), 0));
        return p;
    }

    /** A4: Hop-by-Hop, an SRH of two segments (Segments Left 0), Destination Options, then UDP. */
    static Frame a4() {
        Frame p = a1();
        p.ext.add(Ext.options(0, 0));
        p.ext.add(Packet.srh(List.of(LOCAL, TRANSIT), 0));
        p.ext.add(Ext.options(60, 1));
        return p;
    }

    static List<Shape> accepted() {
        List<Shape> shapes = new ArrayList<>();
        shapes.add(new Shape("A1: no extension header", a1().build(), STAMP_PF_ACCEPTED));
        shapes.add(new Shape("A2: SRH of 1 segment, Segments Left 0", a2().build(), STAMP_PF_ACCEPTED));
        shapes.add(new Shape("A3: SRH of 3 segments, Segments Left 0", a3().build(), STAMP_PF_ACCEPTED));
        shapes.add(new Shape("A4: Hop-by-Hop + SRH + Destination Options", a4().build(), STAMP_PF_ACCEPTED));
        Frame toSender = a1();
        toSender.dport = SENDER_PORT;
        toSender.sport = REFLECTOR_PORT;
        shapes.add(new Shape("A1 to a sender's local port (a reply)", toSender.build(), STAMP_PF_ACCEPTED));
        Frame other = a4();
        other.dst = LOCAL_2.clone();
        shapes.add(new Shape("A4 to the other local address", other.build(), STAMP_PF_ACCEPTED));
        Frame longest = a1();
        for (int k = 0; k < STAMP_PF_MAX_EXT_HEADERS; k++) {
            longest.ext.add(Ext.options(60, k % 3));
        }
        shapes.add(new Shape("A1 behind " + STAMP_PF_MAX_EXT_HEADERS + " Destination Options (the bound)",
                longest.build(), STAMP_PF_ACCEPTED));
        for (int type : new int[] {0, 2, 3}) {
            Frame p = a1();
            p.ext.add(Ext.routing(type, 0, List.of(TRANSIT)));
            shapes.add(new Shape("A1 with routing type " + type + ", Segments Left 0", p.build(), STAMP_PF_ACCEPTED));
        }
        Frame empty = a1();
        empty.payload = new byte[0];
        shapes.add(new Shape("A1 with an empty UDP payload", empty.build(), STAMP_PF_ACCEPTED));
        Frame big = a3();
        big.payload = new byte[1400];
        shapes.add(new Shape("A3 with a 1400-octet payload", big.build(), STAMP_PF_ACCEPTED));
        return shapes;
    }

    // ---- the rejected packets ----------------------------------------------------------------

    static List<Shape> rejected() {
        List<Shape> shapes = new ArrayList<>();
        // Truncation: every cut from the end of the IPv6 header to the end of the UDP header (shorter
        // ones: ipv6HeaderCuts).
        for (Frame base : List.of(a1(), a3(), a4())) {
            String label = label(base);
            byte[] full = base.build();
            for (int length = ETH_HLEN + Packet.IPV6_HLEN; length < base.udpOffset() + Packet.UDP_HLEN; length++) {
                shapes.add(new Shape(label + " cut to " + length + " octets", Arrays.copyOf(full, length),
                        STAMP_PF_TRUNCATED));
            }
        }
        // The IPv6 payload length made to agree with a cut at each header boundary, or shorter than the headers.
        for (Frame base : List.of(a1(), a4())) {
            byte[] full = base.build();
            List<Integer> at = base.boundaries();
            for (int cut : at.subList(1, at.size() - 1)) {
                byte[] f = Arrays.copyOf(full, cut);
                ByteBuffer.wrap(f).putShort(ETH_HLEN + 4, (short) (cut - ETH_HLEN - Packet.IPV6_HLEN));
                shapes.add(new Shape(label(base) + " ending after " + (cut - ETH_HLEN) + " octets of IPv6,"
                        + " lengths agreeing", f, STAMP_PF_TRUNCATED));
            }
            int headers = base.extLength() + Packet.UDP_HLEN;
            for (int length : new int[] {0, 1, headers - 1}) {
                Frame p = base.copy();
                p.ipPayloadLength = length;
                shapes.add(new Shape(label(base) + " with IPv6 payload length " + length + " (headers: "
                        + headers + ")", p.build(), STAMP_PF_TRUNCATED));
            }
        }
        // Extension headers that say they run past the packet.
        for (int units : new int[] {10, 255}) {
            Frame p = a1();
            p.ext.add(Ext.options(60, 0).with(1, units));
            shapes.add(new Shape("A1 behind Destination Options claiming " + (units + 1) * 8 + " octets", p.build(),
                    STAMP_PF_TRUNCATED));
        }

        // Ports not accepted (863 was accepted, then refused).
        for (int port : new int[] {863, 861, 0, 53, 50001, 49999, 65535}) {
            Frame p = a1();
            p.dport = port;
            shapes.add(new Shape("A1 to port " + port, p.build(), STAMP_PF_PORT));
        }
        Frame swapped = a4();
        swapped.dport = 12345;
        swapped.sport = REFLECTOR_PORT;
        shapes.add(new Shape("A4 from the reflector port to another port", swapped.build(), STAMP_PF_PORT));

        // Destinations that are not the node's (fd00:7::3 was added, then removed).
        for (String dst : new String[] {"fd00:7::3", "fd00:7::11", "fd00:8::5", "::1", "::", "fe80::1", "ff02::1",
            "2001:db8::1"}) {
            Frame p = a1();
            p.dst = addr(dst);
            shapes.add(new Shape("A1 to " + dst, p.build(), STAMP_PF_NOT_LOCAL));
        }
        Frame inTransit = a3();
        inTransit.dst = TRANSIT.clone();
        inTransit.ext.set(0, inTransit.ext.get(0).with(3, 2));
        shapes.add(new Shape("A3 in transit to its first segment (Segments Left 2)", inTransit.build(),
                STAMP_PF_NOT_LOCAL));

        // Not at the final destination: Segments Left > 0 (even when the active segment is ours: SRv6 End).
        for (int left : new int[] {1, 2, 3, 255}) {
            Frame p = a3();
            p.ext.set(0, p.ext.get(0).with(3, left));
            shapes.add(new Shape("A3 with Segments Left " + left, p.build(), STAMP_PF_EXT_HEADER));
        }
        Frame srhInChain = a4();
        srhInChain.ext.set(1, srhInChain.ext.get(1).with(3, 1));
        shapes.add(new Shape("A4 with Segments Left 1", srhInChain.build(), STAMP_PF_EXT_HEADER));
        for (int type : new int[] {0, 2, 3, 5}) {
            Frame p = a1();
            p.ext.add(Ext.routing(type, 1, List.of(TRANSIT, addr("fd00:9::2"))));
            shapes.add(new Shape("A1 with routing type " + type + ", Segments Left 1", p.build(),
                    STAMP_PF_EXT_HEADER));
        }
        Frame secondSrh = a2();
        secondSrh.ext.add(Packet.srh(List.of(LOCAL, TRANSIT), 1));
        shapes.add(new Shape("A2 followed by an SRH with Segments Left 1", secondSrh.build(), STAMP_PF_EXT_HEADER));
        // Fragments, wherever they are.
        for (boolean more : new boolean[] {false, true}) {
            Frame p = a1();
            p.ext.add(Packet.fragment(0, more));
            shapes.add(new Shape("A1 as a first fragment (M=" + (more ? 1 : 0) + ")", p.build(),
                    STAMP_PF_EXT_HEADER));
        }
        Frame later = a1();
        later.ext.add(Packet.fragment(185, false));
        shapes.add(new Shape("A1 as a last fragment", later.build(), STAMP_PF_EXT_HEADER));
        Frame fragmentInChain = a4();
        fragmentInChain.ext.add(2, Packet.fragment(0, true));
        shapes.add(new Shape("A4 with a Fragment header before Destination Options", fragmentInChain.build(),
                STAMP_PF_EXT_HEADER));
        // Chains longer than the bound.
        for (int count : new int[] {STAMP_PF_MAX_EXT_HEADERS + 1, STAMP_PF_MAX_EXT_HEADERS + 2, 12, 20}) {
            Frame p = a1();
            for (int k = 0; k < count; k++) {
                p.ext.add(Ext.options(60, k % 2));
            }
            shapes.add(new Shape("A1 behind " + count + " Destination Options headers", p.build(),
                    STAMP_PF_EXT_HEADER));
        }
        Frame longWithSrh = a4();
        for (int k = 0; k < STAMP_PF_MAX_EXT_HEADERS - 2; k++) {
            longWithSrh.ext.add(Ext.options(60, 0));
        }
        shapes.add(new Shape("A4 with " + longWithSrh.ext.size() + " extension headers", longWithSrh.build(),
                STAMP_PF_EXT_HEADER));

        // Something other than UDP at the end of the chain.
        for (int upper : new int[] {6, 58, 50, 51, 59, 132, 136, 135, 139, 253}) {
            Frame p = a1();
            p.upper = upper;
            shapes.add(new Shape("A1 with next header " + upper + " instead of UDP", p.build(), STAMP_PF_NOT_UDP));
        }
        for (int upper : new int[] {6, 58}) {
            Frame p = a4();
            p.upper = upper;
            shapes.add(new Shape("A4 with next header " + upper + " after Destination Options", p.build(),
                    STAMP_PF_NOT_UDP));
        }

        shapes.addAll(notIpv6());
        return shapes;
    }

    /** Not IPv6, or not for this host: other ethertypes, a VLAN tag, another IP version, another destination MAC. */
    static List<Shape> notIpv6() {
        List<Shape> shapes = new ArrayList<>();
        byte[] ipv6 = a1().build();
        ByteBuffer v4 = ByteBuffer.allocate(ETH_HLEN + 20 + 8 + 44);
        v4.put(new byte[6]).put(a1().srcMac).putShort((short) 0x0800);
        v4.put((byte) 0x45).put((byte) 0).putShort((short) (20 + 8 + 44)).putInt(0).put((byte) 64).put((byte) 17)
                .putShort((short) 0).putInt(0xC0000201).putInt(0xC0000202);
        v4.putShort((short) SENDER_PORT).putShort((short) REFLECTOR_PORT).putShort((short) 52).putShort((short) 0);
        shapes.add(new Shape("IPv4/UDP to port 862", v4.array(), STAMP_PF_NOT_IPV6));
        ByteBuffer arp = ByteBuffer.allocate(ETH_HLEN + 28);
        arp.put(new byte[6]).put(a1().srcMac).putShort((short) 0x0806);
        arp.putShort((short) 1).putShort((short) 0x0800).put((byte) 6).put((byte) 4).putShort((short) 1);
        shapes.add(new Shape("ARP request", arp.array(), STAMP_PF_NOT_IPV6));
        ByteBuffer broadcastArp = ByteBuffer.wrap(arp.array().clone());
        broadcastArp.put(0, new byte[] {-1, -1, -1, -1, -1, -1});
        shapes.add(new Shape("ARP request to the broadcast MAC", broadcastArp.array(), STAMP_PF_NOT_IPV6));
        for (int tag : new int[] {0x8100, 0x88A8}) {
            byte[] tagged = new byte[ipv6.length + 4];
            System.arraycopy(ipv6, 0, tagged, 0, 12);
            ByteBuffer.wrap(tagged).putShort(12, (short) tag).putShort(14, (short) 42);
            System.arraycopy(ipv6, 12, tagged, 16, ipv6.length - 12);
            shapes.add(new Shape("A1 tagged " + Integer.toHexString(tag), tagged, STAMP_PF_NOT_IPV6));
        }
        for (int version : new int[] {4, 0, 7, 15}) {
            Frame p = a1();
            p.version = version;
            shapes.add(new Shape("A1 with IP version " + version + " under ethertype 86dd", p.build(),
                    STAMP_PF_NOT_IPV6));
        }
        for (int type : new int[] {0x0000, 0x05DC, 0x86DC, 0x86DE, 0x8847, 0xDD86}) {
            Frame p = a1();
            p.etherType = type;
            shapes.add(new Shape("A1 with ethertype " + Integer.toHexString(type), p.build(), STAMP_PF_NOT_IPV6));
        }
        // pkt_type: eth_type_trans makes these PACKET_MULTICAST, PACKET_BROADCAST, PACKET_OTHERHOST.
        String[] macs = {"33:33:00:00:00:01", "33:33:ff:00:00:01", "01:00:5e:00:00:01", "ff:ff:ff:ff:ff:ff",
            "02:00:00:00:00:01", "00:00:00:00:00:01", "00:00:00:00:01:00", "80:00:00:00:00:00"};
        for (String mac : macs) {
            for (Frame base : List.of(a1(), a4())) {
                base.dstMac = mac(mac);
                shapes.add(new Shape(label(base) + " to MAC " + mac + " (not PACKET_HOST)", base.build(),
                        STAMP_PF_NOT_IPV6));
            }
        }
        return shapes;
    }

    private static String label(Frame p) {
        return p.ext.isEmpty() ? "A1" : p.ext.size() == 1 ? "A3" : "A4";
    }

    static byte[] mac(String text) {
        String[] parts = text.split(":");
        byte[] m = new byte[6];
        for (int i = 0; i < 6; i++) {
            m[i] = (byte) Integer.parseInt(parts[i], 16);
        }
        return m;
    }

    // ---- the tests ---------------------------------------------------------------------------

    @TestFactory
    Stream<DynamicTest> wellFormedStampPacketsAreAcceptedWhole() {
        return accepted().stream().map(shape -> DynamicTest.dynamicTest(shape.toString(), shape::check));
    }

    @TestFactory
    Stream<DynamicTest> everyOtherShapeIsDroppedForItsReason() {
        return rejected().stream().map(shape -> DynamicTest.dynamicTest(shape.toString(), shape::check));
    }

    @TestFactory
    Stream<DynamicTest> theTcProgramTakesExactlyWhatTheSocketFilterAccepts() {
        return Stream.concat(accepted().stream(), rejected().stream())
                .map(shape -> DynamicTest.dynamicTest("TC: " + shape, shape::checkTake));
    }

    @Test
    void atLeastAHundredRejectedShapesOfEveryReason() {
        List<Shape> rejected = rejected();
        assertTrue(rejected.size() >= 100, "only " + rejected.size() + " rejected shapes");
        for (int reason = 0; reason < STAMP_PF_TAKEN; reason++) { // taken: the TC program's, not a reason
            int r = reason;
            long n = rejected.stream().filter(s -> s.reason() == r).count();
            assertEquals(reason == STAMP_PF_ACCEPTED, n == 0, counterName(reason) + ": " + n + " shapes");
        }
    }

    @Test
    void cutsInsideTheIpv6HeaderAreRefusedByTheKernelOrDroppedAsTruncated() {
        // bpf_prog_test_run_skb (Linux 6.18) refuses an IPv6 frame without a whole IPv6 header
        // (EINVAL) before the filter runs; on a real socket the filter sees such a runt and drops it
        // as truncated, which StampPacketFilterNetnsTest shows. Should a kernel run it, the same holds here.
        byte[] full = a1().build();
        for (int length = ETH_HLEN; length < ETH_HLEN + Packet.IPV6_HLEN; length++) {
            Shape shape = new Shape("A1 cut to " + length + " octets", Arrays.copyOf(full, length), STAMP_PF_TRUNCATED);
            try {
                shape.check();
            } catch (BpfException e) {
                assertEquals(Libc.EINVAL, e.errno(), shape + ": " + e.getMessage());
            }
        }
    }

    @Test
    void theUdpPayloadIsNotTheFiltersBusiness() {
        // Cut inside the payload, the IPv6 length overstating it: the headers are all there, so the
        // packet goes to the ring, whose reader checks the lengths against what it captured.
        byte[] full = a4().build();
        int payload = a4().udpOffset() + Packet.UDP_HLEN;
        for (int length : new int[] {payload, payload + 1, full.length - 1}) {
            new Shape("A4 cut to " + length + " octets, inside the UDP payload", Arrays.copyOf(full, length),
                    STAMP_PF_ACCEPTED).check();
        }
    }

    @Test
    void addressesAndPortsComeAndGo() {
        Frame p = a1();
        p.dst = addr("fd00:7::42");
        p.dport = 4242;
        byte[] frame = p.build();
        new Shape("to fd00:7::42 before it is added", frame, STAMP_PF_NOT_LOCAL).check();
        filter.localAddress(p.dst, true);
        try {
            new Shape("to fd00:7::42 port 4242 before the port is accepted", frame, STAMP_PF_PORT).check();
            filter.port(4242, true);
            new Shape("to fd00:7::42 port 4242", frame, STAMP_PF_ACCEPTED).check();
            filter.port(4242, false);
            new Shape("to fd00:7::42 port 4242 after the port is refused", frame, STAMP_PF_PORT).check();
        } finally {
            filter.port(4242, false);
            filter.localAddress(p.dst, false);
        }
        new Shape("to fd00:7::42 after it is removed", frame, STAMP_PF_NOT_LOCAL).check();
    }

    @Test
    void countersAreNamedInTheHeadersOrder() {
        assertEquals(List.of("accepted", "not_ipv6", "not_local", "ext_header", "not_udp", "port", "truncated", "taken"),
                List.copyOf(filter.counters().keySet()));
    }

    @Test
    void badArgumentsAndAttachFailuresAreClear() {
        assertThrows(IllegalArgumentException.class, () -> filter.port(65536, true));
        assertThrows(IllegalArgumentException.class, () -> filter.port(-1, true));
        assertThrows(IllegalArgumentException.class, () -> filter.localAddress(new byte[4], true));
        assertThrows(IllegalArgumentException.class, () -> BpfTestRun.skb(filter.programFd(), new byte[13]));
        DataPlaneException e = assertThrows(DataPlaneException.class, () -> filter.attach(-1));
        assertTrue(e.getMessage().contains("SO_ATTACH_BPF") && e.getMessage().contains("errno 9"), e.getMessage());
        assertEquals(DataPlaneException.Reason.RESOURCE, e.reason());
    }
}
