package io.stampd.netconf.engine;

import io.stampd.dataplane.DataPlane;
import io.stampd.dataplane.DataPlaneCounters;
import io.stampd.dataplane.DataPlaneException;
import io.stampd.dataplane.PlaneSettings;
import io.stampd.dataplane.SendTiming;
import io.stampd.dataplane.session.RateLimit;
import io.stampd.dataplane.session.StampRecord;
import io.stampd.netconf.CommitVetoException;
import io.stampd.netconf.engine.SessionEvents.Role;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Function;
import org.opendaylight.yangtools.yang.common.ErrorTag;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs on the node's data plane exactly the test sessions that running asks for, applying each
 * configuration change incrementally (see {@link SessionTransition}): a commit starts, stops or
 * replaces only the sessions it changes. Also what the RPCs do to sessions (start, stop, clear,
 * fetch records) and the completion of sessions with a packet count.
 *
 * <p>All changes are serialised by this object's lock. The state writer reads sessions through
 * {@link #senders()} and {@link #reflectors()} and their volatile fields, without the lock.
 */
public final class SessionManager implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SessionManager.class);
    private static final DataPlaneCounters ZERO = new DataPlaneCounters(0, 0, 0, 0, 0, 0, 0);

    private final DataPlane dataPlane;
    private final SessionEvents events;
    private Map<Long, SenderSession> senders = new TreeMap<>();
    private Map<Long, ReflectorSession> reflectors = new TreeMap<>();
    /** The per-source rate limit the data plane has (null: none). */
    private RateLimit sourceRateLimit;
    private volatile DesiredSessions running = DesiredSessions.NONE;
    private volatile DataPlaneCounters countersZero = ZERO;
    private volatile SendTiming sendTimingZero = SendTiming.EMPTY;
    private boolean closed;

    /** A request the engine cannot carry out; the message is for the operator. */
    public static final class RequestRefused extends Exception {
        private static final long serialVersionUID = 1L;

        RequestRefused(String message) {
            super(message);
        }
    }

    SessionManager(DataPlane dataPlane, SessionEvents events) {
        this.dataPlane = dataPlane;
        this.events = events;
    }

    /** Refuses a configuration the engine could not run, without changing anything. */
    synchronized void check(DesiredSessions desired) throws CommitVetoException {
        checkOpen();
        check(desired, new SessionTransition(senders, reflectors, desired));
    }

    /** The data plane's say: the plane it would use and the sessions it would start. */
    private void check(DesiredSessions desired, SessionTransition t) throws CommitVetoException {
        try {
            dataPlane.check(desired.plane(), t.startingSenders(), t.startingReflectors());
        } catch (DataPlaneException e) {
            throw SessionTransition.veto(e);
        }
    }

    /**
     * Makes the data plane run {@code desired}, or leaves it as it was and says why it cannot. A
     * change of data plane moves the running sessions first (they keep running); then the sessions
     * the configuration changes are stopped and started; if that fails, the plane moves back.
     */
    synchronized void apply(DesiredSessions desired) throws CommitVetoException {
        checkOpen();
        SessionTransition t = new SessionTransition(senders, reflectors, desired);
        check(desired, t);
        PlaneSettings before = dataPlane.plane();
        boolean switching = !desired.plane().equals(before);
        if (switching) {
            try {
                dataPlane.use(desired.plane());
            } catch (DataPlaneException e) {
                throw SessionTransition.veto(e);
            }
            LOG.info("data plane: {} -> {}", before, desired.plane());
        }
        Map<Long, SessionState> sendersBefore = states(senders, SenderSession::state);
        Map<Long, SessionState> reflectorsBefore = states(reflectors, ReflectorSession::state);
        try {
            t.execute(dataPlane);
        } catch (CommitVetoException e) {
            if (switching) {
                moveBack(before);
            }
            throw e;
        }
        sourceRateLimit(desired);
        swapIn(t, desired);
        t.reportStateChanges(sendersBefore, reflectorsBefore, events);
    }

    /** Gives the data plane the configuration's per-source rate limit if it changed. */
    private void sourceRateLimit(DesiredSessions desired) {
        RateLimit limit = desired.perSourceRateLimit();
        if (!Objects.equals(limit, sourceRateLimit)) {
            dataPlane.sourceRateLimit(limit);
            sourceRateLimit = limit;
            LOG.info("per-source rate limit of reflected test packets: {}", limit == null ? "none" : limit);
        }
    }

    private void moveBack(PlaneSettings before) {
        try {
            dataPlane.use(before);
            LOG.info("data plane moved back to {} (the commit was refused)", before);
        } catch (DataPlaneException e) {
            LOG.error("cannot move the data plane back to {} after a refused commit: {}", before, e.getMessage());
        }
    }

    /**
     * Starts a configuration restored at start-up. It was valid when it was committed; a session
     * that cannot run now (its port taken meanwhile) is marked failed instead of stopping the agent.
     */
    synchronized List<String> restore(DesiredSessions desired) {
        if (closed) {
            throw new IllegalStateException("the session manager is closed");
        }
        SessionTransition t = new SessionTransition(senders, reflectors, desired);
        Map<Long, SessionState> sendersBefore = states(senders, SenderSession::state);
        Map<Long, SessionState> reflectorsBefore = states(reflectors, ReflectorSession::state);
        List<String> failures = new java.util.ArrayList<>();
        if (!desired.plane().equals(dataPlane.plane())) {
            try {
                dataPlane.use(desired.plane());
            } catch (DataPlaneException e) {
                // The sessions still run, on the plane the node has; the state shows which one.
                failures.add("data plane " + desired.plane() + " cannot be used now, staying on " + dataPlane.plane()
                        + ": " + e.getMessage());
            }
        }
        failures.addAll(t.executeTolerantly(dataPlane));
        sourceRateLimit(desired);
        swapIn(t, desired);
        t.reportStateChanges(sendersBefore, reflectorsBefore, events);
        return failures;
    }

    private void swapIn(SessionTransition t, DesiredSessions desired) {
        senders = t.nextSenders;
        reflectors = t.nextReflectors;
        running = desired;
    }

    private static <T> Map<Long, SessionState> states(Map<Long, T> sessions,
                                                      Function<T, SessionState> state) {
        Map<Long, SessionState> out = new LinkedHashMap<>();
        sessions.forEach((id, s) -> out.put(id, state.apply(s)));
        return out;
    }

    // ---- RPCs --------------------------------------------------------------------------------

    /** stamp-sender-start: (re)starts a configured, enabled sender session with new statistics. */
    synchronized void startSender(long id) throws RequestRefused {
        checkOpenForRequest();
        SenderSession s = configuredSender(id);
        if (!s.enabled()) {
            throw new RequestRefused("sender session " + id + " is disabled in the configuration"
                    + " (test-session-enable or sender-enable is false)");
        }
        SessionState before = s.state();
        s.stop();
        try {
            s.start(dataPlane);
        } catch (RuntimeException e) {
            s.fail(SessionTransition.reason(Role.SENDER, id, e));
            events.stateChanged(Role.SENDER, id, before, SessionState.FAILED, s.failureReason());
            throw new RequestRefused(s.failureReason());
        }
        events.stateChanged(Role.SENDER, id, before, SessionState.ACTIVE, "started by stamp-sender-start");
    }

    /** stamp-sender-stop: stops a sender session until it is started again or its configuration changes. */
    synchronized void stopSender(long id) throws RequestRefused {
        checkOpenForRequest();
        SenderSession s = configuredSender(id);
        SessionState before = s.state();
        s.stop();
        s.stoppedByOperator(true);
        if (before != SessionState.READY) {
            events.stateChanged(Role.SENDER, id, before, SessionState.READY, "stopped by stamp-sender-stop");
        }
    }

    synchronized void clearSender(long id) throws RequestRefused {
        SenderSession s = configuredSender(id);
        s.statistics().clear();
        s.monitor().reset();
        if (s.intervals() != null) {
            s.restartIntervals();
        }
    }

    synchronized void clearReflector(long id) throws RequestRefused {
        ReflectorSession r = reflectors.get(id);
        if (r == null) {
            throw new RequestRefused("no reflector session " + id + " is configured");
        }
        r.clearCounters();
    }

    synchronized void clearAll() {
        for (SenderSession s : senders.values()) {
            s.statistics().clear();
            s.monitor().reset();
            if (s.intervals() != null) {
                s.restartIntervals();
            }
        }
        reflectors.values().forEach(ReflectorSession::clearCounters);
        countersZero = dataPlane.counters();
        sendTimingZero = dataPlane.sendTiming().orElse(SendTiming.EMPTY);
    }

    /** fetch-records: the records not fetched before, oldest first, at most {@code max}, and how many remain. */
    synchronized FetchedRecords fetchRecords(long id, long max) throws RequestRefused {
        SenderSession s = configuredSender(id);
        // Nothing reads the statistics periodically any more: a reply held for its follow-up
        // that waited long enough is recorded now, as a state read would.
        s.statistics().recordStaleHeldReply(System.nanoTime());
        List<StampRecord> records = s.statistics().drainRecords(max);
        return new FetchedRecords(records, s.statistics().pendingRecords());
    }

    /** How many records of a sender session wait to be fetched (0 if there is no such session). */
    synchronized long pendingRecords(long id) {
        SenderSession s = senders.get(id);
        if (s == null) {
            return 0;
        }
        s.statistics().recordStaleHeldReply(System.nanoTime());
        return s.statistics().pendingRecords();
    }

    record FetchedRecords(List<StampRecord> records, long remaining) {
    }

    private SenderSession configuredSender(long id) throws RequestRefused {
        SenderSession s = senders.get(id);
        if (s == null) {
            throw new RequestRefused("no sender session " + id + " is configured");
        }
        return s;
    }

    // ---- what the state writer reads ---------------------------------------------------------

    /** Marks sessions that have sent all their packets as completed; called every stampd.state-refresh-ms (SessionWatch). */
    synchronized void checkCompletions() {
        for (SenderSession s : senders.values()) {
            if (s.checkCompleted()) {
                events.stateChanged(Role.SENDER, s.id(), SessionState.ACTIVE, SessionState.COMPLETED,
                        "sent all " + s.config.packetCount() + " test packets");
            }
        }
    }

    synchronized List<SenderSession> senders() {
        return List.copyOf(senders.values());
    }

    synchronized List<ReflectorSession> reflectors() {
        return List.copyOf(reflectors.values());
    }

    /** The sender sessions whose id {@code wanted} accepts, in id order. */
    synchronized List<SenderSession> senders(java.util.function.LongPredicate wanted) {
        return senders.values().stream().filter(s -> wanted.test(s.id())).toList();
    }

    synchronized List<ReflectorSession> reflectors(java.util.function.LongPredicate wanted) {
        return reflectors.values().stream().filter(r -> wanted.test(r.id())).toList();
    }

    DesiredSessions running() {
        return running;
    }

    String dataPlaneName() {
        return dataPlane.name();
    }

    /** The plane in use. */
    PlaneSettings plane() {
        return dataPlane.plane();
    }

    /** Counters of the plane's in-kernel programs. */
    Map<String, Long> programCounters() {
        return dataPlane.programCounters();
    }

    /** The data plane's node-wide counters since start or the last clear-statistics all. */
    DataPlaneCounters dataPlaneCounters() {
        DataPlaneCounters now = dataPlane.counters();
        DataPlaneCounters z = countersZero;
        return now.since(z);
    }

    /** The send-time error since start or the last clear-statistics all, if the data plane measures it. */
    Optional<SendTiming> sendTiming() {
        SendTiming zero = sendTimingZero;
        return dataPlane.sendTiming().map(now -> now.since(zero));
    }

    private void checkOpen() throws CommitVetoException {
        if (closed) {
            throw new CommitVetoException(null, ErrorTag.OPERATION_FAILED, "the agent is shutting down");
        }
    }

    private void checkOpenForRequest() throws RequestRefused {
        if (closed) {
            throw new RequestRefused("the agent is shutting down");
        }
    }

    /** Stops every session and releases the data plane's sockets. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        int n = 0;
        for (SenderSession s : senders.values()) {
            if (s.running()) {
                s.stop();
                n++;
            }
        }
        for (ReflectorSession r : reflectors.values()) {
            if (r.running()) {
                r.stop();
                n++;
            }
        }
        dataPlane.close();
        LOG.info("stopped {} sessions and closed the {} data plane", n, dataPlane.name());
    }
}
