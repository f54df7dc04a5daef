package io.stampd.tools;

import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A TWAMP-Light Session-Sender written here (RFC 5357 §4.1.2 unauthenticated test packets: Sequence
 * Number, NTP Timestamp, Error Estimate, optionally padding; twampy sends 14 octets) against
 * {@code stampd reflect} with its default options on ::1: every packet is answered (RFC 8762 §4.6),
 * with a 44-octet reflected base packet carrying its sequence number and timestamp, T2 and T3.
 */
class TwampLightSenderTest {
    private static final long NTP_UNIX_OFFSET = 2_208_988_800L;

    @Test
    void shortAndPaddedTwampLightPacketsAreAllAnswered() throws Exception {
        InetAddress loopback = InetAddress.getByName("::1");
        int port;
        try (DatagramSocket probe = new DatagramSocket(new InetSocketAddress(loopback, 0))) {
            port = probe.getLocalPort(); // free now; the reflector takes it a moment later
        }
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process reflector = new ProcessBuilder(java.toString(), "--enable-native-access=ALL-UNNAMED", "-cp",
                System.getProperty("java.class.path"), Main.class.getName(), "reflect", "--port",
                Integer.toString(port), "--json").redirectError(ProcessBuilder.Redirect.INHERIT).start();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(reflector.getInputStream(),
                    StandardCharsets.UTF_8));
            String ready = out.readLine();
            assertTrue(ready != null && ready.contains("\"ready\""), "reflector did not start: " + ready);
            int sent = 0;
            try (DatagramSocket s = new DatagramSocket(new InetSocketAddress(loopback, 0))) {
                s.setSoTimeout(2000);
                s.connect(new InetSocketAddress(loopback, port));
                for (int length : new int[] {14, 20, 41}) {
                    for (int i = 0; i < 20; i++) {
                        int seq = sent++;
                        long t1 = ntpNow();
                        ByteBuffer b = ByteBuffer.allocate(length);
                        b.putInt(seq).putLong(t1).putShort((short) 0x8001); // S set, multiplier 1
                        s.send(new DatagramPacket(b.array(), length));
                        byte[] rx = new byte[1500];
                        DatagramPacket reply = new DatagramPacket(rx, rx.length);
                        s.receive(reply); // SocketTimeoutException: a lost packet, which must not happen
                        assertEquals(44, reply.getLength(), length + "-octet request: the base-size reply");
                        ByteBuffer r = ByteBuffer.wrap(rx, 0, 44);
                        assertEquals(seq, r.getInt(0), "stateless: the reflector's number is the sender's");
                        long t3 = r.getLong(4);
                        long t2 = r.getLong(16);
                        assertEquals(seq, r.getInt(24), "Sender Sequence Number");
                        assertEquals(t1, r.getLong(28), "Sender Timestamp, copied");
                        assertEquals((short) 0x8001, r.getShort(36), "Sender Error Estimate, copied");
                        assertNotEquals(0, t2, "T2");
                        assertNotEquals(0, t3, "T3");
                        assertTrue(Long.compareUnsigned(t3, t2) >= 0, "T3 not before T2");
                        // Within a minute of our clock: NTP seconds in the high 32 bits.
                        assertTrue(Math.abs((t2 >>> 32) - (t1 >>> 32)) < 60, "T2 is an NTP timestamp");
                    }
                }
            }
            reflector.toHandle().destroy(); // SIGTERM: the reflector prints its summary and exits 0
            assertTrue(reflector.waitFor(20, TimeUnit.SECONDS));
            String summary = out.lines().filter(l -> l.contains("\"summary\"")).findFirst().orElseThrow();
            assertEquals(sent, StampCli.field(summary, null, "reflected"), summary);
            assertEquals(0, StampCli.field(summary, null, "malformed"), summary);
        } finally {
            reflector.destroyForcibly();
        }
    }

    /** Now as a 64-bit NTP timestamp (RFC 5905). */
    private static long ntpNow() {
        long nanos = System.currentTimeMillis() * 1_000_000L;
        long seconds = nanos / 1_000_000_000L + NTP_UNIX_OFFSET;
        long fraction = ((nanos % 1_000_000_000L) << 32) / 1_000_000_000L;
        return seconds << 32 | fraction;
    }
}
