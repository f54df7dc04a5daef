package io.stampd.netconf.engine;

import io.stampd.dataplane.session.SenderStatistics;
import io.stampd.dataplane.session.StampRecord;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.opendaylight.mdsal.common.api.LogicalDatastoreType;
import org.opendaylight.mdsal.dom.api.DOMDataBroker;
import org.opendaylight.yangtools.yang.data.api.YangInstanceIdentifier;
import org.opendaylight.yangtools.yang.data.api.schema.ContainerNode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes the engine's operational state: on a fixed period (and right after a change of the
 * sessions) it reads every session once, evaluates the thresholds on the same readings, and
 * replaces {@code /stamp-state} in the OPERATIONAL datastore in one transaction, so that a
 * {@code <get>} sees one consistent refresh and the datastore does one validation per refresh
 * however many sessions there are.
 */
final class StateRefresher implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(StateRefresher.class);
    private static final YangInstanceIdentifier STATE_PATH = YangInstanceIdentifier.of(StateTree.STAMP_STATE);
    private static final long SLOW_REFRESH_MILLIS = 500;

    private final SessionManager sessions;
    private final DOMDataBroker broker;
    private final SessionEvents events;
    private final int stateRecords;
    private final long periodMillis;
    private final ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().daemon().name("stampd-state").factory());
    /** Coalesces refresh requests: at most one extra refresh waits behind the running one. */
    private final AtomicBoolean refreshQueued = new AtomicBoolean();
    private volatile long lastRefreshNanos;
    private final StateClock clock;

    StateRefresher(SessionManager sessions, DOMDataBroker broker, SessionEvents events, int stateRecords,
                   long periodMillis) {
        this(sessions, broker, events, stateRecords, periodMillis, StateClock.SYSTEM);
    }

    StateRefresher(SessionManager sessions, DOMDataBroker broker, SessionEvents events, int stateRecords,
                   long periodMillis, StateClock clock) {
        this.clock = clock;
        this.sessions = sessions;
        this.broker = broker;
        this.events = events;
        this.stateRecords = stateRecords;
        this.periodMillis = periodMillis;
    }

    void start() {
        executor.scheduleAtFixedRate(this::refreshSafely, 0, periodMillis, TimeUnit.MILLISECONDS);
    }

    /** Refreshes soon (after a commit or an RPC), without waiting for the next period. */
    void requestRefresh() {
        if (refreshQueued.compareAndSet(false, true)) {
            try {
                executor.execute(() -> {
                    refreshQueued.set(false);
                    refreshSafely();
                });
            } catch (java.util.concurrent.RejectedExecutionException e) {
                refreshQueued.set(false); // shutting down
            }
        }
    }

    /** How long the last refresh took, for the logs and benchmarks. */
    long lastRefreshNanos() {
        return lastRefreshNanos;
    }

    private void refreshSafely() {
        try {
            refresh();
        } catch (RuntimeException e) {
            // A failed refresh must not end the periodic task: the next one may succeed.
            LOG.warn("operational state refresh failed: {}", e.toString(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    void refresh() throws InterruptedException {
        long t0 = System.nanoTime();
        sessions.checkCompletions();
        long nowMono = clock.monotonicNanos();
        long nowUnix = clock.unixNanos();
        List<StateTree.SenderReading> readings = new ArrayList<>();
        for (SenderSession s : sessions.senders()) {
            readings.add(read(s, nowMono, nowUnix));
        }
        long t1 = System.nanoTime();
        ContainerNode state = StateTree.build(sessions.plane(), sessions.running(), sessions.dataPlaneCounters(),
                sessions.sendTiming(), sessions.programCounters(), readings, sessions.reflectors());
        long t2 = System.nanoTime();
        var tx = broker.newWriteOnlyTransaction();
        tx.put(LogicalDatastoreType.OPERATIONAL, STATE_PATH, state);
        try {
            tx.commit().get(10, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("writing /stamp-state failed: " + e.getMessage(), e);
        }
        long took = System.nanoTime() - t0;
        if (LOG.isDebugEnabled()) {
            LOG.debug("state refresh: read {} ms, build {} ms, write {} ms", (t1 - t0) / 1_000_000,
                    (t2 - t1) / 1_000_000, (System.nanoTime() - t2) / 1_000_000);
        }
        lastRefreshNanos = took;
        if (took > SLOW_REFRESH_MILLIS * 1_000_000L) {
            LOG.warn("operational state refresh of {} sender and {} reflector sessions took {} ms", readings.size(),
                    sessions.reflectors().size(), took / 1_000_000);
        }
    }

    /** One session's snapshot and records, and its thresholds evaluated on them. */
    private StateTree.SenderReading read(SenderSession s, long nowMono, long nowUnix) {
        SenderStatistics stats = s.statistics();
        SenderStatistics.Snapshot snapshot = stats.snapshot(nowMono);
        Thresholds thresholds = s.thresholds();
        boolean evaluate = !thresholds.isEmpty() && s.running();
        int windowRecords = 0;
        if (evaluate) {
            long perWindow = thresholds.evaluationIntervalSeconds() * 1_000_000_000L / s.config.intervalNanos() + 2;
            windowRecords = (int) Math.min(s.config.recordCapacity(), perWindow);
        }
        int n = Math.max(stateRecords, windowRecords);
        List<StampRecord> latest = n == 0 ? List.of() : stats.latestRecords(n);
        if (evaluate) {
            s.monitor().evaluate(thresholds, snapshot, latest, s.config.percentiles()[2], nowUnix, nowMono, events);
        }
        List<StampRecord> shown = latest.size() <= stateRecords ? latest
                : latest.subList(latest.size() - stateRecords, latest.size());
        return new StateTree.SenderReading(s, snapshot, shown, stats.pendingRecords());
    }

    @Override
    public void close() {
        executor.shutdownNow();
        try {
            executor.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
