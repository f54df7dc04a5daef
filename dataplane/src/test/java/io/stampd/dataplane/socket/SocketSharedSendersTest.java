package io.stampd.dataplane.socket;

import io.stampd.dataplane.SenderHandle;
import io.stampd.dataplane.codec.TimestampFormat;
import io.stampd.dataplane.session.Ipv6Addresses;
import io.stampd.dataplane.session.ReflectorSessionConfig;
import io.stampd.dataplane.session.SenderSessionConfig;
import io.stampd.dataplane.session.SenderStatistics;
import io.stampd.dataplane.session.StampRecord;
import org.junit.jupiter.api.Test;

import java.net.Inet6Address;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Collectors;
import java.util.stream.LongStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Sessions without a configured sender port share sockets (one per source address and forward
 * path, another where SSID and reflector would collide) and send in batches; every reply still
 * reaches its own session and no other.
 */
class SocketSharedSendersTest {
    private static final Inet6Address LOOPBACK = Ipv6Addresses.parse("::1", "test");
    private static final int PACKETS = 20;

    private static SenderSessionConfig session(long id, int ssid, int reflectorPort, Inet6Address source) {
        return SenderSessionConfig.builder().id(id).ssid(ssid).senderAddress(source).reflectorAddress(LOOPBACK)
                .reflectorPort(reflectorPort).intervalNanos(10_000_000).packetCount(PACKETS).build();
    }

    private static long received(SenderStatistics st) {
        return st.snapshot(System.nanoTime()).received();
    }

    /**
     * 300 sessions from any address (SSIDs 1-100, each three times, to one reflector port) and 50
     * from ::1: the first group needs three sockets (an SSID can be on a socket once), the second
     * one of its own. The sender's I/O thread is held up for 30 ms once, so that every session
     * falls due at once and the packets leave in full batches.
     */
    @Test
    void sessionsShareSocketsAndEachGetsExactlyItsOwnReplies() throws Exception {
        int port = ThreadLocalRandom.current().nextInt(20000, 60000);
        try (SocketDataPlane reflector = new SocketDataPlane();
             SocketDataPlane sender = new SocketDataPlane()) {
            var reflectorSession = reflector.startReflector(new ReflectorSessionConfig(1,
                    ReflectorSessionConfig.ANY_SSID, null, 0, null, port, List.of(), TimestampFormat.NTP, false, null));
            List<SenderSessionConfig> configs = new ArrayList<>();
            for (int i = 0; i < 300; i++) {
                configs.add(session(i, 1 + i % 100, port, null));
            }
            for (int i = 0; i < 50; i++) {
                configs.add(session(300 + i, 1 + i, port, LOOPBACK));
            }
            List<SenderStatistics> stats = new ArrayList<>();
            List<SenderHandle> handles = new ArrayList<>();
            long[] before = sender.testPacketsAndSystemCalls(); // the warm-up's
            for (SenderSessionConfig c : configs) {
                SenderStatistics st = SenderStatistics.forSession(c);
                stats.add(st);
                handles.add(sender.startSender(c, st));
            }
            sender.loop.execute(() -> LockSupport.parkNanos(30_000_000));
            long deadline = System.nanoTime() + 15_000_000_000L;
            while (stats.stream().anyMatch(st -> received(st) < PACKETS) && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            Thread.sleep(50); // a reply handed to the wrong session would show now

            Set<Integer> anyPorts = handles.subList(0, 300).stream().map(SenderHandle::localPort).collect(Collectors.toSet());
            Set<Integer> loopbackPorts = handles.subList(300, 350).stream().map(SenderHandle::localPort)
                    .collect(Collectors.toSet());
            assertEquals(3, anyPorts.size(), "sockets of the sessions from any address");
            assertEquals(1, loopbackPorts.size(), "sockets of the sessions from ::1");
            assertTrue(anyPorts.stream().noneMatch(loopbackPorts::contains));
            assertEquals(4, sender.senderSockets());
            for (int i = 0; i < configs.size(); i++) {
                SenderSessionConfig c = configs.get(i);
                SenderStatistics.Snapshot s = stats.get(i).snapshot(System.nanoTime());
                String session = "session " + c.id() + " (ssid " + c.ssid() + ", port " + handles.get(i).localPort() + ")";
                assertEquals(PACKETS, s.sent(), session);
                assertEquals(PACKETS, s.received(), session);
                assertEquals(0, s.duplicates(), session);
                assertEquals(0, s.rejected(), session);
                assertEquals(LongStream.range(0, PACKETS).boxed().toList(),
                        stats.get(i).drainRecords().stream().map(StampRecord::seq).toList(), session);
            }
            assertEquals(0, sender.counters().unmatched());
            assertEquals(configs.size() * (long) PACKETS, reflectorSession.counters().reflected());
            long[] after = sender.testPacketsAndSystemCalls();
            long packets = after[0] - before[0];
            long calls = after[1] - before[1];
            assertEquals(configs.size() * (long) PACKETS, packets, "test packets sent");
            // The 30 ms hold alone makes every session due three times over, more than 1000 packets
            // in batches of 16 spread over at most 4 sockets: at least 12 calls saved per batch.
            assertTrue(calls <= packets - 500, calls + " sendmmsg calls for " + packets + " packets");
            handles.forEach(SenderHandle::close);
            assertEquals(0, sender.senderSockets(), "a shared socket closes with its last session");
        }
    }

    /** A session from a shared socket that stops frees its SSID there; one that starts later takes it. */
    @Test
    void aStoppedSessionsPlaceOnASharedSocketIsTakenAgain() throws Exception {
        int port = ThreadLocalRandom.current().nextInt(20000, 60000);
        try (SocketDataPlane reflector = new SocketDataPlane();
             SocketDataPlane sender = new SocketDataPlane()) {
            reflector.startReflector(new ReflectorSessionConfig(1, ReflectorSessionConfig.ANY_SSID, null, 0, null,
                    port, List.of(), TimestampFormat.NTP, false, null));
            SenderHandle keeper = sender.startSender(session(1, 1, port, null), SenderStatistics.forSession(session(1, 1, port, null)));
            SenderHandle first = sender.startSender(session(2, 2, port, null), SenderStatistics.forSession(session(2, 2, port, null)));
            SenderHandle twin = sender.startSender(session(3, 2, port, null), SenderStatistics.forSession(session(3, 2, port, null)));
            assertEquals(keeper.localPort(), first.localPort());
            assertNotEquals(first.localPort(), twin.localPort(), "the same SSID to the same reflector: another socket");
            first.close();
            SenderSessionConfig again = session(4, 2, port, null);
            SenderStatistics st = SenderStatistics.forSession(again);
            SenderHandle later = sender.startSender(again, st);
            assertEquals(keeper.localPort(), later.localPort());
            long deadline = System.nanoTime() + 5_000_000_000L;
            while (received(st) < PACKETS && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertEquals(PACKETS, received(st));
        }
    }
}
