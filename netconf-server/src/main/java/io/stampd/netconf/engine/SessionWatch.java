package io.stampd.netconf.engine;

import io.stampd.dataplane.session.SenderStatistics;
import io.stampd.dataplane.session.StampRecord;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the engine does without being asked: sessions that have sent their number-of-packets
 * become completed (every {@code completionPeriodMillis}), the sessions' new records are folded
 * into their delay series (every second, off the I/O thread), and each sender session with thresholds
 * compares its sliding window with them on its own schedule, once per {@link #EVALUATION_STEP_MILLIS}
 * at a phase of its own, so that ten thousand sessions do not all evaluate in the same instant.
 * Sessions without accelerated thresholds cost nothing there. Each running sender session also
 * closes its measurement intervals (IntervalRecorder), once per interval at a phase of its own
 * (its close delay), judges its periodic thresholds on each closed interval and publishes it.
 */
final class SessionWatch implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SessionWatch.class);
    /** How often a session's window slides: a crossing is reported at most this long after it happened. */
    static final long EVALUATION_STEP_MILLIS = 1000;
    /** How often the sessions' new records are folded into their delay series. */
    static final long FOLD_PERIOD_MILLIS = 1000;
    /** How often liveness changes are looked for: reported at most this long after the deciding packet's fate. */
    static final long LIVENESS_PERIOD_MILLIS = 250;

    private final SessionManager sessions;
    private final SessionEvents events;
    private final StateClock clock;
    private final long completionPeriodMillis;
    private final LivenessCheck liveness;
    private final WallClockWatch wallClock;
    private final ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().daemon().name("stampd-watch").factory());
    /** The evaluation task of each session object that has one; guarded by this. */
    private final Map<SenderSession, ScheduledFuture<?>> evaluations = new HashMap<>();
    /** The interval-closing task of each running session's interval recorder; guarded by this. */
    private final Map<IntervalRecorder, ScheduledFuture<?>> intervalCloses = new HashMap<>();

    SessionWatch(SessionManager sessions, SessionEvents events, StateClock clock, long completionPeriodMillis) {
        this.sessions = sessions;
        this.events = events;
        this.clock = clock;
        this.completionPeriodMillis = completionPeriodMillis;
        this.liveness = new LivenessCheck(events);
        this.wallClock = new WallClockWatch(clock);
    }

    void start() {
        executor.scheduleAtFixedRate(this::checkCompletions, completionPeriodMillis, completionPeriodMillis,
                TimeUnit.MILLISECONDS);
        executor.scheduleAtFixedRate(this::foldRecords, FOLD_PERIOD_MILLIS, FOLD_PERIOD_MILLIS, TimeUnit.MILLISECONDS);
        executor.scheduleAtFixedRate(this::checkLiveness, LIVENESS_PERIOD_MILLIS, LIVENESS_PERIOD_MILLIS,
                TimeUnit.MILLISECONDS);
        sessionsChanged();
    }

    /**
     * Sessions were started, stopped, replaced or given other thresholds: each running session with
     * thresholds gets an evaluation task, the others lose theirs.
     */
    synchronized void sessionsChanged() {
        List<SenderSession> now = sessions.senders();
        Set<SenderSession> watched = new HashSet<>();
        Set<IntervalRecorder> recording = new HashSet<>();
        for (SenderSession s : now) {
            IntervalRecorder r = s.intervals();
            if (s.running() && r != null) {
                recording.add(r);
                if (!intervalCloses.containsKey(r)) {
                    scheduleIntervals(s, r);
                }
            }
            if (s.running() && s.thresholds().hasAccelerated()) {
                watched.add(s);
                if (!evaluations.containsKey(s)) {
                    schedule(s);
                }
            }
        }
        evaluations.entrySet().removeIf(e -> {
            if (watched.contains(e.getKey())) {
                return false;
            }
            e.getValue().cancel(false);
            return true;
        });
        intervalCloses.entrySet().removeIf(e -> {
            if (recording.contains(e.getKey())) {
                return false;
            }
            e.getValue().cancel(false);
            return true;
        });
    }

    /** Anchors interval 0 of a new recorder now and closes each interval once it is due. */
    private void scheduleIntervals(SenderSession s, IntervalRecorder r) {
        if (!r.anchored()) {
            r.anchor(clock.monotonicNanos(), clock.unixNanos());
        }
        long firstDelay = Math.max(0, r.nextCloseMono() - clock.monotonicNanos());
        try {
            intervalCloses.put(r, executor.scheduleAtFixedRate(() -> closeIntervalsSafely(s, r), firstDelay,
                    r.lengthNanos(), TimeUnit.NANOSECONDS));
        } catch (RejectedExecutionException e) {
            // closing
        }
    }

    private void closeIntervalsSafely(SenderSession s, IntervalRecorder r) {
        try {
            closeIntervals(s, r);
        } catch (RuntimeException e) {
            LOG.warn("closing a measurement interval of sender session {} failed: {}", s.id(), e.toString(), e);
        }
    }

    /** Closes the session's due intervals: each is judged by its periodic thresholds and published. */
    void closeIntervals(SenderSession s, IntervalRecorder r) {
        for (ClosedInterval c : r.closeDue(clock.monotonicNanos(), clock.unixNanos())) {
            s.monitor().judgeInterval(s.thresholds(), c, r.settings().lengthSeconds(), events);
            events.intervalClosed(c);
        }
    }

    private void schedule(SenderSession s) {
        // Fibonacci hashing of the id spreads the sessions' phases over the step.
        long phase = Long.remainderUnsigned(s.id() * 0x9E3779B97F4A7C15L, EVALUATION_STEP_MILLIS);
        try {
            evaluations.put(s, executor.scheduleAtFixedRate(() -> evaluateSafely(s), phase, EVALUATION_STEP_MILLIS,
                    TimeUnit.MILLISECONDS));
        } catch (RejectedExecutionException e) {
            // closing
        }
    }

    /**
     * Folds the sessions' new records into their delay series here rather than on the data plane's
     * I/O thread (SenderStatistics.recordDelays): at 10 pps a session's ring holds 25 s of them.
     */
    private void foldRecords() {
        wallClock.check().ifPresent(step -> LOG.warn("the wall clock stepped by {} ms against the monotonic clock:"
                + " replies to test packets out across the step are marked clock-step and left out of the delay"
                + " statistics (loss timeouts and measurement intervals run on the monotonic clock)",
                String.format(java.util.Locale.ROOT, "%+.3f", step / 1e6)));
        try {
            for (SenderSession s : sessions.senders()) {
                s.statistics().foldRecords();
            }
        } catch (RuntimeException e) {
            LOG.warn("folding the sessions' records failed (tried again in {} ms): {}", FOLD_PERIOD_MILLIS,
                    e.toString(), e);
        }
    }

    private void checkLiveness() {
        try {
            liveness.check(sessions.senders(), clock.monotonicNanos());
        } catch (RuntimeException e) {
            LOG.warn("checking the sessions' liveness failed (tried again in {} ms): {}", LIVENESS_PERIOD_MILLIS,
                    e.toString(), e);
        }
    }

    private void checkCompletions() {
        try {
            sessions.checkCompletions();
        } catch (RuntimeException e) {
            LOG.warn("checking sessions for completion failed (tried again in {} ms): {}", completionPeriodMillis,
                    e.toString(), e);
        }
    }

    private void evaluateSafely(SenderSession s) {
        try {
            evaluate(s);
        } catch (RuntimeException e) {
            // A failed evaluation must not end the session's schedule: the next one may succeed.
            LOG.warn("threshold evaluation of sender session {} failed: {}", s.id(), e.toString(), e);
        }
    }

    /** One step of a session's sliding window: its records of the window and its loss counters now. */
    void evaluate(SenderSession s) {
        Thresholds thresholds = s.thresholds();
        if (thresholds.isEmpty() || !s.running()) {
            return;
        }
        long nowMono = clock.monotonicNanos();
        long nowUnix = clock.unixNanos();
        SenderStatistics stats = s.statistics();
        long perWindow = thresholds.evaluationIntervalSeconds() * 1_000_000_000L / s.config.intervalNanos() + 2;
        List<StampRecord> window = stats.latestRecords((int) Math.min(s.config.recordCapacity(), perWindow));
        s.monitor().evaluate(thresholds, stats.lossCounts(nowMono), window, s.config.percentiles()[2], nowUnix,
                nowMono, events);
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
