package io.stampd.netconf.engine;

import io.stampd.dataplane.DataPlane;
import io.stampd.dataplane.DataPlaneException;
import io.stampd.netconf.CommitVetoException;
import io.stampd.netconf.engine.SessionEvents.Role;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import org.opendaylight.yangtools.yang.common.ErrorTag;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The way from the running sessions to the ones a new configuration asks for, touching only the
 * sessions that differ: which to stop (removed, changed, disabled), which to start (added, changed,
 * enabled), and the in-place updates (thresholds, enable flags, a reflector's rate limit) that
 * stop and start nothing.
 *
 * <p>{@link #execute} is all or nothing: stops first (a changed session frees its port for its
 * successor), then reflectors (they send nothing by themselves), then senders; if one start
 * fails, everything done so far is undone in reverse order and the failure is reported with the
 * path of the session that failed.
 */
final class SessionTransition {
    private static final Logger LOG = LoggerFactory.getLogger(SessionTransition.class);
    /** Sessions started or stopped per hand-over to the I/O thread (it moves no packets meanwhile). */
    private static final int BATCH = 256;

    final Map<Long, SenderSession> nextSenders = new TreeMap<>();
    final Map<Long, ReflectorSession> nextReflectors = new TreeMap<>();
    private final List<SenderSession> senderStops = new ArrayList<>();
    private final List<ReflectorSession> reflectorStops = new ArrayList<>();
    private final List<ReflectorSession> reflectorStarts = new ArrayList<>();
    private final List<SenderSession> senderStarts = new ArrayList<>();
    private final List<Runnable> inPlaceUpdates = new ArrayList<>();
    /** Why each touched session changes, for the session-state-change notification. */
    private final Map<Long, String> senderReasons = new HashMap<>();
    private final Map<Long, String> reflectorReasons = new HashMap<>();

    private final Map<Long, SenderSession> senders;
    private final Map<Long, ReflectorSession> reflectors;

    /** Plans the transition from {@code senders}/{@code reflectors} (not modified here) to {@code desired}. */
    SessionTransition(Map<Long, SenderSession> senders, Map<Long, ReflectorSession> reflectors,
                      DesiredSessions desired) {
        this.senders = senders;
        this.reflectors = reflectors;
        planSenders(desired);
        planReflectors(desired);
    }

    private void planSenders(DesiredSessions desired) {
        for (var e : desired.senders().entrySet()) {
            long id = e.getKey();
            SenderIntent want = e.getValue();
            SenderSession old = senders.get(id);
            if (old == null || !SenderIntent.sameSession(old.config, want.config())) {
                SenderSession fresh = new SenderSession(want);
                nextSenders.put(id, fresh);
                if (old != null && old.running()) {
                    senderStops.add(old);
                }
                if (want.enabled()) {
                    senderStarts.add(fresh);
                }
                senderReasons.put(id, old == null ? "configured" : "configuration changed");
            } else {
                nextSenders.put(id, old);
                inPlaceUpdates.add(() -> {
                    old.enabled(want.enabled());
                    old.thresholds(want.thresholds());
                    old.livenessSettings(want.liveness());
                    old.intervalSettings(want.intervals());
                });
                if (!want.enabled() && old.running()) {
                    senderStops.add(old);
                    senderReasons.put(id, "disabled by configuration");
                } else if (want.enabled() && !old.enabled() && !old.running()) {
                    senderStarts.add(old);
                    senderReasons.put(id, "enabled by configuration");
                }
            }
        }
        for (SenderSession old : senders.values()) {
            if (!desired.senders().containsKey(old.id())) {
                if (old.running()) {
                    senderStops.add(old);
                }
                senderReasons.put(old.id(), "removed from the configuration");
            }
        }
    }

    private void planReflectors(DesiredSessions desired) {
        for (var e : desired.reflectors().entrySet()) {
            long id = e.getKey();
            ReflectorIntent want = e.getValue();
            ReflectorSession old = reflectors.get(id);
            if (old == null || !ReflectorIntent.sameSession(old.config, want.config())) {
                ReflectorSession fresh = new ReflectorSession(want);
                nextReflectors.put(id, fresh);
                if (old != null && old.running()) {
                    reflectorStops.add(old);
                }
                if (want.enabled()) {
                    reflectorStarts.add(fresh);
                }
                reflectorReasons.put(id, old == null ? "configured" : "configuration changed");
            } else {
                nextReflectors.put(id, old);
                inPlaceUpdates.add(() -> {
                    old.enabled(want.enabled());
                    old.rateLimit(want.config().rateLimit());
                });
                if (!want.enabled() && old.running()) {
                    reflectorStops.add(old);
                    reflectorReasons.put(id, "disabled by configuration");
                } else if (want.enabled() && !old.enabled() && !old.running()) {
                    reflectorStarts.add(old);
                    reflectorReasons.put(id, "enabled by configuration");
                }
            }
        }
        for (ReflectorSession old : reflectors.values()) {
            if (!desired.reflectors().containsKey(old.id())) {
                if (old.running()) {
                    reflectorStops.add(old);
                }
                reflectorReasons.put(old.id(), "removed from the configuration");
            }
        }
    }

    boolean isEmpty() {
        return senderStops.isEmpty() && reflectorStops.isEmpty() && reflectorStarts.isEmpty()
                && senderStarts.isEmpty();
    }

    /** Configurations of the sessions this transition starts, for the data plane's check. */
    List<io.stampd.dataplane.session.SenderSessionConfig> startingSenders() {
        return senderStarts.stream().map(s -> s.config).toList();
    }

    List<io.stampd.dataplane.session.ReflectorSessionConfig> startingReflectors() {
        return reflectorStarts.stream().map(r -> r.config).toList();
    }

    /**
     * The data plane's refusal as a commit veto: the error-path names the node the data plane says
     * it concerns (a session's port or address, or /stamp/data-plane/...).
     */
    static CommitVetoException veto(DataPlaneException e) {
        ErrorTag tag = switch (e.reason()) {
            case PORT_IN_USE -> ErrorTag.IN_USE;
            case ADDRESS_NOT_AVAILABLE, INVALID_CONFIGURATION -> ErrorTag.INVALID_VALUE;
            case UNSUPPORTED -> ErrorTag.OPERATION_NOT_SUPPORTED;
            case RESOURCE -> ErrorTag.RESOURCE_DENIED;
            case INTERNAL -> ErrorTag.OPERATION_FAILED;
        };
        String path = e.subject().map(SessionTransition::path).orElse(null);
        return new CommitVetoException(path, tag, e.getMessage());
    }

    /** The YANG node a data plane subject names. */
    static String path(DataPlaneException.Subject subject) {
        return switch (subject.field()) {
            case PLANE_TYPE -> "/stamp/data-plane/type";
            case PLANE_INTERFACE -> "/stamp/data-plane/interface";
            case PLANE_MODE -> "/stamp/data-plane/xdp-mode";
            case SENDER_ADDRESS -> path(Role.SENDER, subject.sessionId()) + "/sender-ip";
            case SENDER_PORT -> path(Role.SENDER, subject.sessionId()) + "/session-sender-udp-port";
            case REFLECTOR_ADDRESS -> path(Role.REFLECTOR, subject.sessionId()) + "/session-reflector-ip";
            case REFLECTOR_PORT -> path(Role.REFLECTOR, subject.sessionId()) + "/reflector-udp-port";
        };
    }

    static String path(Role role, long id) {
        return role == Role.SENDER
                ? "/stamp/stamp-session-sender/sender-test-session[stamp-session-id='" + id + "']"
                : "/stamp/stamp-session-reflector/reflector-test-session[session-index='" + id + "']";
    }

    /**
     * Does it: all or nothing. On success the caller swaps in {@link #nextSenders} and
     * {@link #nextReflectors}; on failure the data plane runs what it ran before and the
     * exception names the session that could not start and why.
     */
    void execute(DataPlane dataPlane) throws CommitVetoException {
        Deque<Runnable> undo = new ArrayDeque<>();
        Role[] role = {null};
        long[] id = {0};
        try {
            inBatches(dataPlane, senderStops, s -> {
                SessionState before = s.state();
                s.stop();
                undo.push(() -> restartAfterUndo(s, before, dataPlane));
            });
            inBatches(dataPlane, reflectorStops, r -> {
                r.stop();
                undo.push(() -> restartAfterUndo(r, dataPlane));
            });
            role[0] = Role.REFLECTOR;
            inBatches(dataPlane, reflectorStarts, r -> {
                id[0] = r.id();
                r.start(dataPlane);
                undo.push(r::stop);
            });
            role[0] = Role.SENDER;
            inBatches(dataPlane, senderStarts, s -> {
                id[0] = s.id();
                s.start(dataPlane);
                undo.push(s::stop);
            });
        } catch (RuntimeException e) {
            undo.forEach(Runnable::run);
            throw startFailure(role[0], id[0], e);
        }
        inPlaceUpdates.forEach(Runnable::run);
    }

    /**
     * Runs {@code action} on each session, {@link #BATCH} sessions per hand-over to the data
     * plane's I/O thread (one per session would make a commit of 10,000 sessions wait for 10,000
     * turns of a loop that is busy sending).
     */
    private static <T> void inBatches(DataPlane dataPlane, List<T> sessions, java.util.function.Consumer<T> action) {
        for (int from = 0; from < sessions.size(); from += BATCH) {
            List<T> batch = sessions.subList(from, Math.min(sessions.size(), from + BATCH));
            dataPlane.batch(() -> batch.forEach(action));
        }
    }

    /**
     * Like {@link #execute} for a configuration that is already running (restored at start-up):
     * a session that cannot start is marked failed, with the reason, instead of refusing everything.
     * Returns the failures, one line each.
     */
    List<String> executeTolerantly(DataPlane dataPlane) {
        List<String> failures = new ArrayList<>();
        inBatches(dataPlane, senderStops, SenderSession::stop);
        inBatches(dataPlane, reflectorStops, ReflectorSession::stop);
        inBatches(dataPlane, reflectorStarts, r -> {
            try {
                r.start(dataPlane);
            } catch (RuntimeException e) {
                r.fail(reason(Role.REFLECTOR, r.id(), e));
                failures.add(r.failureReason());
            }
        });
        inBatches(dataPlane, senderStarts, s -> {
            try {
                s.start(dataPlane);
            } catch (RuntimeException e) {
                s.fail(reason(Role.SENDER, s.id(), e));
                failures.add(s.failureReason());
            }
        });
        inPlaceUpdates.forEach(Runnable::run);
        return failures;
    }

    private static void restartAfterUndo(SenderSession s, SessionState before, DataPlane dataPlane) {
        if (before != SessionState.ACTIVE) {
            return;
        }
        try {
            s.start(dataPlane);
        } catch (RuntimeException e) {
            s.fail(reason(Role.SENDER, s.id(), e));
            LOG.error("undoing a refused commit: {}", s.failureReason());
        }
    }

    private static void restartAfterUndo(ReflectorSession r, DataPlane dataPlane) {
        try {
            r.start(dataPlane);
        } catch (RuntimeException e) {
            r.fail(reason(Role.REFLECTOR, r.id(), e));
            LOG.error("undoing a refused commit: {}", r.failureReason());
        }
    }

    private static CommitVetoException startFailure(Role role, long id, RuntimeException e) {
        ErrorTag tag = ErrorTag.OPERATION_FAILED;
        String leaf = "";
        if (e instanceof DataPlaneException d) {
            if (d.subject().isPresent()) {
                CommitVetoException v = veto(d);
                return new CommitVetoException(v.path(), v.tag(), reason(role, id, e));
            }
            switch (d.reason()) {
                case PORT_IN_USE -> {
                    tag = ErrorTag.IN_USE;
                    leaf = role == Role.SENDER ? "/session-sender-udp-port" : "/reflector-udp-port";
                }
                case ADDRESS_NOT_AVAILABLE -> {
                    tag = ErrorTag.INVALID_VALUE;
                    leaf = role == Role.SENDER ? "/sender-ip" : "/reflector-ip";
                }
                case INVALID_CONFIGURATION -> tag = ErrorTag.INVALID_VALUE;
                case UNSUPPORTED -> tag = ErrorTag.OPERATION_NOT_SUPPORTED;
                case RESOURCE -> tag = ErrorTag.RESOURCE_DENIED;
                case INTERNAL -> tag = ErrorTag.OPERATION_FAILED;
            }
        }
        return new CommitVetoException(path(role, id) + leaf, tag, reason(role, id, e));
    }

    /** "sender session 5 cannot start: cannot bind UDP [::]:4000: Address already in use". */
    static String reason(Role role, long id, RuntimeException e) {
        String prefix = role.yangName + " session " + id;
        String m = String.valueOf(e.getMessage());
        // The data plane's messages already start with the session's name.
        if (m.startsWith(prefix + ": ")) {
            m = m.substring(prefix.length() + 2);
        }
        return prefix + " cannot start: " + m;
    }

    /** Session state changes this transition made, to be reported after it succeeded. */
    void reportStateChanges(Map<Long, SessionState> sendersBefore, Map<Long, SessionState> reflectorsBefore,
                            SessionEvents events) {
        Map<Long, String> senderWhy = new HashMap<>(senderReasons);
        nextSenders.forEach((id, s) -> {
            if (s.state() == SessionState.FAILED) {
                senderWhy.put(id, s.failureReason());
            }
        });
        Map<Long, String> reflectorWhy = new HashMap<>(reflectorReasons);
        nextReflectors.forEach((id, r) -> {
            if (r.state() == SessionState.FAILED) {
                reflectorWhy.put(id, r.failureReason());
            }
        });
        List<SessionEvents.StateChange> changes = new ArrayList<>();
        report(Role.SENDER, sendersBefore, stateOf(nextSenders, SenderSession::state), senderWhy, changes);
        report(Role.REFLECTOR, reflectorsBefore, stateOf(nextReflectors, ReflectorSession::state), reflectorWhy,
                changes);
        if (!changes.isEmpty()) {
            events.stateChanged(changes);
        }
    }

    private static <T> Map<Long, SessionState> stateOf(Map<Long, T> sessions,
                                                       Function<T, SessionState> state) {
        Map<Long, SessionState> out = new LinkedHashMap<>();
        sessions.forEach((id, s) -> out.put(id, state.apply(s)));
        return out;
    }

    private static void report(Role role, Map<Long, SessionState> before, Map<Long, SessionState> after,
                               Map<Long, String> reasons, List<SessionEvents.StateChange> into) {
        for (var e : after.entrySet()) {
            SessionState was = before.get(e.getKey());
            if (was != e.getValue()) {
                into.add(new SessionEvents.StateChange(role, e.getKey(), was, e.getValue(), reasons.get(e.getKey())));
            }
        }
        for (var e : before.entrySet()) {
            if (!after.containsKey(e.getKey())) {
                into.add(new SessionEvents.StateChange(role, e.getKey(), e.getValue(), SessionState.READY,
                        "removed from the configuration"));
            }
        }
    }
}
