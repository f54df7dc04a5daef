package io.stampd.dataplane.socket;

import io.stampd.dataplane.codec.Srh;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.Inet6Address;
import java.util.List;

/**
 * An SRv6 path ready for setsockopt(IPV6_RTHDR): the type-4 routing header in native memory. The
 * empty path means "no routing header". Identity matters: {@link UdpSocket} re-installs the sticky
 * option only when a different RoutingHeader object is asked for.
 */
final class RoutingHeader {
    static final RoutingHeader NONE = new RoutingHeader(List.of(), MemorySegment.NULL, 0);

    final List<Inet6Address> path;
    final MemorySegment bytes;
    /** Mutable only for the scratch header (rewritten per packet on the I/O thread). */
    int length;

    private RoutingHeader(List<Inet6Address> path, MemorySegment bytes, int length) {
        this.path = path;
        this.bytes = bytes;
        this.length = length;
    }

    /** Builds the header for a path written first hop first (its last segment the final destination). */
    static RoutingHeader of(List<Inet6Address> path) {
        if (path.isEmpty()) {
            return NONE;
        }
        byte[] srh = Srh.forSocket(path);
        MemorySegment seg = Arena.ofAuto().allocate(srh.length, 8);
        MemorySegment.copy(srh, 0, seg, java.lang.foreign.ValueLayout.JAVA_BYTE, 0, srh.length);
        return new RoutingHeader(List.copyOf(path), seg, srh.length);
    }

    /** Scratch header rewritten in place for per-packet paths (Return Path TLV). */
    static RoutingHeader scratch() {
        return new RoutingHeader(List.of(), Arena.ofAuto().allocate(8 + 16 * 32 + 8, 8), 0);
    }
}
