package io.stampd.sys.net;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;

/**
 * The kernel's answer to a route lookup ({@link RouteNetlink#route}), reused from call to call: the
 * egress interface, the next hop and the source address the kernel would pick for a destination.
 * Mutable and not thread-safe, like the lookup that fills it.
 */
public final class Route {
    /** The egress interface's ifindex (RTA_OIF; of the first path of a multipath route). */
    public int oif;
    /** Whether the route has a gateway (RTA_GATEWAY); when false the destination is on-link. */
    public boolean hasGateway;
    /** The gateway's IPv6 address (16 octets) when {@link #hasGateway}. */
    public final MemorySegment gateway;
    /** Whether the kernel gave a preferred source address (RTA_PREFSRC). */
    public boolean hasPreferredSource;
    /** The source address (16 octets) the kernel would use, when {@link #hasPreferredSource}. */
    public final MemorySegment preferredSource;
    /** The route type, {@link Netlink#RTN_UNICAST}, {@link Netlink#RTN_LOCAL}, ... (rtm_type). */
    public int type;
    /** Whether the kernel answered with several paths (RTA_MULTIPATH), of which the first was taken. */
    public boolean multipath;

    public Route() {
        MemorySegment addresses = Arena.ofAuto().allocate(32, 8);
        gateway = addresses.asSlice(0, 16);
        preferredSource = addresses.asSlice(16, 16);
    }

    /** Forgets the previous answer. */
    public void clear() {
        oif = 0;
        hasGateway = false;
        gateway.fill((byte) 0);
        hasPreferredSource = false;
        preferredSource.fill((byte) 0);
        type = 0;
        multipath = false;
    }

    /**
     * The address whose link-layer address a frame to {@code destination} goes to: the gateway, or
     * the destination itself when it is on-link.
     */
    public MemorySegment nextHop(MemorySegment destination) {
        return hasGateway ? gateway : destination;
    }

    @Override
    public String toString() {
        return "Route[type " + type + ", oif " + oif + (hasGateway ? ", via " + format(gateway) : ", on-link")
                + (hasPreferredSource ? ", src " + format(preferredSource) : "")
                + (multipath ? ", first of several paths" : "") + "]";
    }

    private static String format(MemorySegment address) {
        try {
            return ((Inet6Address) InetAddress.getByAddress(address.toArray(JAVA_BYTE))).getHostAddress();
        } catch (UnknownHostException e) {
            throw new AssertionError(e); // 16 octets are always an address
        }
    }
}
