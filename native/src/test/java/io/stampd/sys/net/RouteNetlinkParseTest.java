package io.stampd.sys.net;

import io.stampd.sys.Libc;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.InetAddress;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * How {@link RouteNetlink} reads what the kernel sends, on datagrams built here: replies matched
 * by sequence number (another request's skipped), NLMSG_ERROR (0 an acknowledgement), malformed
 * lengths, the first path of RTA_MULTIPATH, and neighbour entries with and without a usable
 * link-layer address. The kernel itself answers in {@code RouteNetlinkNetnsTest}.
 */
class RouteNetlinkParseTest {
    private static final ValueLayout.OfInt U32 = ValueLayout.JAVA_INT_UNALIGNED;
    private static final ValueLayout.OfShort U16 = ValueLayout.JAVA_SHORT_UNALIGNED;
    private static final byte[] GW1 = address("fd00:1::1");
    private static final byte[] GW2 = address("fd00:1::2");
    private static final byte[] MAC = {0x02, 0x11, 0x22, 0x33, 0x44, 0x55};

    /** Writes netlink messages one after the other into a zeroed buffer. */
    private static final class Datagram {
        final MemorySegment buf = Arena.ofAuto().allocate(4096, 8);
        int length;
        private int message;

        Datagram begin(int type, int seq) {
            message = length;
            buf.set(U16, message + Netlink.NLMSG_TYPE_AT, (short) type);
            buf.set(U32, message + Netlink.NLMSG_SEQ_AT, seq);
            length += Netlink.NLMSG_HDRLEN;
            return this;
        }

        Datagram bytes(int... values) {
            for (int v : values) {
                buf.set(JAVA_BYTE, length++, (byte) v);
            }
            return this;
        }

        Datagram align() {
            length = (int) Netlink.nlmsgAlign(length);
            return this;
        }

        /** An rtmsg: family, type. */
        Datagram rtmsg(int family, int type) {
            buf.set(JAVA_BYTE, length + Netlink.RTM_FAMILY_AT, (byte) family);
            buf.set(JAVA_BYTE, length + Netlink.RTM_TYPE_AT, (byte) type);
            length += Netlink.RTMSG_SIZE;
            return this;
        }

        Datagram ndmsg(int family, int state) {
            buf.set(JAVA_BYTE, length + Netlink.NDM_FAMILY_AT, (byte) family);
            buf.set(U16, length + Netlink.NDM_STATE_AT, (short) state);
            length += Netlink.NDMSG_SIZE;
            return this;
        }

        Datagram attribute(int type, byte[] value) {
            buf.set(U16, length + Netlink.RTA_LEN_AT, (short) (Netlink.RTATTR_SIZE + value.length));
            buf.set(U16, length + Netlink.RTA_TYPE_AT, (short) type);
            MemorySegment.copy(value, 0, buf, JAVA_BYTE, length + Netlink.RTATTR_SIZE, value.length);
            length += (int) Netlink.rtaAlign(Netlink.RTATTR_SIZE + value.length);
            return this;
        }

        Datagram intAttribute(int type, int value) {
            return attribute(type, new byte[] {(byte) value, (byte) (value >> 8), (byte) (value >> 16), (byte) (value >> 24)});
        }

        /** Closes the message begun last: sets its nlmsg_len. */
        Datagram end() {
            buf.set(U32, message + Netlink.NLMSG_LEN_AT, length - message);
            length = (int) Netlink.nlmsgAlign(length);
            return this;
        }

        int offsetOfLast() {
            return message;
        }
    }

    private static byte[] address(String text) {
        try {
            return InetAddress.getByName(text).getAddress();
        } catch (java.net.UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    private static byte[] rtnexthop(int ifindex, byte[] gateway) {
        int length = Netlink.RTNEXTHOP_SIZE + (gateway == null ? 0 : Netlink.RTATTR_SIZE + 16);
        MemorySegment s = MemorySegment.ofArray(new byte[length]);
        s.set(U16, Netlink.RTNH_LEN_AT, (short) length);
        s.set(U32, Netlink.RTNH_IFINDEX_AT, ifindex);
        if (gateway != null) {
            s.set(U16, Netlink.RTNEXTHOP_SIZE + Netlink.RTA_LEN_AT, (short) (Netlink.RTATTR_SIZE + 16));
            s.set(U16, Netlink.RTNEXTHOP_SIZE + Netlink.RTA_TYPE_AT, (short) Netlink.RTA_GATEWAY);
            MemorySegment.copy(gateway, 0, s, JAVA_BYTE, Netlink.RTNEXTHOP_SIZE + Netlink.RTATTR_SIZE, 16);
        }
        return s.toArray(JAVA_BYTE);
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    private static Datagram error(int seq, int error) {
        Datagram d = new Datagram().begin(Netlink.NLMSG_ERROR, seq);
        d.buf.set(U32, d.length + Netlink.NLMSGERR_ERROR_AT, error);
        d.length += (int) NetlinkStructs.NLMSGERR.byteSize();
        return d.end();
    }

    @Test
    void aReplyToAnotherRequestIsSkipped() {
        Datagram d = new Datagram()
                .begin(Netlink.RTM_NEWROUTE, 41).rtmsg(Libc.AF_INET6, Netlink.RTN_UNICAST).end()
                .begin(Netlink.RTM_NEWROUTE, 42).rtmsg(Libc.AF_INET6, Netlink.RTN_UNICAST).end();
        assertEquals(d.offsetOfLast(), RouteNetlink.scan(d.buf, d.length, 42, Netlink.RTM_NEWROUTE));
        assertEquals(0, RouteNetlink.scan(d.buf, d.length, 41, Netlink.RTM_NEWROUTE));
        assertEquals(RouteNetlink.NOT_FOUND, RouteNetlink.scan(d.buf, d.length, 43, Netlink.RTM_NEWROUTE));
        assertEquals(RouteNetlink.NOT_FOUND, RouteNetlink.scan(d.buf, 0, 42, Netlink.RTM_NEWROUTE));
    }

    @Test
    void nlmsgErrorIsAnErrnoOrAnAcknowledgement() {
        Datagram enoent = error(7, -Libc.ENOENT);
        assertEquals(-Libc.ENOENT, RouteNetlink.scan(enoent.buf, enoent.length, 7, Netlink.RTM_NEWNEIGH));
        assertEquals(RouteNetlink.NOT_FOUND, RouteNetlink.scan(enoent.buf, enoent.length, 8, Netlink.RTM_NEWNEIGH));
        Datagram ack = error(7, 0);
        assertEquals(RouteNetlink.ACK, RouteNetlink.scan(ack.buf, ack.length, 7, Netlink.NLMSG_ERROR));
        Datagram nonsense = error(7, 5); // a positive error is no errno
        assertEquals(-Netlink.EPROTO, RouteNetlink.scan(nonsense.buf, nonsense.length, 7, Netlink.RTM_NEWNEIGH));
    }

    @Test
    void aMalformedLengthIsAProtocolErrorForThisRequestOnly() {
        Datagram d = new Datagram().begin(Netlink.RTM_NEWROUTE, 9).rtmsg(Libc.AF_INET6, Netlink.RTN_UNICAST).end();
        d.buf.set(U32, Netlink.NLMSG_LEN_AT, 8); // shorter than its header
        assertEquals(-Netlink.EPROTO, RouteNetlink.scan(d.buf, d.length, 9, Netlink.RTM_NEWROUTE));
        assertEquals(RouteNetlink.NOT_FOUND, RouteNetlink.scan(d.buf, d.length, 10, Netlink.RTM_NEWROUTE));
        d.buf.set(U32, Netlink.NLMSG_LEN_AT, d.length + 4); // longer than the datagram (truncated)
        assertEquals(-Netlink.EPROTO, RouteNetlink.scan(d.buf, d.length, 9, Netlink.RTM_NEWROUTE));
    }

    @Test
    void aRouteReplyGivesOifGatewayAndSource() {
        Datagram d = new Datagram().begin(Netlink.RTM_NEWROUTE, 1).rtmsg(Libc.AF_INET6, Netlink.RTN_UNICAST)
                .attribute(Netlink.RTA_DST, address("fd00:2::1"))
                .attribute(Netlink.RTA_GATEWAY, GW2)
                .intAttribute(Netlink.RTA_OIF, 5)
                .attribute(Netlink.RTA_PREFSRC, GW1)
                .end();
        Route route = new Route();
        assertEquals(0, RouteNetlink.parseRoute(d.buf, 0, route));
        assertEquals(5, route.oif);
        assertEquals(Netlink.RTN_UNICAST, route.type);
        assertTrue(route.hasGateway);
        assertArrayEquals(GW2, route.gateway.toArray(JAVA_BYTE));
        assertTrue(route.hasPreferredSource);
        assertArrayEquals(GW1, route.preferredSource.toArray(JAVA_BYTE));
        assertFalse(route.multipath);
        assertEquals("Route[type 1, oif 5, via fd00:1:0:0:0:0:0:2, src fd00:1:0:0:0:0:0:1]", route.toString());
    }

    @Test
    void multipathTakesTheFirstNexthop() {
        byte[] paths = concat(rtnexthop(7, GW1), rtnexthop(9, GW2));
        Datagram d = new Datagram().begin(Netlink.RTM_NEWROUTE, 1).rtmsg(Libc.AF_INET6, Netlink.RTN_UNICAST)
                .attribute(Netlink.RTA_MULTIPATH, paths)
                .intAttribute(Netlink.RTA_OIF, 3) // a top-level one does not override the multipath answer
                .end();
        Route route = new Route();
        assertEquals(0, RouteNetlink.parseRoute(d.buf, 0, route));
        assertTrue(route.multipath);
        assertEquals(7, route.oif);
        assertTrue(route.hasGateway);
        assertArrayEquals(GW1, route.gateway.toArray(JAVA_BYTE));

        Datagram onLink = new Datagram().begin(Netlink.RTM_NEWROUTE, 1).rtmsg(Libc.AF_INET6, Netlink.RTN_UNICAST)
                .attribute(Netlink.RTA_GATEWAY, GW2)
                .attribute(Netlink.RTA_MULTIPATH, concat(rtnexthop(4, null), rtnexthop(6, GW2)))
                .end();
        assertEquals(0, RouteNetlink.parseRoute(onLink.buf, 0, route));
        assertEquals(4, route.oif);
        assertFalse(route.hasGateway, "the first path is on-link");
    }

    @Test
    void malformedRouteAttributesAreProtocolErrors() {
        Route route = new Route();
        Datagram shortGateway = new Datagram().begin(Netlink.RTM_NEWROUTE, 1).rtmsg(Libc.AF_INET6, Netlink.RTN_UNICAST)
                .attribute(Netlink.RTA_GATEWAY, new byte[4]).end();
        assertEquals(-Netlink.EPROTO, RouteNetlink.parseRoute(shortGateway.buf, 0, route));
        Datagram ipv4 = new Datagram().begin(Netlink.RTM_NEWROUTE, 1).rtmsg(2, Netlink.RTN_UNICAST).end();
        assertEquals(-Netlink.EPROTO, RouteNetlink.parseRoute(ipv4.buf, 0, route));
        Datagram overlong = new Datagram().begin(Netlink.RTM_NEWROUTE, 1).rtmsg(Libc.AF_INET6, Netlink.RTN_UNICAST)
                .intAttribute(Netlink.RTA_OIF, 3).end();
        overlong.buf.set(U16, Netlink.NLMSG_HDRLEN + Netlink.RTMSG_SIZE + Netlink.RTA_LEN_AT, (short) 64);
        assertEquals(-Netlink.EPROTO, RouteNetlink.parseRoute(overlong.buf, 0, route));
    }

    @Test
    void neighbourEntries() {
        MemorySegment mac = MemorySegment.ofArray(new byte[6]);
        Datagram reachable = new Datagram().begin(Netlink.RTM_NEWNEIGH, 1).ndmsg(Libc.AF_INET6, Netlink.NUD_REACHABLE)
                .attribute(Netlink.NDA_DST, GW2).attribute(Netlink.NDA_LLADDR, MAC).end();
        assertEquals(Netlink.NUD_REACHABLE, RouteNetlink.parseNeighbour(reachable.buf, 0, mac));
        assertArrayEquals(MAC, mac.toArray(JAVA_BYTE));

        MemorySegment untouched = MemorySegment.ofArray(new byte[6]);
        Datagram incomplete = new Datagram().begin(Netlink.RTM_NEWNEIGH, 1).ndmsg(Libc.AF_INET6, Netlink.NUD_INCOMPLETE)
                .attribute(Netlink.NDA_DST, GW2).end();
        assertEquals(Netlink.NUD_INCOMPLETE, RouteNetlink.parseNeighbour(incomplete.buf, 0, untouched));
        assertArrayEquals(new byte[6], untouched.toArray(JAVA_BYTE));

        Datagram notEthernet = new Datagram().begin(Netlink.RTM_NEWNEIGH, 1).ndmsg(Libc.AF_INET6, Netlink.NUD_STALE)
                .attribute(Netlink.NDA_LLADDR, new byte[16]).end();
        assertEquals(-Netlink.ENODATA, RouteNetlink.parseNeighbour(notEthernet.buf, 0, mac));
    }

    @Test
    void usableStates() {
        for (int state : new int[] {Netlink.NUD_REACHABLE, Netlink.NUD_STALE, Netlink.NUD_DELAY, Netlink.NUD_PROBE,
                Netlink.NUD_PERMANENT, Netlink.NUD_NOARP, Netlink.NUD_REACHABLE | Netlink.NUD_PERMANENT}) {
            assertTrue(RouteNetlink.usable(state), "state 0x" + Integer.toHexString(state));
        }
        for (int state : new int[] {Netlink.NUD_NONE, Netlink.NUD_INCOMPLETE, Netlink.NUD_FAILED, -Libc.ENOENT,
                -Netlink.ETIMEDOUT}) {
            assertFalse(RouteNetlink.usable(state), "state " + state);
        }
    }
}
