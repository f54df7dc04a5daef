package io.stampd.dataplane.codec;

/**
 * Destination Node Address TLV (RFC 9503 §3, type 9): the address (4 or 16 octets) of the node the
 * Session-Sender means to test. A reflector that owns the address answers from it; otherwise it
 * sets U. This node speaks IPv6 only, so the 4-octet form is always answered with U.
 */
public final class DestinationNodeAddressTlv {
    public static final int TYPE = Tlv.TYPE_DESTINATION_NODE_ADDRESS;
    public static final int IPV4_LENGTH = 4;
    public static final int IPV6_LENGTH = 16;
    /** Offset (from the TLV start) of the address. */
    public static final int ADDRESS = Tlv.HEADER_LENGTH;

    private DestinationNodeAddressTlv() {
    }
}
