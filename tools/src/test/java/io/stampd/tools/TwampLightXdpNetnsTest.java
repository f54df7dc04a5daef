package io.stampd.tools;

import io.stampd.tools.testing.TestEnv;
import io.stampd.tools.testing.Testbed;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Short TWAMP-Light test packets under the xdp data plane: the XDP program leaves them to the
 * kernel (its reflector/short counter), and the socket path beneath answers them with 44 octets;
 * a full-size packet is still answered in the kernel. None is lost.
 */
@Tag("netns")
class TwampLightXdpNetnsTest {
    @Test
    void shortPacketsGoToTheSocketPathAndAreAnswered() throws Exception {
        TestEnv.requireNetns();
        try (Testbed tb = Testbed.up(0, 0)) {
            StampCli.Reflector r = StampCli.startReflector(tb, "--port", "8620", "--data-plane", "xdp", "--dev",
                    tb.reflectorDev());
            int[] lengths = {14, 20, 44, 14};
            DatagramSocket s = tb.call(tb.senderNs(),
                    () -> new DatagramSocket(new InetSocketAddress(InetAddress.getByName(tb.senderAddr()), 0)));
            try (s) {
                s.setSoTimeout(3000);
                InetSocketAddress to = new InetSocketAddress(InetAddress.getByName(tb.reflectorAddr()), 8620);
                for (int seq = 0; seq < lengths.length; seq++) {
                    ByteBuffer b = ByteBuffer.allocate(lengths[seq]);
                    b.putInt(seq).putLong(0xeb0c7a3b00000000L + seq).putShort((short) 0x8001);
                    s.send(new DatagramPacket(b.array(), lengths[seq], to));
                    byte[] rx = new byte[1500];
                    DatagramPacket reply = new DatagramPacket(rx, rx.length);
                    s.receive(reply);
                    ByteBuffer q = ByteBuffer.wrap(rx);
                    assertEquals(44, reply.getLength(), lengths[seq] + "-octet request");
                    assertEquals(seq, q.getInt(24), "Sender Sequence Number");
                    assertEquals(0xeb0c7a3b00000000L + seq, q.getLong(28), "Sender Timestamp");
                    assertTrue(q.getLong(16) != 0 && q.getLong(4) != 0, "T2 and T3");
                }
            }
            String summary = StampCli.summaryOf(r.stop());
            assertEquals(lengths.length, StampCli.field(summary, null, "reflected"), summary);
            assertEquals(3, StampCli.field(summary, "programs", "reflector/short"), summary);
            assertEquals(0, StampCli.field(summary, null, "malformed"), summary);
        }
    }
}
