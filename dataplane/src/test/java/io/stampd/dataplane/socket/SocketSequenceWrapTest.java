package io.stampd.dataplane.socket;

import io.stampd.dataplane.codec.TimestampFormat;
import io.stampd.dataplane.session.Ipv6Addresses;
import io.stampd.dataplane.session.ReflectorSessionConfig;
import io.stampd.dataplane.session.SenderSessionConfig;
import io.stampd.dataplane.session.SenderStatistics;
import io.stampd.dataplane.session.StampRecord;
import org.junit.jupiter.api.Test;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * RFC 8762 §4.2.1: the Sequence Number is 32 bits and wraps; stampd counts in 64 bits behind it.
 * A session started just before 2^32 (what a 1 ms session looks like after 49 days) must put the
 * wrapped number on the wire and still match, order and count every reply.
 */
class SocketSequenceWrapTest {
    private static final Inet6Address LOOPBACK = Ipv6Addresses.parse("::1", "test");
    private static final long FIRST = (1L << 32) - 3;
    private static final int PACKETS = 6;

    private static SenderSessionConfig sender(int reflectorPort) {
        return SenderSessionConfig.builder().reflectorAddress(LOOPBACK).reflectorPort(reflectorPort).ssid(11)
                .intervalNanos(2_000_000).packetCount(PACKETS).lossTimeoutNanos(1_000_000_000L).build();
    }

    private static void awaitReceived(SenderStatistics stats, long n) throws InterruptedException {
        long end = System.currentTimeMillis() + 3000;
        while (stats.snapshot(System.nanoTime()).received() < n && System.currentTimeMillis() < end) {
            Thread.sleep(5);
        }
    }

    /** The wire carries 0xFFFFFFFD, 0xFFFFFFFE, 0xFFFFFFFF, 0, 1, 2; the records carry 2^32-3 .. 2^32+2. */
    @Test
    void theWireNumberWrapsAndTheRecordsCountOn() throws Exception {
        try (DatagramSocket reflector = new DatagramSocket(new InetSocketAddress(LOOPBACK, 0));
             SocketDataPlane dp = new SocketDataPlane()) {
            reflector.setSoTimeout(2000);
            SenderSessionConfig c = sender(reflector.getLocalPort());
            SenderStatistics stats = SenderStatistics.forSession(c);
            dp.startSender(c, stats, FIRST);
            List<Long> onTheWire = new ArrayList<>();
            byte[] buf = new byte[128];
            for (int i = 0; i < PACKETS; i++) {
                DatagramPacket in = new DatagramPacket(buf, buf.length);
                reflector.receive(in);
                ByteBuffer p = ByteBuffer.wrap(buf); // big-endian, as on the wire
                onTheWire.add(Integer.toUnsignedLong(p.getInt(0)));
                // A stateless reply written by hand (RFC 8762 §4.3.1, unauthenticated layout).
                byte[] reply = new byte[in.getLength()];
                ByteBuffer r = ByteBuffer.wrap(reply);
                long now = ntpNow();
                r.putInt(0, p.getInt(0));           // Sequence Number (stateless: the sender's)
                r.putLong(4, now + 1);              // Timestamp (T3)
                r.putShort(12, (short) 0x8001);     // Error Estimate: S=1, NTP, multiplier 1
                r.putShort(14, p.getShort(14));     // SSID (copied)
                r.putLong(16, now);                 // Receive Timestamp (T2)
                r.putInt(24, p.getInt(0));          // Session-Sender Sequence Number
                r.putLong(28, p.getLong(4));        // Session-Sender Timestamp
                r.putShort(36, p.getShort(12));     // Session-Sender Error Estimate
                r.put(40, (byte) 64);               // Session-Sender TTL
                reflector.send(new DatagramPacket(reply, reply.length, in.getSocketAddress()));
            }
            assertEquals(List.of(0xFFFF_FFFDL, 0xFFFF_FFFEL, 0xFFFF_FFFFL, 0L, 1L, 2L), onTheWire);
            awaitReceived(stats, PACKETS);
            SenderStatistics.Snapshot s = stats.snapshot(System.nanoTime());
            assertEquals(PACKETS, s.received());
            assertEquals(0, s.rejected() + s.malformed() + s.duplicates() + s.reordered() + s.lost());
            assertEquals(FIRST + PACKETS - 1, s.lastSentSeq());
            List<Long> recorded = stats.drainRecords().stream().map(StampRecord::seq).toList();
            assertEquals(List.of(FIRST, FIRST + 1, FIRST + 2, FIRST + 3, FIRST + 4, FIRST + 5), recorded);
        }
    }

    /** Against stampd's own stateful reflector, which numbers from 0: nothing lost on either side. */
    @Test
    void aStatefulReflectorSeesNoLossAcrossTheSendersWrap() throws Exception {
        int port = ThreadLocalRandom.current().nextInt(20000, 60000);
        try (SocketDataPlane dp = new SocketDataPlane()) {
            dp.startReflector(new ReflectorSessionConfig(1, 11, null, 0, null, port, List.of(),
                    TimestampFormat.NTP, true, null));
            SenderSessionConfig c = sender(port);
            SenderStatistics stats = SenderStatistics.forSession(c);
            dp.startSender(c, stats, FIRST);
            awaitReceived(stats, PACKETS);
            SenderStatistics.Snapshot s = stats.snapshot(System.nanoTime());
            assertEquals(PACKETS, s.received());
            assertEquals(0, s.lost());
            assertEquals(0, s.forwardLost());
            assertEquals(0, s.backwardLost());
            List<StampRecord> records = stats.drainRecords();
            assertEquals(List.of(0L, 1L, 2L, 3L, 4L, 5L), records.stream().map(StampRecord::reflectorSeq).toList());
            assertEquals(FIRST + 5, records.getLast().seq());
        }
    }

    /** NTP time now: seconds since 1900 in the high 32 bits. */
    private static long ntpNow() {
        long ms = System.currentTimeMillis();
        long seconds = ms / 1000 + 2_208_988_800L;
        long fraction = ((ms % 1000) << 32) / 1000;
        return (seconds << 32) | fraction;
    }
}
