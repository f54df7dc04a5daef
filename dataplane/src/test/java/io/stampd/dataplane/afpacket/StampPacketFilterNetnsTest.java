package io.stampd.dataplane.afpacket;

import io.stampd.dataplane.testing.Frame;

import io.stampd.sys.TestMachine;
import io.stampd.sys.bpf.NetInterfaces;
import io.stampd.sys.bpf.NetNamespace;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import static io.stampd.dataplane.afpacket.Packet.ETH_HLEN;
import static io.stampd.dataplane.afpacket.Packet.IPV6_HLEN;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The filter on a real packet socket: two throw-away network namespaces joined by a veth pair
 * (fd00:5a::1 on the reflector's side, fd00:5a::2 on the sender's); an AF_PACKET SOCK_RAW socket
 * bound to the reflector's veth for every protocol, with the filter attached, receives a UDP
 * datagram sent from the other namespace to the accepted port and local address, and nothing of
 * one to another port, nor the neighbour discovery and replies around them. Then frames sent by
 * hand from a packet socket on the other side: of runts (less than an IPv6 header), an SRv6
 * packet with Segments Left 1, one with Segments Left 0 VLAN-tagged and the same untagged, only the
 * last one arrives.
 */
class StampPacketFilterNetnsTest {
    static final String REFLECTOR = VethPair.REFLECTOR;
    static final String SENDER = VethPair.SENDER;

    private VethPair pair;

    @BeforeEach
    void setUp() {
        pair = VethPair.open("spf");
    }

    @AfterEach
    void tearDown() {
        if (pair != null) {
            pair.close();
        }
    }

    @Test
    void onlyTheAcceptedDatagramReachesThePacketSocket() throws Exception {
        String reflectorNs = pair.reflectorNs;
        String senderNs = pair.senderNs;
        byte[] reflector = InetAddress.getByName(REFLECTOR).getAddress();
        try (StampPacketFilter filter = StampPacketFilter.load();
             PacketSocket socket = VethPair.in(reflectorNs, () -> {
                 PacketSocket s = PacketSocket.open();
                 try {
                     filter.attach(s.fd());
                     s.bind(NetInterfaces.indexOf("pf0"));
                     return s;
                 } catch (RuntimeException e) {
                     s.close();
                     throw e;
                 }
             })) {
            filter.localAddress(reflector, true);
            filter.port(862, true);
            byte[] stamp = "stamp test packet to 862".getBytes(StandardCharsets.US_ASCII);
            VethPair.in(senderNs, () -> {
                try (DatagramChannel ch = DatagramChannel.open(StandardProtocolFamily.INET6)) {
                    ch.bind(new InetSocketAddress(InetAddress.getByName(SENDER), 50000));
                    // The one to the other port first: had it got through, it would be read first.
                    ch.send(ByteBuffer.wrap("to 863".getBytes(StandardCharsets.US_ASCII)),
                            new InetSocketAddress(InetAddress.getByName(REFLECTOR), 863));
                    ch.send(ByteBuffer.wrap(stamp), new InetSocketAddress(InetAddress.getByName(REFLECTOR), 862));
                }
                return null;
            });

            byte[] frame = socket.receive(5000).orElseThrow(() -> new AssertionError(
                    "the datagram to port 862 did not reach the packet socket; filter counters "
                            + filter.counters()));
            ByteBuffer f = ByteBuffer.wrap(frame);
            assertEquals(0x86DD, Short.toUnsignedInt(f.getShort(12)), "ethertype of " + HexFormat.of().formatHex(frame));
            assertEquals(17, frame[ETH_HLEN + 6], "next header");
            assertArrayEquals(reflector, Arrays.copyOfRange(frame, ETH_HLEN + 24, ETH_HLEN + 40), "destination");
            int udp = ETH_HLEN + IPV6_HLEN;
            assertEquals(50000, Short.toUnsignedInt(f.getShort(udp)), "source port");
            assertEquals(862, Short.toUnsignedInt(f.getShort(udp + 2)), "destination port");
            assertArrayEquals(stamp, Arrays.copyOfRange(frame, udp + 8, frame.length), "payload");

            assertNothingMore(socket);
            Map<String, Long> counters = filter.counters();
            assertEquals(1L, counters.get("accepted"), counters.toString());
            assertEquals(1L, counters.get("port"), counters.toString());
            // Neighbour discovery (multicast in, replies out) came by too, and was dropped as not for this host.
            assertTrue(counters.get("not_ipv6") >= 1, counters.toString());

            // Frames made by hand, sent from the other side's packet socket: runts that BPF_PROG_RUN
            // cannot take (IPv6 ethertype, less than an IPv6 header), SRv6 with Segments Left 1, the
            // one with Segments Left 0 VLAN-tagged, then untagged.
            byte[] reflectorMac = VethPair.in(reflectorNs, () -> NetInterfaces.macOf("pf0"));
            byte[] senderMac = VethPair.in(senderNs, () -> NetInterfaces.macOf("pf1"));
            Frame srv6 = Packet.frame();
            srv6.dstMac = reflectorMac;
            srv6.srcMac = senderMac;
            srv6.src = InetAddress.getByName(SENDER).getAddress();
            srv6.dst = reflector;
            srv6.payload = "srv6 test packet, Segments Left 0".getBytes(StandardCharsets.US_ASCII);
            srv6.ext.add(Packet.srh(List.of(reflector, Packet.addr("fd00:5a::99")), 1));
            byte[] notYet = srv6.build();
            srv6.ext.set(0, Packet.srh(List.of(reflector, Packet.addr("fd00:5a::99")), 0));
            byte[] arrived = srv6.build();
            byte[] runt = Arrays.copyOf(arrived, ETH_HLEN + 20);
            // The receive path takes a VLAN tag off into the skb's metadata before packet sockets see
            // the frame: skb->protocol is then IPv6, and only the tag's presence tells it apart.
            byte[] tagged = new byte[arrived.length + 4];
            System.arraycopy(arrived, 0, tagged, 0, 12);
            ByteBuffer.wrap(tagged).putShort(12, (short) 0x8100).putShort(14, (short) 42);
            System.arraycopy(arrived, 12, tagged, 16, arrived.length - 12);
            VethPair.in(senderNs, () -> {
                try (PacketSocket out = PacketSocket.open()) {
                    out.bind(NetInterfaces.indexOf("pf1"));
                    out.send(Arrays.copyOf(arrived, ETH_HLEN));
                    out.send(runt);
                    out.send(notYet);
                    out.send(tagged);
                    out.send(arrived);
                }
                return null;
            });
            byte[] received = socket.receive(5000).orElseThrow(() -> new AssertionError(
                    "the SRv6 packet with Segments Left 0 did not reach the packet socket; filter counters "
                            + filter.counters()));
            assertArrayEquals(arrived, received, () -> "received " + HexFormat.of().formatHex(received));
            assertNothingMore(socket);
            counters = filter.counters();
            assertEquals(2L, counters.get("accepted"), counters.toString());
            assertEquals(2L, counters.get("truncated"), counters.toString());
            assertEquals(1L, counters.get("ext_header"), counters.toString());
            assertEquals(1L, counters.get("port"), counters.toString());
        }
    }

    private static void assertNothingMore(PacketSocket socket) {
        Optional<byte[]> more = socket.receive(500);
        assertTrue(more.isEmpty(), () -> "the packet socket got another frame: " + HexFormat.of().formatHex(more.get()));
    }
}
