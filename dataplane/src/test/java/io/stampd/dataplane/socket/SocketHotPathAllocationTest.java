package io.stampd.dataplane.socket;

import io.stampd.dataplane.codec.TimestampFormat;
import io.stampd.dataplane.session.Ipv6Addresses;
import io.stampd.dataplane.session.ReflectorSessionConfig;
import io.stampd.dataplane.session.SenderSessionConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.lang.management.ManagementFactory;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The I/O thread allocates nothing per packet: receiving, reflecting (TLVs included), sending,
 * and on the sender side parsing replies into statistics. Measured with the JVM's per-thread
 * allocation counter on the real loop thread.
 */
class SocketHotPathAllocationTest {
    private static final Inet6Address LOOPBACK = Ipv6Addresses.parse("::1", "test");

    private static long allocatedBy(String threadName) {
        var mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        Thread t = Thread.getAllStackTraces().keySet().stream().filter(x -> x.getName().equals(threadName))
                .findFirst().orElseThrow();
        return mx.getThreadAllocatedBytes(t.threadId());
    }

    /** Over IPv6 and over IPv4 (an IPv4-mapped peer on the dual-stack socket, TTL and TOS from IP_TTL/IP_TOS). */
    @ParameterizedTest
    @ValueSource(strings = {"::1", "127.0.0.1"})
    void reflectingAllocatesNothingPerPacket(String loopback) throws Exception {
        int port = ThreadLocalRandom.current().nextInt(20000, 60000);
        java.net.InetAddress peer = java.net.InetAddress.ofLiteral(loopback);
        try (SocketDataPlane dp = new SocketDataPlane(32, 0);
             DatagramSocket raw = new DatagramSocket(new InetSocketAddress(peer, 0))) {
            dp.startReflector(new ReflectorSessionConfig(1, ReflectorSessionConfig.ANY_SSID, null, 0, null, port,
                    List.of(), TimestampFormat.NTP, true, null));
            raw.setSoTimeout(2000);
            byte[] req = new byte[44 + 24]; // base + Extra Padding + Timestamp Information TLVs
            req[44] = (byte) 0x80;
            req[45] = 1;
            req[47] = 4;
            req[52] = (byte) 0x80;
            req[53] = 3;
            req[55] = 12;
            DatagramPacket out = new DatagramPacket(req, req.length, new InetSocketAddress(peer, port));
            DatagramPacket in = new DatagramPacket(new byte[256], 256);
            for (int i = 0; i < 20_000; i++) { // warm-up: JIT and lazy class initialisation
                raw.send(out);
                raw.receive(in);
            }
            long before = allocatedBy("stampd-socket-io");
            int n = 20_000;
            for (int i = 0; i < n; i++) {
                raw.send(out);
                raw.receive(in);
                assertEquals(req.length, in.getLength());
            }
            long perPacket = (allocatedBy("stampd-socket-io") - before) / n;
            assertTrue(perPacket < 8, "the reflector's I/O thread allocated " + perPacket + " bytes per packet");
        }
    }

    /** Counts replies and nothing else, so the measurement covers the data plane alone. */
    private static final class CountingListener implements io.stampd.dataplane.session.SenderListener {
        volatile long replies;

        @Override
        public void onSent(long seq, long t1, long monoNanos) {
        }

        @Override
        public void onReply(long senderSeq, long t1, long t2, long t3, long t4, int senderTtl, long reflectorSeq,
                            long monoNanos) {
            replies++;
        }

        @Override
        public void onRejected(String reason) {
        }

        @Override
        public void onMalformed(String reason) {
        }
    }

