package io.stampd.netconf.engine;

import io.stampd.dataplane.DataPlane;
import io.stampd.dataplane.ReflectorCounters;
import io.stampd.dataplane.ReflectorHandle;
import io.stampd.dataplane.session.RateLimit;
import io.stampd.dataplane.session.ReflectorSessionConfig;
import java.util.Objects;

/**
 * One configured reflector test session and its data plane handle. Like {@link SenderSession}, a
 * changed configuration means a new object, except a changed rate limit, which the running
 * session takes in place; counters start again with every start, and clear-statistics moves
 * their zero.
 */
final class ReflectorSession {
    private static final ReflectorCounters ZERO = ReflectorCounters.ZERO;

    /** The configuration; only its rate limit changes ({@link #rateLimit}). */
    volatile ReflectorSessionConfig config;
    private volatile boolean enabled;
    private volatile ReflectorHandle handle;
    /** The last handle, stopped or not: its counters stay readable after a stop. */
    private volatile ReflectorHandle lastHandle;
    private volatile ReflectorCounters zero = ZERO;
    private volatile SessionState state = SessionState.READY;
    private volatile String failureReason;

    ReflectorSession(ReflectorIntent intent) {
        this.config = intent.config();
        this.enabled = intent.enabled();
    }

    long id() {
        return config.id();
    }

    void start(DataPlane dataPlane) {
        ReflectorHandle h = dataPlane.startReflector(config);
        zero = ZERO;
        handle = h;
        lastHandle = h;
        state = SessionState.ACTIVE;
        failureReason = null;
    }

    void stop() {
        ReflectorHandle h = handle;
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

    /** Takes {@code limit} in place, the running session too: its counters carry on. */
    void rateLimit(RateLimit limit) {
        if (Objects.equals(limit, config.rateLimit())) {
            return;
        }
        config = config.withRateLimit(limit);
        ReflectorHandle h = handle;
        if (h != null) {
            h.rateLimit(limit);
        }
    }

    boolean running() {
        return handle != null;
    }

    /** Counters since the last start or clear-statistics. */
    ReflectorCounters counters() {
        ReflectorHandle h = lastHandle;
        if (h == null) {
            return ZERO;
        }
        ReflectorCounters now = h.counters();
        ReflectorCounters z = zero;
        return new ReflectorCounters(now.received() - z.received(), now.reflected() - z.reflected(),
                now.rejected() - z.rejected(), now.lastSenderSeq(), now.lastReflectorSeq(),
                now.inKernel() - z.inKernel(), now.rateLimited() - z.rateLimited());
    }

    void clearCounters() {
        ReflectorHandle h = lastHandle;
        if (h != null) {
            zero = h.counters();
        }
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
}
