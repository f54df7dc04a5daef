package io.stampd.dataplane.bench;

import io.stampd.dataplane.codec.UdpChecksum;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The struct mirror and the checksum seeds: a data frame finished the way the program finishes it
 * (seed + source port as it lies in memory, folded, complemented) must carry the checksum the
 * codec computes from scratch, for every flow's port.
 */
class TrafficGenLayoutTest {
    private static Inet6Address addr(String text) {
        return (Inet6Address) InetAddress.ofLiteral(text);
    }

    private static TrafficConfig config(int frameLength) {
        return TrafficConfig.builder().device("gen0").destinationMac(new byte[] {2, 0, 0, 0, 0, 2})
                .source(addr("fd00:7a::1")).dataDestination(addr("fd00:7a:ffff::2")).dataPort(5_001)
                .dataSourcePort(65_000).flows(536).frameLength(frameLength)
                .stampDestination(addr("fd00:7a::3")).stampPercent(1).build();
    }

    /** The IPv6 packet (no Ethernet header) of a data frame with zero payload and the given checksum. */
    private static byte[] dataPacket(TrafficConfig c, int port, int checksum) {
        int udpLength = c.frameLength() - 62 + 8;
        ByteBuffer b = ByteBuffer.allocate(40 + udpLength);
        b.putInt(0x6000_0000).putShort((short) udpLength).put((byte) 17).put((byte) 64);
        b.put(c.source().getAddress()).put(c.dataDestination().getAddress());
        b.putShort((short) port).putShort((short) c.dataPort()).putShort((short) udpLength);
        b.order(ByteOrder.nativeOrder()).putShort((short) checksum); // the program stores it as it lies in memory
        return b.array();
    }

    @Test
    void dataChecksumFromSeedMatchesTheCodec() {
        for (int length : new int[] {62, 63, 80, 106, 1514}) {
            TrafficConfig c = config(length);
            int seed = TrafficGenLayout.dataChecksumSeed(c);
            for (int port = c.dataSourcePort(); port < c.dataSourcePort() + c.flows(); port++) {
                byte[] packet = dataPacket(c, port, TrafficGenLayout.dataChecksumInMemory(seed, port));
                try (Arena arena = Arena.ofConfined()) {
                    MemorySegment ip = arena.allocateFrom(JAVA_BYTE, packet);
                    assertTrue(UdpChecksum.verifyPacket(ip, packet.length),
                            "length " + length + ", port " + port + ": checksum does not verify");
                }
            }
        }
    }

    @Test
    void stampSeedIsThePseudoHeaderSum() {
        TrafficConfig c = config(106);
        // A STAMP datagram of 52 zero octets but the length field: its checksum from the seed
        // (what bpf_csum_diff adds onto it) must verify with the codec.
        byte[] udp = new byte[52];
        ByteBuffer.wrap(udp).putShort(0, (short) 862).putShort(2, (short) 862).putShort(4, (short) 52);
        long sum = TrafficGenLayout.stampChecksumSeed(c) + TrafficGenLayout.memorySum(udp);
        int checksum = ~TrafficGenLayout.fold(sum) & 0xFFFF;
        ByteBuffer.wrap(udp).order(ByteOrder.nativeOrder()).putShort(6, (short) checksum);
        ByteBuffer packet = ByteBuffer.allocate(92);
        packet.putInt(0x6000_0000).putShort((short) 52).put((byte) 17).put((byte) 64);
        packet.put(c.source().getAddress()).put(c.stampDestination().getAddress()).put(udp);
        try (Arena arena = Arena.ofConfined()) {
            assertTrue(UdpChecksum.verifyPacket(arena.allocateFrom(JAVA_BYTE, packet.array()), 92));
        }
    }

    @Test
    void configMirrorsTheStructLayout() {
        TrafficConfig c = config(106);
        byte[] cfg = TrafficGenLayout.encodeConfig(c, 7, new byte[] {2, 0, 0, 0, 0, 1}, 0x1122_3344_5566_7788L);
        assertEquals(TrafficGenLayout.CFG_SIZE, cfg.length);
        ByteBuffer b = ByteBuffer.wrap(cfg).order(ByteOrder.nativeOrder());
        assertEquals(7, b.getInt(12));                              // ifindex
        assertEquals((byte) 0xfd, cfg[16]);                         // src_addr
        assertEquals(10_000, b.getInt(80));                         // stamp_ppm
        assertEquals(536, b.getInt(84));                            // flows
        assertEquals((short) 65_000, b.getShort(88));               // data_src_port
        assertEquals(5_001, b.getShort(90));                        // data_dst_port
        assertEquals(862, b.getShort(94));                          // stamp_dst_port
        assertEquals(106, b.getShort(96));                          // data_frame_len
        assertEquals(64, cfg[103]);                                 // hop_limit
        assertEquals(0x1122_3344_5566_7788L, b.getLong(TrafficGenLayout.CFG_TRIGGER_TOKEN)); // trigger_token
    }

    @Test
    void periodKeepsTheRateExact() {
        byte[] cfg = TrafficGenLayout.encodeConfig(config(106), 1, new byte[6], 1);
        TrafficGenLayout.setRate(cfg, 3_000_000);
        ByteBuffer b = ByteBuffer.wrap(cfg).order(ByteOrder.nativeOrder());
        assertEquals(333, b.getLong(TrafficGenLayout.CFG_PERIOD_NS));
        long frac = Integer.toUnsignedLong(b.getInt(TrafficGenLayout.CFG_PERIOD_FRAC));
        assertEquals(21_845, frac, 1); // 1/3 ns in 2^-16 ns
        // Frame 3,000,000 is due one second after frame 0 to within a nanosecond.
        assertEquals(1_000_000_000L, TrafficGenLayout.scheduledOffsetNanos(3_000_000, 3_000_000), 1);
        TrafficGenLayout.setRate(cfg, 0);
        assertEquals(0, b.getLong(TrafficGenLayout.CFG_PERIOD_NS));
        assertEquals(0, b.getInt(TrafficGenLayout.CFG_PERIOD_FRAC));
    }
}
