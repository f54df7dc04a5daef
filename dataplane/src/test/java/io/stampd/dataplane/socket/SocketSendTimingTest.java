package io.stampd.dataplane.socket;

import io.stampd.dataplane.SendTiming;
import io.stampd.dataplane.SenderHandle;
import io.stampd.dataplane.codec.TimestampFormat;
import io.stampd.dataplane.session.Ipv6Addresses;
import io.stampd.dataplane.session.ReflectorSessionConfig;
import io.stampd.dataplane.session.SenderListener;
import io.stampd.dataplane.session.SenderSessionConfig;
import org.junit.jupiter.api.Test;

import java.net.Inet6Address;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The socket data plane measures the send-time error of every test packet against the packet's
 * schedule (start + k × interval), not against the moment its timer happened to run.
 */
class SocketSendTimingTest {
    private static final Inet6Address LOOPBACK = Ipv6Addresses.parse("::1", "test");

    private static SenderSessionConfig session(int id, int port) {
        return SenderSessionConfig.builder().id(id).ssid(id).reflectorAddress(LOOPBACK).reflectorPort(port)
                .intervalNanos(10_000_000).packetCount(30).build();
    }

    private static void awaitFinished(SenderHandle h) throws InterruptedException {
        for (int i = 0; i < 500 && !h.finished(); i++) {
            Thread.sleep(10);
        }
        assertTrue(h.finished(), "the session did not send all its packets within 5 s");
    }

    @Test
    void everySentPacketIsMeasuredAndAStalledLoopShowsAsLateness() throws Exception {
        int port = ThreadLocalRandom.current().nextInt(20000, 60000);
        try (SocketDataPlane reflector = new SocketDataPlane();
             SocketDataPlane sender = new SocketDataPlane()) {
            reflector.startReflector(new ReflectorSessionConfig(1, ReflectorSessionConfig.ANY_SSID, null, 0, null, port, List.of(),
                    TimestampFormat.NTP, false, null));
            assertEquals(0, sender.sendTiming().orElseThrow().count());

            SenderHandle first = sender.startSender(session(1, port), SenderListener.IGNORE);
            awaitFinished(first);
            SendTiming afterFirst = sender.sendTiming().orElseThrow();
            assertEquals(first.sent(), afterFirst.count(), "one measurement per packet sent");
            assertEquals(30, afterFirst.count());

            // Hold the I/O thread for 50 ms while packets are due every 10 ms: the packet due within
            // the first 10 ms of the stall leaves at least 40 ms after its scheduled time.
            SenderHandle second = sender.startSender(session(2, port), SenderListener.IGNORE);
            Thread.sleep(100);
            sender.loop.execute(() -> {
                try {
                    Thread.sleep(50);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            awaitFinished(second);
            SendTiming all = sender.sendTiming().orElseThrow();
            SendTiming secondOnly = all.since(afterFirst);
            assertEquals(60, all.count());
            assertEquals(30, secondOnly.count());
            assertTrue(secondOnly.maxNanos() >= 40_000_000L, "max lateness after a 50 ms stall: "
                    + secondOnly.maxNanos() + " ns");
            assertTrue(secondOnly.percentileNanos(50) <= secondOnly.maxNanos());
        }
    }
}
