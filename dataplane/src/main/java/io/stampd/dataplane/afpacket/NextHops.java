package io.stampd.dataplane.afpacket;

import io.stampd.sys.net.Route;
import io.stampd.sys.net.RouteNetlink;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.HashMap;
import java.util.Map;

/**
 * Where a frame to an IPv6 destination goes: the interface and next-hop MAC address the kernel's
 * routing and neighbour tables give (netlink), and the source address the kernel would choose.
 * Looked up per destination and kept for a while: {@link #RESOLVED_NANOS} once resolved, so that
 * a changed route or neighbour is followed within that; {@link #UNRESOLVED_NANOS} while the
 * kernel has no usable neighbour entry. Nothing is guessed: an unresolved hop is sent through the
 * kernel by the caller, which resolves the neighbour on the way. I/O thread only; a lookup of a
 * known destination allocates nothing.
 */
final class NextHops implements AutoCloseable {
    static final long RESOLVED_NANOS = 1_000_000_000L;
    static final long UNRESOLVED_NANOS = 20_000_000L;
    private static final ValueLayout.OfLong LONG_BE = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);

    /** One destination's next hop as last looked up. */
    static final class Hop {
        /** Whether a frame can go out now: route, interface, MAC and source known. */
        boolean usable;
        int ifindex;
        /** The next hop's MAC, 48 bits. */
        long mac;
        /** The source address the kernel would use (RTA_PREFSRC), 16 octets. */
        final MemorySegment source = Arena.ofAuto().allocate(16, 8);
        boolean hasSource;
        long expires;
    }

    private static final class Key {
        long high;
        long low;

        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && k.high == high && k.low == low;
        }

        @Override
        public int hashCode() {
            return Long.hashCode(high * 0x9E3779B97F4A7C15L ^ low);
        }
    }

    private final RouteNetlink netlink;
    private final Route route = new Route();
    private final MemorySegment mac = Arena.ofAuto().allocate(8, 8);
    private final MemorySegment dst = Arena.ofAuto().allocate(16, 8);
    private final Map<Key, Hop> hops = new HashMap<>();
    private final Key probe = new Key();
    long lookups;

    NextHops() {
        netlink = RouteNetlink.open();
    }

    /** The hop towards the 16-octet address at {@code a[at]}, refreshed if it is due. */
    Hop lookup(MemorySegment a, long at, long nowMono) {
        probe.high = a.get(LONG_BE, at);
        probe.low = a.get(LONG_BE, at + 8);
        Hop h = hops.get(probe);
        if (h == null) {
            if (hops.size() > 65_536) {
                hops.clear(); // a flood of destinations: forget, rather than grow without bound
            }
            Key k = new Key();
            k.high = probe.high;
            k.low = probe.low;
            h = new Hop();
            hops.put(k, h);
        } else if (nowMono - h.expires < 0) {
            return h;
        }
        refresh(h, a, at, nowMono);
        return h;
    }

    /** A usable hop towards {@code a[0..16)} that the kernel was not asked for: the warm-up's. */
    void seed(MemorySegment a, int ifindex, long mac, MemorySegment source, long nowMono) {
        Hop h = lookupWithoutRefresh(a);
        h.usable = true;
        h.ifindex = ifindex;
        h.mac = mac;
        h.hasSource = true;
        MemorySegment.copy(source, 0, h.source, 0, 16);
        h.expires = nowMono + RESOLVED_NANOS;
    }

    private Hop lookupWithoutRefresh(MemorySegment a) {
        probe.high = a.get(LONG_BE, 0);
        probe.low = a.get(LONG_BE, 8);
        Hop h = hops.get(probe);
        if (h == null) {
            Key k = new Key();
            k.high = probe.high;
            k.low = probe.low;
            h = new Hop();
            hops.put(k, h);
        }
        return h;
    }

    /** Forgets every hop (the plane detached; a later attach asks the kernel again). */
    void clear() {
        hops.clear();
    }

    private void refresh(Hop h, MemorySegment a, long at, long nowMono) {
        lookups++;
        h.usable = false;
        h.expires = nowMono + UNRESOLVED_NANOS;
        MemorySegment.copy(a, at, dst, 0, 16);
        if (netlink.route(dst, route) < 0) {
            return;
        }
        h.ifindex = route.oif;
        h.hasSource = route.hasPreferredSource;
        if (h.hasSource) {
            MemorySegment.copy(route.preferredSource, 0, h.source, 0, 16);
        }
        MemorySegment neighbour = route.hasGateway ? route.gateway : dst;
        int state = netlink.neighbour(route.oif, neighbour, mac);
        if (state < 0 || !RouteNetlink.usable(state)) {
            return;
        }
        long m = 0;
        for (int i = 0; i < 6; i++) {
            m = m << 8 | Byte.toUnsignedLong(mac.get(ValueLayout.JAVA_BYTE, i));
        }
        h.mac = m;
        h.usable = true;
        h.expires = nowMono + RESOLVED_NANOS;
    }

    @Override
    public void close() {
        netlink.close();
    }
}
