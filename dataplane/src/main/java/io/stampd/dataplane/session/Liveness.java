package io.stampd.dataplane.session;

/**
 * Whether a sender test session's reflector answers: down after {@code downAfterLost} consecutive
 * test packets (in sending order) whose loss timeout expired unanswered (a reply whose T4 came that
 * late counts as none), up after {@code upAfterReceived} consecutive answered ones, pending until
 * the first of these verdicts.
 *
 * <p>Not thread-safe: {@link SenderStatistics} feeds it under its own lock, one packet fate at a
 * time, without allocating (the data plane's I/O thread decides most fates).
 */
public final class Liveness {
    /** The YANG enumeration liveness-state. */
    public enum State {
        PENDING("pending"), UP("up"), DOWN("down");

        public final String yangName;

        State(String yangName) {
            this.yangName = yangName;
        }
    }

    /** The largest N and M: beyond, a verdict would take longer than any operator waits for. */
    public static final long MAX_COUNT = 1_000_000;
    public static final int DEFAULT_DOWN_AFTER_LOST = 3;
    public static final int DEFAULT_UP_AFTER_RECEIVED = 3;

    /** How many consecutive lost packets make a session down, and received ones up. */
    public record Settings(long downAfterLost, long upAfterReceived) {
        public static final Settings DEFAULT = new Settings(DEFAULT_DOWN_AFTER_LOST, DEFAULT_UP_AFTER_RECEIVED);

        public Settings {
            check(downAfterLost, "down-after-lost");
            check(upAfterReceived, "up-after-received");
        }

        private static void check(long value, String name) {
            if (value < 1 || value > MAX_COUNT) {
                throw new IllegalArgumentException(name + " " + value + " is outside 1.." + MAX_COUNT + " packets");
            }
        }
    }

    /**
     * The verdict and the run of packets that led to it: one of the two counts is 0 (the last
     * decided packet was lost, or answered), both are 0 before any fate is known.
     */
    public record Verdict(State state, long consecutiveLost, long consecutiveReceived) {
        public static final Verdict PENDING = new Verdict(State.PENDING, 0, 0);
    }

    private Settings settings;
    private State state = State.PENDING;
    private long consecutiveLost;
    private long consecutiveReceived;

    public Liveness(Settings settings) {
        this.settings = settings;
    }

    /** New N and M apply from the next packet's fate on; the current verdict stays. */
    void settings(Settings value) {
        settings = value;
    }

    Settings settings() {
        return settings;
    }

    /** A test packet's loss timeout expired without a reply. */
    void lost() {
        consecutiveReceived = 0;
        consecutiveLost++;
        if (consecutiveLost >= settings.downAfterLost()) {
            state = State.DOWN;
        }
    }

    /** A test packet was answered within its loss timeout. */
    void received() {
        consecutiveLost = 0;
        consecutiveReceived++;
        if (consecutiveReceived >= settings.upAfterReceived()) {
            state = State.UP;
        }
    }

    Verdict verdict() {
        return new Verdict(state, consecutiveLost, consecutiveReceived);
    }
}
