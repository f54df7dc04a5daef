package io.stampd.netconf;

import io.stampd.dataplane.PlaneSettings;
import io.stampd.dataplane.node.NodeDataPlane;
import io.stampd.grpc.SouthboundServer;
import io.stampd.grpc.SouthboundSettings;
import io.stampd.netconf.engine.Engine;
import io.stampd.netconf.engine.EngineSettings;
import io.stampd.netconf.southbound.GrpcSouthbound;
import io.stampd.netconf.southbound.RecordSource;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code stampd agent --config FILE}: the NETCONF management plane and the STAMP engine behind it.
 * Logs to stderr; exits 2 with a message on a configuration problem (including a configuration
 * without users, or a saved running configuration that cannot be restored); on SIGTERM/SIGINT
 * stops every session, releases the sockets and exits 0.
 */
public final class AgentMain {
    /** Printed (to stderr) once the server accepts connections; tests and scripts wait for it. */
    public static final String READY = "stampd agent: NETCONF listening on";

    private AgentMain() {
    }

    public static void main(String[] args) {
        long t0 = processStartNanos();
        List<String> lowered = LibraryLogLevels.capSlf4j(System.getProperties());
        LibraryLogLevels.capJul();
        if (!lowered.isEmpty()) {
            LoggerFactory.getLogger(AgentMain.class).warn("logging {} at INFO, not more: below INFO these libraries"
                    + " write the configuration and the messages, HMAC keys included", lowered);
        }
        Path configFile = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--config", "-c" -> {
                    if (i + 1 >= args.length) {
                        usage("--config needs a file");
                    }
                    configFile = Path.of(args[++i]);
                }
                case "--help", "-h" -> {
                    System.out.println(USAGE);
                    return;
                }
                default -> usage("unknown argument " + args[i]);
            }
        }
        if (configFile == null) {
            usage("--config FILE is required");
        }
        // The server's threads are not all daemons: leave explicitly, with run's exit code.
        System.exit(run(configFile, t0));
    }

    /** The settings of the configuration file, for the usage texts. */
    public static final String SETTINGS = """
            FILE (Java properties) must name at least one user:
              netconf.user.NAME.password-hash = HASH   (from: openssl passwd -6)
            optional:
              netconf.port = 830
              netconf.listen-address = ::
              netconf.ssh.host-key = ssh_host_key  (relative to FILE; made if missing)
              stampd.state-dir = .                 (relative to FILE; holds running.xml)
              stampd.state-records = 5             (latest records per sender in the state)
              stampd.state-refresh-ms = 1000       (how often finished sessions become completed;
                                                    state is computed when read)
              grpc.port = 12345                    (serves the gRPC southbound API of the original
                                                    nodes; off unless set)
              grpc.listen-address = ::
              grpc.tls.certificate = FILE, grpc.tls.private-key = FILE  (PEM; both or neither)
              grpc.token-file = FILE               (callers must send authorization: Bearer TOKEN)
              grpc.nacm-user = grpc                (the user whose NACM rules the gRPC southbound's
                                                    changes pass; /nacm decides what each user may do)
              metrics.port = 9862                  (Prometheus/OpenMetrics endpoint /metrics; off unless set)
              metrics.listen-address = ::""";

    public static final String USAGE = "usage: stampd agent --config FILE\n"
            + "Runs the NETCONF agent (NETCONF over SSH, RFC 6241/6242) and its STAMP sessions.\n" + SETTINGS;

    /** System.nanoTime() at process start, so that the logged start-up time includes the JVM's. */
    public static long processStartNanos() {
        return ProcessStart.nanoTime();
    }

    private static void usage(String problem) {
        System.err.println("stampd agent: " + problem);
        System.err.println(USAGE);
        System.exit(2);
    }

    /**
     * Runs the agent until SIGTERM or SIGINT and returns the exit code: 0 after a clean stop, 2 for
     * a configuration problem (the message is on stderr), 1 for any other failure to start.
     *
     * @param t0 System.nanoTime() at the start of the process, for the start-up time in the log
     */
    public static int run(Path configFile, long t0) {
        AgentConfig config;
        EngineSettings settings;
        Optional<SouthboundSettings> grpc;
        Optional<MetricsSettings> metricsSettings;
        try {
            config = AgentConfig.load(configFile);
            settings = EngineSettings.load(configFile);
            grpc = GrpcSouthbound.settings(configFile);
            metricsSettings = MetricsSettings.load(configFile);
        } catch (AgentConfig.ConfigException e) {
            System.err.println("stampd agent: " + e.getMessage());
            return 2;
        }
        Logger log = LoggerFactory.getLogger(AgentMain.class);
        ConfigFileExposure.warning(configFile, !config.passwordHashes().isEmpty()).ifPresent(log::warn);
        // tools/stampd sizes the heap from the saved sessions and says how (issue 11).
        log.info("heap: at most {} MB, {}", Runtime.getRuntime().maxMemory() / (1024 * 1024),
                System.getProperty("stampd.launcher.heap", "as the JVM options set it"));
        CountDownLatch stopRequested = new CountDownLatch(1);
        StopSignals.install(stopRequested);

        // The data plane warms up its packet path while the YANG models are parsed. It starts on
        // the socket plane; the saved configuration's plane (xdp...) is taken on when it is restored.
        var dataPlane = CompletableFuture.supplyAsync(() -> NodeDataPlane.open(PlaneSettings.SOCKET),
                r -> Thread.ofPlatform().daemon().name("stampd-dataplane-start").start(r));
        Engine engine = new Engine(settings, dataPlane);
        engine.resumeSavedSessionsEarly(t0);
        engine.awaitEarlyResume(Duration.ofSeconds(10));
        NetconfAgent agent;
        try {
            agent = NetconfAgent.start(config, engine.commitHook(), engine::attach);
        } catch (AgentConfig.ConfigException e) {
            engine.close();
            System.err.println("stampd agent: " + e.getMessage());
            return 2;
        } catch (Exception e) {
            engine.close();
            log.error("cannot start", e);
            return 1;
        }

        SouthboundServer southbound = null;
        if (grpc.isPresent()) {
            try {
                southbound = GrpcSouthbound.start(grpc.get(), agent, new RecordSource() {
                    @Override
                    public java.util.List<io.stampd.dataplane.session.StampRecord> drain(long id, long max) {
                        return engine.drainRecords(id, max);
                    }

                    @Override
                    public long pending(long id) {
                        return engine.pendingRecords(id);
                    }
                });
            } catch (AgentConfig.ConfigException e) {
                engine.close();
                agent.close();
                System.err.println("stampd agent: " + e.getMessage());
                return 2;
            }
        }
        MetricsEndpoint metrics = null;
        if (metricsSettings.isPresent()) {
            MetricsSettings m = metricsSettings.get();
            try {
                metrics = MetricsEndpoint.start(m, engine.metrics(), new AgentHealthMetrics(agent::openSessions));
                log.info("metrics: Prometheus endpoint on http://[{}]:{}/metrics",
                        m.listenAddress().getHostAddress(), metrics.address().getPort());
            } catch (java.io.IOException | RuntimeException e) {
                if (southbound != null) {
                    southbound.close();
                }
                engine.close();
                agent.close();
                System.err.println("stampd agent: metrics.port = " + m.port() + ": cannot listen on ["
                        + m.listenAddress().getHostAddress() + "]:" + m.port() + ": " + e.getMessage());
                return 2;
            }
        }
        MetricsEndpoint metricsEndpoint = metrics;
        SouthboundServer grpcServer = southbound;
        AtomicBoolean stopped = new AtomicBoolean();
        Runnable stop = () -> {
            if (stopped.compareAndSet(false, true)) {
                log.info("stopping");
                if (metricsEndpoint != null) {
                    metricsEndpoint.close();
                }
                if (grpcServer != null) {
                    grpcServer.close();
                }
                engine.close();
                agent.close();
            }
        };
        // Other ways out (SIGHUP, System.exit elsewhere) still stop the sessions.
        Runtime.getRuntime().addShutdownHook(Thread.ofPlatform().name("stampd-shutdown").unstarted(stop));
        var a = agent.address();
        System.err.printf("%s [%s]:%d (%d ms after start)%n", READY, a.getAddress().getHostAddress(), a.getPort(),
                (System.nanoTime() - t0) / 1_000_000);
        try {
            stopRequested.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        stop.run();
        return 0;
    }
}
