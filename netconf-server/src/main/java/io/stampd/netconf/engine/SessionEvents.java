package io.stampd.netconf.engine;

/**
 * What the engine reports as it happens: session state transitions, threshold crossings and
 * closed measurement intervals. The
 * NETCONF notifications implement it; tests record it.
 */
interface SessionEvents {
    enum Role {
        SENDER("sender"), REFLECTOR("reflector");

        final String yangName;

        Role(String yangName) {
            this.yangName = yangName;
        }
    }

    /** {@code previous} is null for a session that did not exist before. */
    void stateChanged(Role role, long sessionId, SessionState previous, SessionState next, String reason);

    /** One session's transition, as {@link #stateChanged} takes it. */
    record StateChange(Role role, long sessionId, SessionState previous, SessionState next, String reason) {
    }

    /**
     * The transitions of one commit, restore or RPC, in order: each as {@link #stateChanged}
     * unless an implementation reports a large batch more compactly (ten thousand sessions started
     * by one commit).
     */
    default void stateChanged(java.util.List<StateChange> changes) {
        changes.forEach(c -> stateChanged(c.role(), c.sessionId(), c.previous(), c.next(), c.reason()));
    }

    void thresholdCrossed(ThresholdEvent event);

    /**
     * A sender session's liveness changed; {@code now} carries the run of packets that decided it
     * (both counts 0 when the session stopped or restarted).
     */
    record LivenessChange(long sessionId, io.stampd.dataplane.session.Liveness.State previous,
                          io.stampd.dataplane.session.Liveness.Verdict now, String reason) {
    }

    /** Nothing by default: recorders of other events need not care. */
    default void livenessChanged(LivenessChange change) {
    }

    /**
     * The changes found in one pass over the sessions: each as {@link #livenessChanged(LivenessChange)}
     * unless an implementation logs a large batch more compactly (a link failure taking ten
     * thousand sessions down).
     */
    default void livenessChanged(java.util.List<LivenessChange> changes) {
        changes.forEach(this::livenessChanged);
    }

    void thresholdCleared(ThresholdEvent event);

    /** A measurement interval of a sender session closed. */
    default void intervalClosed(ClosedInterval interval) {
    }

    SessionEvents IGNORE = new SessionEvents() {
        @Override
        public void stateChanged(Role role, long sessionId, SessionState previous, SessionState next,
                                 String reason) {
        }

        @Override
        public void thresholdCrossed(ThresholdEvent event) {
        }

        @Override
        public void thresholdCleared(ThresholdEvent event) {
        }
    };
}
