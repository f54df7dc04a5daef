package io.stampd.netconf.engine;

import io.stampd.dataplane.PlaneSettings;
import io.stampd.sys.bpf.Xdp;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stampd.dataplane.session.Ipv6Addresses;
import io.stampd.dataplane.session.RateLimit;
import io.stampd.dataplane.session.ReflectorSessionConfig;
import io.stampd.dataplane.session.SenderSessionConfig;
import io.stampd.netconf.CommitVetoException;
import java.io.IOException;
import java.net.DatagramSocket;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.opendaylight.yangtools.yang.common.ErrorTag;

/** Incremental, all-or-nothing application of configurations to a (fake) data plane. */
class SessionManagerTest {
    private final FakeDataPlane plane = new FakeDataPlane();
    private final List<String> events = new ArrayList<>();
    private final SessionManager manager = new SessionManager(plane, new SessionEvents() {
        @Override
        public void stateChanged(Role role, long id, SessionState previous, SessionState next, String reason) {
            events.add(role.yangName + " " + id + " " + (previous == null ? "new" : previous.yangName) + "->"
                    + next.yangName);
        }

        @Override
        public void thresholdCrossed(ThresholdEvent event) {
        }

        @Override
        public void thresholdCleared(ThresholdEvent event) {
        }
    });

    private static SenderSessionConfig sender(long id, int senderPort, long intervalMs) {
        return SenderSessionConfig.builder().id(id).ssid((int) id).senderPort(senderPort)
                .reflectorAddress(Ipv6Addresses.parseUnicast("2001:db8::2", "reflector"))
                .intervalNanos(intervalMs * 1_000_000).build();
    }

    private static ReflectorSessionConfig reflector(long id, int port) {
        return new ReflectorSessionConfig(id, (int) id, null, 0, null, port, List.of(), null, false, null);
    }

    private static final class Desired {
        final Map<Long, SenderIntent> senders = new LinkedHashMap<>();
        final Map<Long, ReflectorIntent> reflectors = new LinkedHashMap<>();
        PlaneSettings plane = PlaneSettings.SOCKET;
        RateLimit perSource;

        Desired perSource(RateLimit limit) {
            perSource = limit;
            return this;
        }

        Desired on(PlaneSettings p) {
            plane = p;
            return this;
        }

        Desired sender(SenderSessionConfig c, boolean enabled) {
            senders.put(c.id(), new SenderIntent(c, enabled, Thresholds.NONE));
            return this;
        }

        Desired reflector(ReflectorSessionConfig c) {
            reflectors.put(c.id(), new ReflectorIntent(c, true));
            return this;
        }

        DesiredSessions build() {
            return new DesiredSessions(senders, reflectors, true, true, plane, perSource);
        }
    }

    private static int freeUdpPort() throws IOException {
        try (DatagramSocket s = new DatagramSocket(0)) {
            return s.getLocalPort();
        }
    }

    @Test
    void addingASessionLeavesTheOthersRunningUntouched() throws Exception {
        manager.apply(new Desired().sender(sender(1, 0, 100), true).reflector(reflector(7, 8620)).build());
        var first = plane.senders.getFirst();
        manager.apply(new Desired().sender(sender(1, 0, 100), true).sender(sender(2, 0, 100), true)
                .reflector(reflector(7, 8620)).build());
        assertEquals(List.of("start reflector 7", "start sender 1", "start sender 2"), plane.log);
        assertSame(first, plane.senders.getFirst());
        assertEquals(List.of("sender 1", "sender 2", "reflector 7"), plane.running());
    }

    @Test
    void thePerSourceRateLimitReachesTheDataPlaneWhenItChanges() throws Exception {
        manager.apply(new Desired().reflector(reflector(7, 8620)).perSource(new RateLimit(100, 5)).build());
        assertEquals(new RateLimit(100, 5), plane.sourceRateLimit);
        var session = manager.reflectors().getFirst();
        plane.sourceRateLimit = new RateLimit(1, 1); // changed behind the manager's back: not set again
        manager.apply(new Desired().reflector(reflector(7, 8620)).perSource(new RateLimit(100, 5)).build());
        assertEquals(new RateLimit(1, 1), plane.sourceRateLimit, "an unchanged limit is not set again");
        assertSame(session, manager.reflectors().getFirst(), "the sessions keep running");
        manager.apply(new Desired().reflector(reflector(7, 8620)).build());
        assertNull(plane.sourceRateLimit, "removed: no limit");
    }

