package io.stampd.dataplane.codec;

import java.lang.foreign.MemorySegment;

/**
 * Tells whether an IPv6 address is one of this node's own (Destination Node Address TLV, RFC 9503
 * §3). Called on the per-packet path: implementations must not allocate or block (e.g. look the
 * 16 octets up in a set refreshed by the control plane).
 */
@FunctionalInterface
public interface LocalAddressCheck {
    /** {@code addr16} holds exactly the 16 octets of the address, starting at offset 0. */
    boolean isLocal(MemorySegment addr16);
}
