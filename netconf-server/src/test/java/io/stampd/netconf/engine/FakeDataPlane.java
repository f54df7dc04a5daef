package io.stampd.netconf.engine;

import io.stampd.dataplane.DataPlane;
import io.stampd.dataplane.DataPlaneCounters;
import io.stampd.dataplane.DataPlaneException;
import io.stampd.dataplane.PlaneSettings;
import io.stampd.dataplane.ReflectorCounters;
import io.stampd.dataplane.ReflectorHandle;
import io.stampd.dataplane.SendTiming;
import io.stampd.dataplane.SendTimingRecorder;
import io.stampd.dataplane.SenderHandle;
import io.stampd.dataplane.session.RateLimit;
import io.stampd.dataplane.session.ReflectorSessionConfig;
import io.stampd.dataplane.session.SenderListener;
import io.stampd.dataplane.session.SenderSessionConfig;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** A data plane that records what it is asked to run, and refuses the ports it is told are taken. */
final class FakeDataPlane implements DataPlane {
    final List<String> log = new ArrayList<>();
    final Set<Integer> takenPorts = new HashSet<>();
    final List<FakeSender> senders = new ArrayList<>();
    final List<FakeReflector> reflectors = new ArrayList<>();
    /** The send-time error a test feeds in; null: this data plane does not measure it. */
    SendTimingRecorder sendTiming;

    /** The plane in use; {@link #use} refuses the planes in {@link #refusedPlanes}. */
    PlaneSettings plane = PlaneSettings.SOCKET;
    final Set<PlaneSettings.Kind> refusedPlanes = new HashSet<>();
    /** The per-source rate limit the engine set last (null: none). */
    RateLimit sourceRateLimit;

    @Override
    public void sourceRateLimit(RateLimit limit) {
        sourceRateLimit = limit;
    }

    @Override
    public PlaneSettings plane() {
        return plane;
    }

    @Override
    public Set<PlaneSettings.Kind> supportedPlanes() {
        return Set.of(PlaneSettings.Kind.SOCKET, PlaneSettings.Kind.XDP);
    }

    @Override
    public void check(PlaneSettings p, Collection<SenderSessionConfig> starting,
                      Collection<ReflectorSessionConfig> startingReflectors) {
        if (refusedPlanes.contains(p.kind())) {
            throw new DataPlaneException(DataPlaneException.Reason.UNSUPPORTED, "no " + p.kind() + " here",
                    DataPlaneException.Subject.plane(DataPlaneException.Field.PLANE_TYPE));
        }
        // Like the socket plane: ports another program holds are found by binding them, except
        // the ones this plane holds itself. takenPorts are free for the check (a race it loses).
        Set<Integer> held = new HashSet<>();
        senders.stream().filter(s -> !s.closed).forEach(s -> held.add(s.config.senderPort()));
        for (SenderSessionConfig c : starting) {
            if (c.senderPort() != 0 && !held.contains(c.senderPort()) && !bindable(c.senderPort())) {
                throw new DataPlaneException(DataPlaneException.Reason.PORT_IN_USE, "sender session " + c.id()
                        + " cannot start: UDP [::]:" + c.senderPort() + " is already in use",
                        new DataPlaneException.Subject(DataPlaneException.Field.SENDER_PORT, c.id()));
            }
        }
    }

    private static boolean bindable(int port) {
        try (var ch = java.nio.channels.DatagramChannel.open(java.net.StandardProtocolFamily.INET6)) {
            ch.bind(new java.net.InetSocketAddress(port));
            return true;
        } catch (java.io.IOException e) {
            return false;
        }
    }

    @Override
    public void use(PlaneSettings p) {
        check(p, List.of(), List.of());
        log.add("use " + p);
        plane = p;
    }

    @Override
    public SenderHandle startSender(SenderSessionConfig config, SenderListener listener) {
        if (takenPorts.contains(config.senderPort())) {
            throw new DataPlaneException(DataPlaneException.Reason.PORT_IN_USE, "sender session " + config.id()
                    + ": cannot bind UDP [::]:" + config.senderPort() + ": Address already in use");
        }
        log.add("start sender " + config.id());
        FakeSender s = new FakeSender(config);
        senders.add(s);
        return s;
    }

    @Override
    public ReflectorHandle startReflector(ReflectorSessionConfig config) {
        if (takenPorts.contains(config.reflectorPort())) {
            throw new DataPlaneException(DataPlaneException.Reason.PORT_IN_USE, "reflector session " + config.id()
                    + ": cannot bind UDP [::]:" + config.reflectorPort() + ": Address already in use");
        }
        log.add("start reflector " + config.id());
        FakeReflector r = new FakeReflector(config);
        reflectors.add(r);
        return r;
    }

    /** Sessions running now, as "sender 1", "reflector 2". */
    List<String> running() {
        List<String> out = new ArrayList<>();
        senders.stream().filter(s -> !s.closed).forEach(s -> out.add("sender " + s.config.id()));
        reflectors.stream().filter(r -> !r.closed).forEach(r -> out.add("reflector " + r.config.id()));
        return out;
    }

    @Override
    public DataPlaneCounters counters() {
        return new DataPlaneCounters(0, 0, 0, 0, 0, 0, 0);
    }

    @Override
    public Optional<SendTiming> sendTiming() {
        return Optional.ofNullable(sendTiming).map(SendTimingRecorder::snapshot);
    }

    @Override
    public void close() {
        log.add("close");
    }

    final class FakeSender implements SenderHandle {
        final SenderSessionConfig config;
        boolean closed;
        /** What finished() reports; a test sets it. */
        volatile boolean finished;

        FakeSender(SenderSessionConfig config) {
            this.config = config;
        }

        @Override
        public int localPort() {
            return 50000 + (int) config.id();
        }

        @Override
        public long sent() {
            return 0;
        }

        @Override
        public long sendErrors() {
            return 0;
        }

        @Override
        public boolean finished() {
            return finished;
        }

        @Override
        public void close() {
            if (!closed) {
                closed = true;
                log.add("stop sender " + config.id());
            }
        }
    }

    final class FakeReflector implements ReflectorHandle {
        final ReflectorSessionConfig config;
        boolean closed;
        /** What counters() reports; a test sets it. */
        volatile ReflectorCounters counters = ReflectorCounters.ZERO;

        FakeReflector(ReflectorSessionConfig config) {
            this.config = config;
        }

        @Override
        public ReflectorCounters counters() {
            return counters;
        }

        @Override
        public void rateLimit(RateLimit limit) {
            log.add("rate limit of reflector " + config.id() + ": " + limit);
        }

        @Override
        public void close() {
            if (!closed) {
                closed = true;
                log.add("stop reflector " + config.id());
            }
        }
    }
}