    /**
     * The data plane's sender path (timer, build, send, receive, parse) allocates nothing per
     * packet. The statistics fed by it are checked on their own in SenderStatisticsTest: their
     * histograms allocate only when a delay beyond their current range first appears.
     */
    @ParameterizedTest
    @ValueSource(strings = {"::1", "127.0.0.1"})
    void sendingAndCollectingAllocateNothingPerPacket(String loopback) throws Exception {
        int port = ThreadLocalRandom.current().nextInt(20000, 60000);
        try (SocketDataPlane reflector = new SocketDataPlane(32, 0);
             SocketDataPlane sender = new SocketDataPlane(32, 0)) {
            reflector.startReflector(new ReflectorSessionConfig(1, 9, null, 0, null, port, List.of(),
                    TimestampFormat.NTP, false, null));
            // 2 sessions at 1 ms for ~3 s: the second half is measured.
            SenderSessionConfig c = SenderSessionConfig.builder()
                    .reflectorAddress(io.stampd.dataplane.session.PeerAddresses.parse(loopback, "test"))
                    .reflectorPort(port).ssid(9).intervalNanos(1_000_000).packetCount(3000).build();
            CountingListener st = new CountingListener();
            sender.startSender(c, st);
            while (st.replies < 1500) {
                Thread.sleep(10);
            }
            // The sender's loop thread is the one created second; find it by elimination.
            var mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
            List<Thread> loops = Thread.getAllStackTraces().keySet().stream()
                    .filter(x -> x.getName().equals("stampd-socket-io")).toList();
            long[] before = loops.stream().mapToLong(t -> mx.getThreadAllocatedBytes(t.threadId())).toArray();
            long r0 = st.replies;
            long timed0 = sender.sendTiming().orElseThrow().count();
            Thread.sleep(1000);
            long r1 = st.replies;
            long timed1 = sender.sendTiming().orElseThrow().count();
            long[] after = loops.stream().mapToLong(t -> mx.getThreadAllocatedBytes(t.threadId())).toArray();
            long packets = r1 - r0;
            assertTrue(packets > 500, "packets in the window: " + packets);
            assertTrue(timed1 - timed0 > 500, "send-time error recorded for the packets sent in the window");
            for (int i = 0; i < loops.size(); i++) {
                long perPacket = (after[i] - before[i]) / packets;
                assertTrue(perPacket < 8, "I/O thread " + i + " allocated " + perPacket + " bytes per packet");
            }
        }
    }

    /**
     * The batched send path too: 64 sessions at 5 ms on one shared socket, the sender's I/O thread
     * held up for 6 ms every 50 ms so that all of them fall due together and leave 16 to a
     * sendmmsg; timer wheel, batch, sendmmsg and the reports to the sessions allocate nothing per
     * packet.
     */
    @Test
    void batchedSendingAllocatesNothingPerPacket() throws Exception {
        int port = ThreadLocalRandom.current().nextInt(20000, 60000);
        try (SocketDataPlane reflector = new SocketDataPlane(32, 0);
             SocketDataPlane sender = new SocketDataPlane(32, 0)) {
            reflector.startReflector(new ReflectorSessionConfig(1, ReflectorSessionConfig.ANY_SSID, null, 0, null,
                    port, List.of(), TimestampFormat.NTP, false, null));
            CountingListener st = new CountingListener();
            for (int i = 0; i < 64; i++) {
                sender.startSender(SenderSessionConfig.builder().id(i).reflectorAddress(LOOPBACK).reflectorPort(port)
                        .ssid(1 + i).intervalNanos(5_000_000).packetCount(2000).build(), st);
            }
            assertEquals(1, sender.senderSockets());
            Runnable hold = () -> java.util.concurrent.locks.LockSupport.parkNanos(6_000_000);
            for (int i = 0; i < 40; i++) { // warm-up, the held turns included
                sender.loop.execute(hold);
                Thread.sleep(50);
            }
            var mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
            List<Thread> loops = Thread.getAllStackTraces().keySet().stream()
                    .filter(x -> x.getName().equals("stampd-socket-io")).toList();
            long[] batching0 = sender.testPacketsAndSystemCalls();
            long[] before = loops.stream().mapToLong(t -> mx.getThreadAllocatedBytes(t.threadId())).toArray();
            long r0 = st.replies;
            for (int i = 0; i < 20; i++) {
                sender.loop.execute(hold);
                Thread.sleep(50);
            }
            long r1 = st.replies;
            long[] after = loops.stream().mapToLong(t -> mx.getThreadAllocatedBytes(t.threadId())).toArray();
            long[] batching1 = sender.testPacketsAndSystemCalls();
            long packets = r1 - r0;
            assertTrue(packets > 5000, "packets in the window: " + packets);
            long sent = batching1[0] - batching0[0];
            long calls = batching1[1] - batching0[1];
            // each hold sends at least 64 packets in at most 4 calls (more in between, at their times)
            assertTrue(calls <= sent - 20 * 60, calls + " sendmmsg calls for " + sent + " packets: not batched");
            for (int i = 0; i < loops.size(); i++) {
                long perPacket = (after[i] - before[i]) / packets;
                assertTrue(perPacket < 8, "I/O thread " + i + " allocated " + perPacket + " bytes per packet");
            }
        }
    }
}
