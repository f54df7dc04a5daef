package io.stampd.sys.net;

import io.stampd.sys.Libc;
import io.stampd.sys.TestMachine;
import io.stampd.sys.bpf.NetInterfaces;
import io.stampd.sys.bpf.NetNamespace;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link RouteNetlink} against the kernel, in two throw-away network namespaces joined by a veth
 * pair (A nla0 fd00:1::1 and ::10, B nlb0 fd00:1::2 and ::3; no DAD, so the addresses are usable
 * at once). A has a route via B (fd00:2::/64), one with a source (fd00:4::/64 src fd00:1::10), an
 * on-link one (fd00:3::/64), an unreachable one (fd00:5::/64) and no default route. Lookups run
 * on a thread inside A; traffic only goes between A and B.
 */
class RouteNetlinkNetnsTest {
    private static final String A_IF = "nla0";
    private static final String B_IF = "nlb0";

    private static final List<String> created = new ArrayList<>();
    private static String nsA;
    private static String nsB;

    @BeforeAll
    static void createNamespaces() {
        TestMachine.require("RouteNetlink namespace test", TestMachine.missingRootLinux(List.of("ip", "ping"), false));
        byte[] random = new byte[3];
        ThreadLocalRandom.current().nextBytes(random);
        String base = "stampd-nl-" + ProcessHandle.current().pid() + "-" + HexFormat.of().formatHex(random);
        nsA = base + "-a";
        nsB = base + "-b";
        for (String ns : List.of(nsA, nsB)) {
            run("ip", "netns", "add", ns);
            created.add(ns);
            run("ip", "netns", "exec", ns, "sysctl", "-qw", "net.ipv6.conf.all.accept_dad=0",
                    "net.ipv6.conf.default.accept_dad=0");
            run("ip", "-n", ns, "link", "set", "lo", "up");
        }
        run("ip", "-n", nsA, "link", "add", A_IF, "type", "veth", "peer", "name", B_IF, "netns", nsB);
        run("ip", "-n", nsA, "addr", "add", "fd00:1::1/64", "dev", A_IF, "nodad");
        run("ip", "-n", nsA, "addr", "add", "fd00:1::10/64", "dev", A_IF, "nodad");
        run("ip", "-n", nsB, "addr", "add", "fd00:1::2/64", "dev", B_IF, "nodad");
        run("ip", "-n", nsB, "addr", "add", "fd00:1::3/64", "dev", B_IF, "nodad");
        run("ip", "-n", nsA, "link", "set", A_IF, "up");
        run("ip", "-n", nsB, "link", "set", B_IF, "up");
        run("ip", "-n", nsA, "-6", "route", "add", "fd00:2::/64", "via", "fd00:1::2", "dev", A_IF);
        run("ip", "-n", nsA, "-6", "route", "add", "fd00:4::/64", "via", "fd00:1::2", "dev", A_IF, "src", "fd00:1::10");
        run("ip", "-n", nsA, "-6", "route", "add", "fd00:3::/64", "dev", A_IF);
        run("ip", "-n", nsA, "-6", "route", "add", "unreachable", "fd00:5::/64");
    }

    @AfterAll
    static void deleteNamespaces() {
        for (String ns : created) {
            try {
                run("ip", "netns", "del", ns);
            } catch (RuntimeException e) {
                System.err.println("could not delete network namespace " + ns + ": " + e.getMessage());
            }
        }
        created.clear();
    }

    @Test
    void aGatewayedRouteGivesItsInterfaceGatewayAndSource() {
        inA(() -> {
            int nla0 = NetInterfaces.indexOf(A_IF);
            try (RouteNetlink netlink = RouteNetlink.open()) {
                Route route = new Route();
                for (int i = 0; i < 100; i++) { // one socket, many requests: each matched by its own seq
                    assertEquals(0, netlink.route(address("fd00:2::1"), route), "route " + i);
                    assertEquals(nla0, route.oif);
                    assertTrue(route.hasGateway);
                    assertArrayEquals(address("fd00:1::2").toArray(JAVA_BYTE), route.gateway.toArray(JAVA_BYTE));
                }
                assertEquals(Netlink.RTN_UNICAST, route.type);
                assertFalse(route.multipath);
                assertTrue(route.hasPreferredSource, route.toString());
                byte[] source = route.preferredSource.toArray(JAVA_BYTE);
                assertTrue(List.of("fd00:1:0:0:0:0:0:1", "fd00:1:0:0:0:0:0:10").contains(text(source)), route.toString());

                assertEquals(0, netlink.route(address("fd00:4::9"), route));
                assertTrue(route.hasGateway);
                assertTrue(route.hasPreferredSource);
                assertEquals("fd00:1:0:0:0:0:0:10", text(route.preferredSource.toArray(JAVA_BYTE)), "the route's src");
            }
            return null;
        });
    }

    @Test
    void anOnLinkRouteHasNoGateway() {
        inA(() -> {
            int nla0 = NetInterfaces.indexOf(A_IF);
            try (RouteNetlink netlink = RouteNetlink.open()) {
                Route route = new Route();
                for (String onLink : List.of("fd00:3::5", "fd00:1::2")) {
                    MemorySegment dst = address(onLink);
                    assertEquals(0, netlink.route(dst, route), onLink);
                    assertEquals(nla0, route.oif, onLink);
                    assertFalse(route.hasGateway, onLink + ": " + route);
                    assertEquals(Netlink.RTN_UNICAST, route.type);
                    assertEquals(dst, route.nextHop(dst));
                }
                // A link-local destination out of a given interface (RTA_OIF in the request).
                assertEquals(0, netlink.route(address("fe80::1"), nla0, route));
                assertEquals(nla0, route.oif);
                assertFalse(route.hasGateway);
                // An address of A's own is local.
                assertEquals(0, netlink.route(address("fd00:1::1"), route));
                assertEquals(Netlink.RTN_LOCAL, route.type);
            }
            return null;
        });
    }