    @Test
    void aSessionRateLimitChangesInPlace() throws Exception {
        manager.apply(new Desired().reflector(reflector(7, 8620)).build());
        var session = manager.reflectors().getFirst();
        plane.log.clear();
        manager.apply(new Desired().reflector(reflector(7, 8620).withRateLimit(new RateLimit(200, 20))).build());
        assertEquals(List.of("rate limit of reflector 7: 200 packets/s, burst 20"), plane.log,
                "neither stopped nor started: its counters carry on");
        assertSame(session, manager.reflectors().getFirst());
        assertEquals(new RateLimit(200, 20), session.config.rateLimit());
        manager.apply(new Desired().reflector(reflector(7, 8620).withRateLimit(new RateLimit(200, 20))).build());
        assertEquals(1, plane.log.size(), "an unchanged limit is not set again");
        manager.apply(new Desired().reflector(reflector(7, 8620)).build());
        assertEquals("rate limit of reflector 7: null", plane.log.getLast(), "removed: unlimited");
    }

    @Test
    void changingOneSessionReplacesOnlyThatOne() throws Exception {
        manager.apply(new Desired().sender(sender(1, 0, 100), true).sender(sender(2, 0, 100), true).build());
        plane.log.clear();
        manager.apply(new Desired().sender(sender(1, 0, 100), true).sender(sender(2, 0, 50), true).build());
        assertEquals(List.of("stop sender 2", "start sender 2"), plane.log);
        assertEquals(50_000_000L, manager.senders().get(1).config.intervalNanos());
    }

    @Test
    void disabledSessionsStopButStayConfigured() throws Exception {
        manager.apply(new Desired().sender(sender(1, 0, 100), true).build());
        manager.apply(new Desired().sender(sender(1, 0, 100), false).build());
        assertEquals(List.of(), plane.running());
        assertEquals(1, manager.senders().size());
        assertEquals(SessionState.READY, manager.senders().getFirst().state());
        manager.apply(new Desired().sender(sender(1, 0, 100), true).build());
        assertEquals(List.of("sender 1"), plane.running());
        assertEquals(List.of("sender 1 new->active", "sender 1 active->ready", "sender 1 ready->active"), events);
    }

    @Test
    void aSessionThatCannotStartRefusesTheCommitAndUndoesEverything() throws Exception {
        int port = freeUdpPort();
        manager.apply(new Desired().sender(sender(1, 0, 100), true).sender(sender(2, 0, 100), true).build());
        plane.log.clear();
        events.clear();
        plane.takenPorts.add(port); // the probe finds it free, the data plane does not: a race lost
        CommitVetoException e = assertThrows(CommitVetoException.class, () -> manager.apply(new Desired()
                .sender(sender(1, 0, 100), true)
                .sender(sender(2, 0, 50), true)          // changed: stopped, then restarted by the undo
                .sender(sender(3, 0, 100), true)         // new: started, then stopped by the undo
                .sender(sender(4, port, 100), true)      // cannot start
                .reflector(reflector(9, 8620))           // new: started, then stopped
                .build()));
        assertEquals(ErrorTag.IN_USE, e.tag());
        assertEquals("/stamp/stamp-session-sender/sender-test-session[stamp-session-id='4']/session-sender-udp-port",
                e.path());
        assertTrue(e.getMessage().startsWith("sender session 4 cannot start: cannot bind UDP"), e.getMessage());
        assertEquals(List.of("stop sender 2", "start reflector 9", "start sender 2", "start sender 3",
                "stop sender 3", "stop sender 2", "stop reflector 9", "start sender 2"), plane.log);
        assertEquals(List.of("sender 1", "sender 2"), plane.running());
        assertEquals(100_000_000L, manager.senders().get(1).config.intervalNanos(), "old session 2 kept");
        assertEquals(2, manager.senders().size());
        assertEquals(List.of(), manager.reflectors());
        assertEquals(List.of(), events, "nothing happened, so nothing is reported");
    }

    @Test
    void aPortHeldByAnotherProgramIsRefusedBeforeAnythingIsTouched() throws Exception {
        manager.apply(new Desired().sender(sender(1, 0, 100), true).build());
        plane.log.clear();
        try (DatagramSocket holder = new DatagramSocket(0)) {
            int port = holder.getLocalPort();
            CommitVetoException e = assertThrows(CommitVetoException.class, () -> manager.apply(new Desired()
                    .sender(sender(1, 0, 50), true).sender(sender(2, port, 100), true).build()));
            assertEquals(ErrorTag.IN_USE, e.tag());
            assertTrue(e.path().contains("stamp-session-id='2'"), e.path());
            assertTrue(e.getMessage().contains("is already in use"), e.getMessage());
        }
        assertEquals(List.of(), plane.log, "the data plane was not touched");
    }

    @Test
    void removedSessionsStopAndCloseStopsEverything() throws Exception {
        manager.apply(new Desired().sender(sender(1, 0, 100), true).sender(sender(2, 0, 100), true)
                .reflector(reflector(3, 8620)).build());
        manager.apply(new Desired().sender(sender(2, 0, 100), true).reflector(reflector(3, 8620)).build());
        assertEquals(List.of("sender 2", "reflector 3"), plane.running());
        assertTrue(events.contains("sender 1 active->ready"), events.toString());
        manager.close();
        assertEquals(List.of(), plane.running());
        assertEquals("close", plane.log.getLast());
        assertThrows(CommitVetoException.class, () -> manager.apply(new Desired().build()));
    }

