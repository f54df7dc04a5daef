package io.stampd.dataplane.afpacket;

import io.stampd.dataplane.PlaneSettings;
import io.stampd.dataplane.codec.TimestampFormat;
import io.stampd.dataplane.node.NodeDataPlane;
import io.stampd.dataplane.session.ReflectorSessionConfig;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The AF_PACKET plane's I/O thread allocates nothing per packet: the ring read, the frame parsed,
 * the core's reflection (TLVs included), the reply frame built and sent. A reflector node on the
 * af-packet plane in one namespace, a UDP socket in the other sending requests and reading the
 * replies; measured with the JVM's per-thread allocation counter on the node's real loop thread.
 */
class AfPacketHotPathAllocationTest {
    private static long allocatedBy(Thread t) {
        var mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        return mx.getThreadAllocatedBytes(t.threadId());
    }

    @Test
    void reflectingThroughTheRingAllocatesNothingPerPacket() throws Exception {
        try (VethPair pair = VethPair.open("afa");
             NodeDataPlane node = VethPair.in(pair.reflectorNs,
                     () -> NodeDataPlane.open(PlaneSettings.afPacket(VethPair.REFLECTOR_DEV)))) {
            node.startReflector(new ReflectorSessionConfig(1, ReflectorSessionConfig.ANY_SSID, null, 0, null, 862,
                    List.of(), TimestampFormat.NTP, true, null));
            Thread loop = Thread.getAllStackTraces().keySet().stream()
                    .filter(t -> t.getName().equals("stampd-socket-io")).reduce((a, b) -> b).orElseThrow();
            long perPacket = VethPair.in(pair.senderNs, () -> {
                try (DatagramChannel ch = DatagramChannel.open(StandardProtocolFamily.INET6)) {
                    ch.bind(new InetSocketAddress(InetAddress.getByName(VethPair.SENDER), 0));
                    ch.connect(new InetSocketAddress(InetAddress.getByName(VethPair.REFLECTOR), 862));
                    ByteBuffer req = ByteBuffer.allocate(44 + 24); // base + Extra Padding + Timestamp Information
                    req.put(44, (byte) 0x80).put(45, (byte) 1).put(47, (byte) 4);
                    req.put(52, (byte) 0x80).put(53, (byte) 3).put(55, (byte) 12);
                    ByteBuffer in = ByteBuffer.allocate(256);
                    exchange(ch, req, in, 5_000); // warm-up: JIT (the plane warmed up too), lazy initialisation, the neighbour
                    long before = allocatedBy(loop);
                    int n = 10_000; // one ring block retire (1 ms) per round trip: ~10 s
                    exchange(ch, req, in, n);
                    return (allocatedBy(loop) - before) / n;
                }
            });
            Map<String, Long> counters = node.programCounters();
            assertTrue(counters.get("af-packet/replies-sent") >= 14_000, "the ring's plane answered: " + counters);
            assertTrue(perPacket < 8, "the af-packet I/O thread allocated " + perPacket + " bytes per packet");
        }
    }

    private static void exchange(DatagramChannel ch, ByteBuffer req, ByteBuffer in, int n) throws Exception {
        for (int i = 0; i < n; i++) {
            req.putInt(0, i).clear();
            ch.write(req);
            in.clear();
            ch.read(in);
            assertEquals(req.capacity(), in.position(), "reply as long as the request");
        }
    }
}
