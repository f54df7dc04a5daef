package io.stampd.netconf.engine;

import io.stampd.dataplane.DataPlane;
import io.stampd.dataplane.SenderHandle;
import io.stampd.dataplane.session.Liveness;
import io.stampd.dataplane.session.SenderSessionConfig;
import io.stampd.dataplane.session.SenderStatistics;

/**
 * One configured sender test session and what runs for it. Its data plane configuration never
 * changes: a commit that changes it replaces the whole object. Every start begins new
 * statistics (sequence numbers restart at 0, so old and new replies cannot be told apart).
 *
 * <p>Mutated only under the SessionManager's lock; read by the state writer without it, hence the
 * volatile fields.
 */
final class SenderSession {
    /**
     * The statistics of a session that never ran: empty. Shared, because statistics are large
     * (the data plane's loss window) and a disabled session needs none of its own.
     */
    private static final SenderStatistics NEVER_STARTED = new SenderStatistics(0, new double[] {95, 99, 99.9}, 1,
            1);

    final SenderSessionConfig config;
    private volatile Thresholds thresholds;
    private volatile boolean enabled;
    private volatile SenderHandle handle;
    private volatile SenderStatistics statistics;
    private volatile SessionState state = SessionState.READY;
    private volatile String failureReason;
    /** Stopped with stamp-sender-stop: stays stopped until started again or its configuration changes. */
    private volatile boolean stoppedByOperator;
    private final ThresholdMonitor monitor;
    private volatile Liveness.Settings livenessSettings;
    /** What the last session-liveness-change reported (SessionWatch); pending before any. */
    private volatile Liveness.State liveness = Liveness.State.PENDING;
    private volatile IntervalSettings intervalSettings;
    /** The running statistics' measurement intervals; null before the first start. */
    private volatile IntervalRecorder intervals;

    SenderSession(SenderIntent intent) {
        this.config = intent.config();
        this.thresholds = intent.thresholds();
        this.livenessSettings = intent.liveness();
        this.enabled = intent.enabled();
        this.intervalSettings = intent.intervals();
        this.statistics = NEVER_STARTED;
        this.monitor = new ThresholdMonitor(config.id());
    }

    long id() {
        return config.id();
    }

    /** Starts sending with new statistics; the data plane's exception says why it cannot. */
    void start(DataPlane dataPlane) {
        SenderStatistics fresh = SenderStatistics.forSession(config);
        fresh.livenessSettings(livenessSettings);
        SenderHandle h = dataPlane.startSender(config, fresh);
        statistics = fresh;
        restartIntervals();
        monitor.reset();
        handle = h;
        state = SessionState.ACTIVE;
        failureReason = null;
        stoppedByOperator = false;
    }

    /** Stops sending; the statistics stay readable. */
    void stop() {
        SenderHandle h = handle;
        handle = null;
        if (h != null) {
            h.close();
        }
        state = SessionState.READY;
        failureReason = null;
    }

    void fail(String reason) {
        stop();
        state = SessionState.FAILED;
        failureReason = reason;
    }

    /** A session that has sent its number-of-packets becomes completed; its socket stays for late replies. */
    boolean checkCompleted() {
        SenderHandle h = handle;
        if (h != null && state == SessionState.ACTIVE && h.finished()) {
            state = SessionState.COMPLETED;
            return true;
        }
        return false;
    }

    boolean running() {
        return handle != null;
    }

    SenderHandle handle() {
        return handle;
    }

    SenderStatistics statistics() {
        return statistics;
    }

    SessionState state() {
        return state;
    }

    String failureReason() {
        return failureReason;
    }

    boolean enabled() {
        return enabled;
    }

    void enabled(boolean value) {
        enabled = value;
    }

    boolean stoppedByOperator() {
        return stoppedByOperator;
    }

    void stoppedByOperator(boolean value) {
        stoppedByOperator = value;
    }

    Thresholds thresholds() {
        return thresholds;
    }

    void thresholds(Thresholds value) {
        if (!value.equals(thresholds)) {
            thresholds = value;
            monitor.reset();
        }
    }

    ThresholdMonitor monitor() {
        return monitor;
    }

    /** New liveness settings, from the running session's next packet fate on. */
    void livenessSettings(Liveness.Settings value) {
        livenessSettings = value;
        SenderStatistics s = statistics;
        if (s != NEVER_STARTED) {
            s.livenessSettings(value);
        }
    }

    /** The verdict as of {@code monoNow}: pending for a session that does not run. */
    Liveness.Verdict currentLiveness(long monoNow) {
        return running() ? statistics.liveness(monoNow, state == SessionState.ACTIVE) : Liveness.Verdict.PENDING;
    }

    /** The liveness last reported (state leaf liveness, metric stampd_sender_up). */
    Liveness.State liveness() {
        return liveness;
    }

    void liveness(Liveness.State value) {
        liveness = value;
    }

    IntervalSettings intervalSettings() {
        return intervalSettings;
    }

    /** Other measurement intervals: a running session starts them anew (its history goes). */
    void intervalSettings(IntervalSettings value) {
        if (!value.equals(intervalSettings)) {
            intervalSettings = value;
            if (intervals != null) {
                restartIntervals();
            }
        }
    }

    /**
     * Measurement intervals begin anew on the current statistics (start, clear-statistics, other
     * interval settings): the history is dropped, and the engine anchors interval 0 when it next
     * looks at the sessions (SessionWatch.sessionsChanged).
     */
    void restartIntervals() {
        IntervalRecorder old = intervals;
        if (old != null) {
            old.detach();
        }
        intervals = new IntervalRecorder(config.id(), statistics, intervalSettings, config.percentiles(),
                IntervalRecorder.closeDelayNanos(config.id(), intervalSettings, config.lossTimeoutNanos()));
    }

    /** Null before the session's first start. */
    IntervalRecorder intervals() {
        return intervals;
    }
}
