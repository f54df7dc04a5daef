package io.stampd.dataplane.socket;

import io.stampd.dataplane.DataPlaneCounters;
import io.stampd.dataplane.codec.StampLayout;
import io.stampd.dataplane.codec.TimestampFormat;
import io.stampd.dataplane.codec.Timestamps;
import io.stampd.dataplane.session.Ipv6Addresses;
import io.stampd.dataplane.session.SenderSessionConfig;
import io.stampd.dataplane.session.SenderStatistics;
import io.stampd.dataplane.session.StampRecord;
import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * T1 is the kernel's transmit timestamp of the test packet, not the clock reading user space wrote
 * into it before the system call. A hand-written reflector (a plain Java socket) notes the T1 each
 * packet carried; the sender's records must hold a later T1 for every packet, and the counters
 * must say where every T1 came from. On a kernel before 6.13 (no SCM_TS_OPT_ID) the data plane
 * falls back to the carried T1, and the test checks that instead.
 */
class SocketTransmitTimestampTest {
    private static final Inet6Address LOOPBACK = Ipv6Addresses.parse("::1", "test");
    private static final int PACKETS = 50;

    /** Linux 6.13 added SCM_TS_OPT_ID, which the data plane needs to key transmit timestamps. */
    private static boolean kernelKeysTransmitTimestamps() {
        String[] v = System.getProperty("os.version").split("[.-]");
        int major = Integer.parseInt(v[0]);
        int minor = Integer.parseInt(v[1]);
        return major > 6 || (major == 6 && minor >= 13);
    }

    @Test
    void aFreshDataPlaneHasZeroCountersAfterItsWarmUp() {
        try (SocketDataPlane dp = new SocketDataPlane()) {
            assertEquals(new DataPlaneCounters(0, 0, 0, 0, 0, 0, 0), dp.counters());
        }
    }

    @Test
    void t1IsTheKernelTransmitTimeOfEachTestPacket() throws Exception {
        Map<Long, Long> carriedT1 = new HashMap<>();
        try (DatagramSocket reflector = new DatagramSocket(new InetSocketAddress(LOOPBACK, 0));
             SocketDataPlane dp = new SocketDataPlane()) {
            reflector.setSoTimeout(2000);
            SenderSessionConfig c = SenderSessionConfig.builder().reflectorAddress(LOOPBACK)
                    .reflectorPort(reflector.getLocalPort()).ssid(9).intervalNanos(2_000_000).packetCount(PACKETS)
                    .lossTimeoutNanos(1_000_000_000L).build();
            SenderStatistics stats = SenderStatistics.forSession(c);
            dp.startSender(c, stats);
            byte[] buf = new byte[128];
            for (int i = 0; i < PACKETS; i++) {
                DatagramPacket in = new DatagramPacket(buf, buf.length);
                reflector.receive(in);
                MemorySegment p = MemorySegment.ofArray(buf);
                long seq = Integer.toUnsignedLong(StampLayout.UNAUTHENTICATED.seq(p));
                carriedT1.put(seq, Timestamps.decode(StampLayout.UNAUTHENTICATED.timestamp(p), TimestampFormat.NTP));
                long now = System.currentTimeMillis() * 1_000_000L;
                StampLayout.UNAUTHENTICATED.reflectInPlace(p, (int) seq, Timestamps.encode(now, TimestampFormat.NTP),
                        (short) 1, 64);
                StampLayout.UNAUTHENTICATED.timestamp(p, Timestamps.encode(now, TimestampFormat.NTP));
                reflector.send(new DatagramPacket(buf, in.getLength(), in.getSocketAddress()));
            }
            long end = System.currentTimeMillis() + 3000;
            while (stats.snapshot(System.nanoTime()).received() < PACKETS && System.currentTimeMillis() < end) {
                Thread.sleep(5);
            }
            List<StampRecord> records = stats.drainRecords();
            assertEquals(PACKETS, records.size());
            DataPlaneCounters counters = dp.counters();
            if (kernelKeysTransmitTimestamps()) {
                assertEquals(PACKETS, counters.kernelTxTimestamps(), counters.toString());
                assertEquals(0, counters.userSpaceTxTimestamps(), counters.toString());
                for (StampRecord r : records) {
                    long carried = carriedT1.get(r.seq());
                    // The packet leaves after user space read the clock, and well within a millisecond.
                    assertTrue(r.t1() > carried && r.t1() - carried < 1_000_000L,
                            "seq " + r.seq() + ": T1 " + r.t1() + " against the carried " + carried);
                }
            } else {
                assertEquals(PACKETS, counters.userSpaceTxTimestamps(), counters.toString());
                for (StampRecord r : records) {
                    assertEquals((long) carriedT1.get(r.seq()), r.t1(), "seq " + r.seq());
                }
            }
        }
    }
}
