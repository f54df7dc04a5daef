package io.stampd.dataplane.codec;

import java.lang.foreign.MemorySegment;

/**
 * Location TLV (RFC 8972 §4.2, type 2): {@code Destination Port(2) Source Port(2) Sub-TLVs}. The
 * Session-Sender sends zeroed ports and empty sub-TLVs; the Session-Reflector fills in the ports
 * and the addresses of the test packet as it received it (so the sender can see NAT and the
 * address its packets really arrived at). Offsets below are relative to the TLV start.
 */
public final class LocationTlv {
    public static final int TYPE = Tlv.TYPE_LOCATION;
    public static final int DESTINATION_PORT = Tlv.HEADER_LENGTH;
    public static final int SOURCE_PORT = Tlv.HEADER_LENGTH + 2;
    /** Octets of the value before the sub-TLVs. */
    public static final int PORTS_LENGTH = 4;

    // ---- sub-TLV types (IANA "STAMP Sub-TLV Types") ------------------------------------
    public static final int SUB_SOURCE_MAC = 1;
    public static final int SUB_SOURCE_EUI48 = 2;
    public static final int SUB_SOURCE_EUI64 = 3;
    public static final int SUB_DESTINATION_IP = 4;
    public static final int SUB_DESTINATION_IPV4 = 5;
    public static final int SUB_DESTINATION_IPV6 = 6;
    public static final int SUB_SOURCE_IP = 7;
    public static final int SUB_SOURCE_IPV4 = 8;
    public static final int SUB_SOURCE_IPV6 = 9;

    public static final int IPV4_LENGTH = 4;
    public static final int IPV6_LENGTH = 16;

    private LocationTlv() {
    }

    public static int destinationPort(MemorySegment p, int tlv) {
        return Short.toUnsignedInt(p.get(StampLayout.U16, tlv + DESTINATION_PORT));
    }

    public static int sourcePort(MemorySegment p, int tlv) {
        return Short.toUnsignedInt(p.get(StampLayout.U16, tlv + SOURCE_PORT));
    }

    /** Offset of the first sub-TLV of {@code subType} inside the Location TLV at {@code tlv}, or -1. */
    public static int findSubTlv(MemorySegment p, int tlv, int subType) {
        int valueLength = Tlv.valueLength(p, tlv);
        if (valueLength < PORTS_LENGTH) {
            return -1;
        }
        return Tlv.find(p, Tlv.valueOffset(tlv) + PORTS_LENGTH, Tlv.end(p, tlv), subType);
    }

    /**
     * Offset of the 16-octet IPv6 address in the sub-TLV {@code subType} (e.g.
     * {@link #SUB_SOURCE_IPV6}), or -1 if absent, of another length, or not filled in (U flag set).
     */
    public static int ipv6Address(MemorySegment p, int tlv, int subType) {
        int sub = findSubTlv(p, tlv, subType);
        if (sub < 0 || Tlv.valueLength(p, sub) != IPV6_LENGTH || Tlv.hasFlag(p, sub, Tlv.FLAG_U)) {
            return -1;
        }
        return Tlv.valueOffset(sub);
    }
}