    @Test
    void anUnreachableDestinationIsANegativeErrno() {
        inA(() -> {
            try (RouteNetlink netlink = RouteNetlink.open()) {
                Route route = new Route();
                assertEquals(-Netlink.ENETUNREACH, netlink.route(address("fd00:99::1"), route), "no route at all");
                assertEquals(-Netlink.EHOSTUNREACH, netlink.route(address("fd00:5::1"), route), "unreachable route");
                // The kernel answers with the error (Linux 6.x), or with the route whose type says it.
                assertTrue(route.type == 0 || route.type == Netlink.RTN_UNREACHABLE, route.toString());
                // The socket is still in step after errors.
                assertEquals(0, netlink.route(address("fd00:2::1"), route));
            }
            return null;
        });
    }

    @Test
    void anUnknownNeighbourHasNoEntry() {
        inA(() -> {
            try (RouteNetlink netlink = RouteNetlink.open()) {
                MemorySegment mac = MemorySegment.ofArray(new byte[6]);
                int state = netlink.neighbour(NetInterfaces.indexOf(A_IF), address("fd00:1::77"), mac);
                assertTrue(state == -Libc.ENOENT || (state >= 0 && !RouteNetlink.usable(state)), "state " + state);
                assertArrayEquals(new byte[6], mac.toArray(JAVA_BYTE));
                assertEquals(-Libc.ENODEV, netlink.neighbour(999_999, address("fd00:1::2"), mac), "no such interface");
            }
            return null;
        });
    }

    @Test
    void afterTrafficTheGatewaysMacIsInTheNeighbourTable() {
        ping(nsA, "fd00:1::2");
        byte[] peerMac = macOf(nsB, B_IF);
        inA(() -> {
            try (RouteNetlink netlink = RouteNetlink.open()) {
                // What an AF_PACKET sender does: the route, then its next hop's MAC.
                Route route = new Route();
                MemorySegment dst = address("fd00:2::1");
                assertEquals(0, netlink.route(dst, route));
                MemorySegment mac = MemorySegment.ofArray(new byte[6]);
                int state = netlink.neighbour(route.oif, route.nextHop(dst), mac);
                assertTrue(RouteNetlink.usable(state), "state " + state);
                assertArrayEquals(peerMac, mac.toArray(JAVA_BYTE));
            }
            return null;
        });
    }

    @Test
    void solicitResolvesAnUnknownNeighbour() {
        byte[] peerMac = macOf(nsB, B_IF);
        inA(() -> {
            int nla0 = NetInterfaces.indexOf(A_IF);
            MemorySegment peer = address("fd00:1::3");
            MemorySegment mac = MemorySegment.ofArray(new byte[6]);
            try (RouteNetlink netlink = RouteNetlink.open()) {
                int before = netlink.neighbour(nla0, peer, mac);
                assertFalse(RouteNetlink.usable(before), "nothing has talked to fd00:1::3 yet: state " + before);
                assertEquals(0, netlink.solicit(nla0, peer));
                int state = before;
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
                while (!RouteNetlink.usable(state) && System.nanoTime() < deadline) {
                    Thread.sleep(10);
                    state = netlink.neighbour(nla0, peer, mac);
                }
                assertTrue(RouteNetlink.usable(state), "state " + state + " 5 s after the solicitation");
                assertArrayEquals(peerMac, mac.toArray(JAVA_BYTE));
                assertEquals(0, netlink.solicit(nla0, peer), "an existing entry");
            }
            return null;
        });
    }

    @Test
    void aClosedClientRefusesCalls() {
        inA(() -> {
            RouteNetlink netlink = RouteNetlink.open();
            netlink.close();
            netlink.close(); // twice is harmless
            try {
                netlink.route(address("fd00:2::1"), new Route());
                throw new AssertionError("a closed RouteNetlink answered");
            } catch (IllegalStateException expected) {
                // as documented
            }
            return null;
        });
    }

    private static void inA(Callable<Void> task) {
        try {
            NetNamespace.callIn(nsA, task);
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static byte[] macOf(String ns, String ifname) {
        try {
            return NetNamespace.callIn(ns, () -> NetInterfaces.macOf(ifname));
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    /** One ICMPv6 echo from namespace {@code ns}; up to 3 tries. */
    private static void ping(String ns, String address) {
        RuntimeException last = null;
        for (int i = 0; i < 3; i++) {
            try {
                run("ip", "netns", "exec", ns, "ping", "-6", "-c", "1", "-W", "1", address);
                return;
            } catch (RuntimeException e) {
                last = e;
            }
        }
        throw last;
    }

    private static MemorySegment address(String text) {
        try {
            return MemorySegment.ofArray(InetAddress.getByName(text).getAddress());
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    private static String text(byte[] address) {
        try {
            return InetAddress.getByAddress(address).getHostAddress();
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    private static void run(String... command) {
        io.stampd.sys.TestMachine.run(command);
    }
}
