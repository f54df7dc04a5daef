package io.stampd.dataplane.socket;

import io.stampd.dataplane.codec.FollowUpTelemetryTlv;
import io.stampd.dataplane.codec.SenderTlvWriter;
import io.stampd.dataplane.codec.StampLayout;
import io.stampd.dataplane.codec.TimestampFormat;
import io.stampd.dataplane.codec.TimestampInformationTlv;
import io.stampd.dataplane.codec.Timestamps;
import io.stampd.dataplane.codec.Tlv;
import io.stampd.dataplane.session.Ipv6Addresses;
import io.stampd.dataplane.session.ReflectorSessionConfig;
import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The stateful socket reflector's Follow-Up Telemetry (RFC 8972 §4.7), checked from the wire by a
 * hand-written Session-Sender: each reply reports the reflector's sequence number of the previous
 * reply and the time that reply left, which is the kernel's transmit timestamp: later than the T3
 * the previous reply carried (read before the send system call), and by less than a millisecond.
 * On a kernel before 6.13 (no per-packet keys) it reports that T3 itself.
 */
class SocketFollowUpTelemetryTest {
    private static final Inet6Address LOOPBACK = Ipv6Addresses.parse("::1", "test");
    private static final int PACKETS = 30;
    private static final StampLayout L = StampLayout.UNAUTHENTICATED;

    private static boolean kernelKeysTransmitTimestamps() {
        String[] v = System.getProperty("os.version").split("[.-]");
        int major = Integer.parseInt(v[0]);
        return major > 6 || (major == 6 && Integer.parseInt(v[1]) >= 13);
    }

    @Test
    void eachReplyReportsTheKernelTransmitTimeOfThePreviousOne() throws Exception {
        int port = ThreadLocalRandom.current().nextInt(20000, 60000);
        try (SocketDataPlane dp = new SocketDataPlane();
             DatagramSocket sender = new DatagramSocket(new InetSocketAddress(LOOPBACK, 0))) {
            dp.startReflector(new ReflectorSessionConfig(1, 5, null, 0, null, port, List.of(), TimestampFormat.NTP,
                    true, null));
            sender.setSoTimeout(2000);
            byte[] out = new byte[L.baseLength + 20];
            byte[] in = new byte[256];
            MemorySegment req = MemorySegment.ofArray(out);
            MemorySegment rep = MemorySegment.ofArray(in);
            long previousSeq = -1;
            long previousT3 = 0;
            for (int k = 0; k < PACKETS; k++) {
                L.writeSender(req, k, Timestamps.encode(System.currentTimeMillis() * 1_000_000L, TimestampFormat.NTP),
                        (short) 1, 5);
                SenderTlvWriter.followUpTelemetry(req, L.baseLength);
                sender.send(new DatagramPacket(out, out.length, new InetSocketAddress(LOOPBACK, port)));
                DatagramPacket p = new DatagramPacket(in, in.length);
                sender.receive(p);
                assertEquals(out.length, p.getLength(), "reply size = request size");
                int tlv = L.baseLength;
                assertEquals(FollowUpTelemetryTlv.TYPE, Tlv.type(rep, tlv));
                assertEquals(0, Tlv.flags(rep, tlv) & (Tlv.FLAG_U | Tlv.FLAG_M | Tlv.FLAG_I), "understood, well formed");
                long followUpSeq = FollowUpTelemetryTlv.sequenceNumber(rep, tlv);
                long followUp = Timestamps.decode(FollowUpTelemetryTlv.timestamp(rep, tlv), TimestampFormat.NTP);
                if (k == 0) {
                    assertEquals(0, FollowUpTelemetryTlv.timestamp(rep, tlv), "no previous reply to report");
                } else {
                    assertEquals(previousSeq, followUpSeq, "packet " + k + " reports the previous reply");
                    assertEquals(TimestampInformationTlv.METHOD_SW_LOCAL, FollowUpTelemetryTlv.timestampMode(rep, tlv));
                    if (kernelKeysTransmitTimestamps()) {
                        assertTrue(followUp > previousT3 && followUp - previousT3 < 1_000_000L,
                                "packet " + k + ": follow-up " + followUp + " against the carried T3 " + previousT3);
                    } else {
                        assertTrue(Math.abs(followUp - previousT3) <= 1, "packet " + k + ": the carried T3");
                    }
                }
                previousSeq = Integer.toUnsignedLong(L.seq(rep));
                previousT3 = Timestamps.decode(L.timestamp(rep), TimestampFormat.NTP);
            }
        }
    }
}
