package io.stampd.netconf.engine;

import io.stampd.dataplane.DataPlane;
import io.stampd.dataplane.session.StampRecord;
import io.stampd.netconf.AgentConfig;
import io.stampd.netconf.CommitVetoException;
import io.stampd.netconf.ConfigChange;
import io.stampd.netconf.ConfigCommitHook;
import io.stampd.netconf.NetconfAgent;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.opendaylight.mdsal.common.api.LogicalDatastoreType;
import org.opendaylight.mdsal.dom.api.DOMDataBroker;
import org.opendaylight.netconf.server.mdsal.notifications.NetconfNotificationOperationServiceFactory;
import org.opendaylight.yangtools.yang.common.ErrorTag;
import org.opendaylight.yangtools.yang.data.api.YangInstanceIdentifier;
import org.opendaylight.yangtools.yang.data.api.schema.ContainerNode;
import org.opendaylight.yangtools.yang.data.api.schema.DataContainerChild;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The STAMP engine behind the NETCONF server: sessions on the data plane (SessionManager),
 * operational state computed when read (StateReader), completions and thresholds (SessionWatch),
 * RPCs, notifications and the saved running configuration.
 *
 * <pre>{@code
 * Engine engine = new Engine(settings, CompletableFuture.supplyAsync(() -> NodeDataPlane.open(PlaneSettings.SOCKET)));
 * engine.resumeSavedSessionsEarly(t0);   // optional: measure again before the models are parsed
 * NetconfAgent agent = NetconfAgent.start(config, engine.commitHook(), engine::attach);
 * ...
 * engine.close(); agent.close();
 * }</pre>
 *
 * {@link #attach} runs before the server listens: it restores the saved configuration into the
 * datastore and onto the data plane, so the first client already sees it running.
 */
public final class Engine implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Engine.class);

    private final EngineSettings settings;
    private final CompletableFuture<SessionManager> sessions;
    private final NotificationStream notificationStream = new NotificationStream();
    private final EngineNotifications notifications = new EngineNotifications(notificationStream);
    private final Deque<AutoCloseable> resources = new ArrayDeque<>();
    private volatile ConfigCommitHook hook;
    private final java.util.concurrent.atomic.AtomicLong commits = new java.util.concurrent.atomic.AtomicLong();
    private CompletableFuture<Void> earlyResume = CompletableFuture.completedFuture(null);
    /** Completes with whether the saved running configuration has sessions to resume. */
    private CompletableFuture<Boolean> savedSessions = CompletableFuture.completedFuture(false);
    private boolean closed;

    /** @param dataPlane the node's data plane, possibly still being created (it warms up in parallel) */
    public Engine(EngineSettings settings, CompletableFuture<? extends DataPlane> dataPlane) {
        this.settings = settings;
        this.sessions = dataPlane.thenApply(dp -> new SessionManager(dp, notifications));
    }

    /**
     * Starts the sessions of the saved running configuration as soon as the data plane is up,
     * while the YANG models are still being parsed (see {@link SavedSessionsPreview}); {@link
     * #attach} then checks them against the models. Call it right after the constructor.
     *
     * @param t0 System.nanoTime() at the start of the process, for the log
     */
    public synchronized void resumeSavedSessionsEarly(long t0) {
        Path file = settings.runningFile();
        recoverUnconfirmedCommit();
        // Reading the file and warming up the data plane, side by side with the YANG parser.
        var previewed = CompletableFuture.supplyAsync(() -> SavedSessionsPreview.read(file),
                r -> Thread.ofPlatform().daemon().name("stampd-preview").start(r));
        savedSessions = previewed.handle((read, e) -> read != null && read
                .map(p -> !p.senders().isEmpty() || !p.reflectors().isEmpty()).orElse(false));
        earlyResume = sessions.thenAcceptBoth(previewed, (manager, read) -> read.ifPresent(preview -> {
            if (preview.senders().isEmpty() && preview.reflectors().isEmpty()) {
                return;
            }
            List<String> failures = manager.restore(preview);
            LOG.info("resumed the {} sender and {} reflector sessions of {}, {} ms after start (checked against the"
                    + " YANG models next){}", preview.senders().size(), preview.reflectors().size(), file,
                    (System.nanoTime() - t0) / 1_000_000, failures.isEmpty() ? "" : "; cannot run now: " + failures);
        })).exceptionally(e -> {
            LOG.warn("could not resume the saved sessions early (they start after the models are parsed): {}",
                    e.toString());
            return null;
        });
    }

    /**
     * Waits (at most {@code limit}) for the early resume if the saved running configuration has
     * sessions: after a restart, measuring again comes before the management plane, whose YANG
     * parsing would otherwise take CPU from the data plane's warm-up on a small machine. Returns at
     * once when there is nothing to resume; a failed or slow resume is left to {@link #attach}.
     */
    public void awaitEarlyResume(Duration limit) {
        try {
            if (savedSessions.get(limit.toMillis(), TimeUnit.MILLISECONDS)) {
                earlyResume.get(limit.toMillis(), TimeUnit.MILLISECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            // attach() reports it, or starts the sessions once the models are parsed
        }
    }

    /** The hook to give the NETCONF server: refuses commits until {@link #attach} is done. */
    public ConfigCommitHook commitHook() {
        return new ConfigCommitHook() {
            @Override
            public void validate(ConfigChange change) throws CommitVetoException {
                ready().validate(change);
            }

            @Override
            public void apply(ConfigChange change) throws CommitVetoException {
                ready().apply(change);
            }

            @Override
            public void revert(ConfigChange change) {
                ConfigCommitHook h = hook;
                if (h != null) {
                    h.revert(change);
                }
            }
        };
    }

    /**
     * The records of sender session {@code senderId} not taken before, oldest first, at most {@code
     * max}; the rest stay for the next call (fetch-records, and gRPC's GetStampSessionResults).
     *
     * @throws NoSuchElementException if no such sender session is configured
     */
    public List<StampRecord> drainRecords(long senderId, long max) {
        try {
            return runningSessions().fetchRecords(senderId, max).records();
        } catch (SessionManager.RequestRefused e) {
            throw new NoSuchElementException(e.getMessage());
        }
    }

    /** How many records of sender session {@code senderId} wait to be taken; 0 if there is no such session. */
    public long pendingRecords(long senderId) {
        return runningSessions().pendingRecords(senderId);
    }

    /**
     * The engine's state as Prometheus metrics, read at each scrape (see {@link StampMetrics});
     * before the data plane is up, only the agent's own series.
     */
    public io.prometheus.metrics.model.registry.MultiCollector metrics() {
        return new StampMetrics(() -> {
            try {
                return sessions.getNow(null);
            } catch (RuntimeException e) {
                return null; // the data plane could not start: the agent says so elsewhere
            }
        }, commits::get, StateClock.SYSTEM);
    }

    private SessionManager runningSessions() {
        SessionManager m = sessions.getNow(null);
        if (m == null) {
            throw new IllegalStateException("the data plane is still starting");
        }
        return m;
    }

    private ConfigCommitHook ready() throws CommitVetoException {
        ConfigCommitHook h = hook;
        if (h == null) {
            throw new CommitVetoException(null, ErrorTag.RESOURCE_DENIED,
                    "the agent is starting or stopping; try again");
        }
        return h;
    }

    /**
     * Restores the saved configuration and plugs the engine into the server (RPCs, notifications,
     * state). A saved configuration that cannot be read or is invalid stops the start with a
     * ConfigException naming the file and the problem: the agent never starts empty instead.
     */
    public synchronized void attach(NetconfAgent.Wiring wiring) throws AgentConfig.ConfigException {
        long t0 = System.nanoTime();
        var context = wiring.models().context();
        recoverUnconfirmedCommit();
        RunningConfigFile saved = new RunningConfigFile(settings.runningFile(), new ConfigXml(context));
        wiring.store().useRollbackJournal(new PreConfirmFile(settings.runningFile(), new ConfigXml(context)));
        Optional<ContainerNode> root = readSaved(saved);
        DesiredSessions desired = validateSaved(saved, root);
        writeToDatastore(saved, wiring.dataBroker(), root);

        notifications.serialiseWith(new NotificationXml(context));
        notificationStream.restrictWith(wiring.nacm());
        SessionManager manager = awaitSessions();
        resources.push(manager);
        List<String> failures = manager.restore(desired);
        long resumedNanos = System.nanoTime() - t0;

        wiring.state().use(new StateReader(manager, settings.stateRecords(), StateClock.SYSTEM));
        SessionWatch watch = new SessionWatch(manager, notifications, StateClock.SYSTEM,
                settings.stateRefreshMillis());
        resources.push(watch);
        resources.push(new StampRpcs(manager, watch::sessionsChanged).register(wiring.rpcProvider()));
        resources.push(new NetconfNotificationOperationServiceFactory(notificationStream, wiring.operations()));
        hook = new EngineCommitHook(manager, saved, watch::sessionsChanged, commits);
        watch.start();

        if (saved.exists()) {
            LOG.info("restored {} sender and {} reflector sessions from {} ({} ms){}", desired.senders().size(),
                    desired.reflectors().size(), saved.path(), resumedNanos / 1_000_000,
                    failures.isEmpty() ? "" : "; " + failures.size() + " cannot run now: " + failures);
        } else {
            LOG.info("no saved configuration at {}: starting with an empty one; every commit saves running there",
                    saved.path());
        }
    }

    /** Before running.xml is read: a confirmed commit left unconfirmed by the last run does not stay. */
    private void recoverUnconfirmedCommit() {
        try {
            PreConfirmFile.recover(settings.runningFile());
        } catch (IOException e) {
            LOG.error("cannot undo the unconfirmed commit of the last run: {}", e.getMessage());
        }
    }

    private static Optional<ContainerNode> readSaved(RunningConfigFile saved) throws AgentConfig.ConfigException {
        try {
            return saved.load();
        } catch (IOException e) {
            throw new AgentConfig.ConfigException("the saved running configuration " + saved.path()
                    + " cannot be read: " + e.getMessage() + ". Fix or remove the file (removing it starts the agent"
                    + " with an empty configuration).");
        }
    }

    private static DesiredSessions validateSaved(RunningConfigFile saved, Optional<ContainerNode> root)
            throws AgentConfig.ConfigException {
        try {
            return DesiredSessions.of(root);
        } catch (CommitVetoException e) {
            throw new AgentConfig.ConfigException("the saved running configuration " + saved.path()
                    + " is not valid: " + (e.path() == null ? "" : e.path() + ": ") + e.getMessage()
                    + ". Fix or remove the file.");
        }
    }

    /** Puts the restored configuration into CONFIGURATION (past the commit hook: it is running already). */
    private static void writeToDatastore(RunningConfigFile saved, DOMDataBroker broker, Optional<ContainerNode> root)
            throws AgentConfig.ConfigException {
        if (root.isEmpty()) {
            return;
        }
        var tx = broker.newWriteOnlyTransaction();
        for (DataContainerChild child : root.get().body()) {
            tx.put(LogicalDatastoreType.CONFIGURATION, YangInstanceIdentifier.of(child.name()), child);
        }
        try {
            tx.commit().get(30, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            Throwable cause = e instanceof ExecutionException ? com.google.common.base.Throwables.getRootCause(e) : e;
            throw new AgentConfig.ConfigException("the saved running configuration " + saved.path()
                    + " is not valid: " + cause.getMessage() + ". Fix or remove the file.");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AgentConfig.ConfigException("interrupted while restoring " + saved.path());
        }
    }

    /** The session manager, once the data plane runs and the early resume (if any) is done. */
    private SessionManager awaitSessions() throws AgentConfig.ConfigException {
        try {
            earlyResume.get(60, TimeUnit.SECONDS);
            return sessions.get(60, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw new AgentConfig.ConfigException("cannot start the data plane: " + e.getCause().getMessage());
        } catch (TimeoutException e) {
            throw new AgentConfig.ConfigException("the data plane did not start within 60 s");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AgentConfig.ConfigException("interrupted while starting the data plane");
        }
    }

    /** Stops the state, the RPCs, every session, and closes the data plane. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        hook = null;
        while (!resources.isEmpty()) {
            try {
                resources.pop().close();
            } catch (Exception e) {
                LOG.warn("error while stopping the engine: {}", e.toString());
            }
        }
        // Also when attach never ran (the start failed): sessions resumed early run on a data plane
        // that only the manager closes. Closing twice is harmless.
        earlyResume.whenComplete((v, e) -> sessions.thenAccept(SessionManager::close));
    }
}