    @Test
    void stopAndStartByRpc() throws Exception {
        manager.apply(new Desired().sender(sender(1, 0, 100), true).sender(sender(2, 0, 100), false).build());
        manager.stopSender(1);
        assertEquals(List.of(), plane.running());
        manager.startSender(1);
        assertEquals(List.of("sender 1"), plane.running());
        var disabled = assertThrows(SessionManager.RequestRefused.class, () -> manager.startSender(2));
        assertTrue(disabled.getMessage().contains("disabled"), disabled.getMessage());
        var unknown = assertThrows(SessionManager.RequestRefused.class, () -> manager.startSender(5));
        assertEquals("no sender session 5 is configured", unknown.getMessage());
        // A commit that does not change session 1 leaves it as the RPC left it.
        manager.stopSender(1);
        manager.apply(new Desired().sender(sender(1, 0, 100), true).sender(sender(2, 0, 100), false)
                .sender(sender(3, 0, 100), true).build());
        assertEquals(List.of("sender 3"), plane.running());
    }
    private static final PlaneSettings XDP = PlaneSettings.xdp("rfl0", Xdp.Mode.NATIVE);

    @Test
    void aChangeOfPlaneMovesTheRunningSessionsWithoutRestartingThem() throws Exception {
        manager.apply(new Desired().sender(sender(1, 0, 100), true).reflector(reflector(7, 8620)).build());
        var sender = plane.senders.getFirst();
        var reflector = plane.reflectors.getFirst();
        plane.log.clear();
        events.clear();
        manager.apply(new Desired().on(XDP).sender(sender(1, 0, 100), true).reflector(reflector(7, 8620)).build());
        assertEquals(List.of("use " + XDP), plane.log, "the plane moved them; no session stopped or started");
        assertSame(sender, plane.senders.getFirst());
        assertSame(reflector, plane.reflectors.getFirst());
        assertEquals(XDP, manager.plane());
        assertEquals(List.of(), events, "the sessions stayed active");
        manager.apply(new Desired().sender(sender(1, 0, 100), true).reflector(reflector(7, 8620)).build());
        assertEquals(List.of("use " + XDP, "use socket"), plane.log);
        assertEquals(PlaneSettings.SOCKET, manager.plane());
    }

    @Test
    void aPlaneTheNodeCannotUseIsRefusedOnItsTypeAndNothingChanges() throws Exception {
        manager.apply(new Desired().sender(sender(1, 0, 100), true).build());
        plane.log.clear();
        plane.refusedPlanes.add(PlaneSettings.Kind.XDP);
        CommitVetoException e = assertThrows(CommitVetoException.class, () -> manager.apply(
                new Desired().on(XDP).sender(sender(1, 0, 100), true).sender(sender(2, 0, 100), true).build()));
        assertEquals("/stamp/data-plane/type", e.path());
        assertTrue(e.getMessage().contains("no xdp here"), e.getMessage());
        assertEquals(List.of(), plane.log, "the data plane was not touched");
        assertEquals(PlaneSettings.SOCKET, manager.plane());
        assertEquals(List.of("sender 1"), plane.running());
        assertEquals(1, manager.senders().size());
    }

    @Test
    void whenASessionCannotStartAfterAChangeOfPlaneThePlaneMovesBack() throws Exception {
        int port = freeUdpPort();
        manager.apply(new Desired().sender(sender(1, 0, 100), true).build());
        plane.log.clear();
        plane.takenPorts.add(port);
        assertThrows(CommitVetoException.class, () -> manager.apply(
                new Desired().on(XDP).sender(sender(1, 0, 100), true).sender(sender(2, port, 100), true).build()));
        assertEquals(List.of("use " + XDP, "use socket"), plane.log);
        assertEquals(PlaneSettings.SOCKET, manager.plane());
        assertEquals(List.of("sender 1"), plane.running());
    }

    @Test
    void aRestoredPlaneThatCannotBeUsedLeavesTheSessionsRunningAndSaysWhy() {
        plane.refusedPlanes.add(PlaneSettings.Kind.XDP);
        List<String> failures = manager.restore(new Desired().on(XDP).sender(sender(1, 0, 100), true).build());
        assertEquals(1, failures.size(), failures.toString());
        assertTrue(failures.getFirst().startsWith("data plane " + XDP + " cannot be used now, staying on socket"),
                failures.getFirst());
        assertEquals(List.of("sender 1"), plane.running());
        assertEquals(PlaneSettings.SOCKET, manager.plane());
    }
}
