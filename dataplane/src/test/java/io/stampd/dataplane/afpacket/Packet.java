package io.stampd.dataplane.afpacket;

import io.stampd.dataplane.testing.Frame;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;

/**
 * Test frames as the packet filter's tests want them, built with the shared {@link Frame}: to the
 * loopback device's MAC 00:00:00:00:00:00, which a BPF_PROG_TEST_RUN of an skb program turns into
 * PACKET_HOST, from fd00:8::5. The filter does not read the UDP checksum (the frames carry the
 * right one anyway).
 */
final class Packet {
    static final int ETH_HLEN = 14;
    static final int IPV6_HLEN = 40;
    static final int UDP_HLEN = 8;

    private Packet() {
    }

    static Frame frame() {
        Frame f = new Frame();
        f.dstMac = new byte[6];
        f.src = addr("fd00:8::5");
        return f;
    }

    /** An SRH with these Segment List entries, Segments Left, and Last Entry n - 1. */
    static Frame.Ext srh(List<byte[]> segmentList, int segmentsLeft) {
        return Frame.Ext.srh(segmentList, segmentsLeft, segmentList.size() - 1);
    }

    /** A Fragment header (identification 0x1234). */
    static Frame.Ext fragment(int offsetUnits, boolean more) {
        return Frame.Ext.fragment(offsetUnits, more, 0x1234);
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
}
