package io.stampd.netconf.engine;

import java.math.BigDecimal;
import java.util.List;

/**
 * The delay and loss bounds of one sender test session (stampd-stamp.yang, grouping
 * session-thresholds). A bound is crossed when the measured value exceeds {@code raise} and cleared
 * when it falls to {@code clear} or below.
 */
record Thresholds(int evaluationIntervalSeconds, List<DelayBound> delays, LossBound loss) {
    static final Thresholds NONE = new Thresholds(10, List.of(), null);

    Thresholds {
        delays = List.copyOf(delays);
    }

    boolean isEmpty() {
        return delays.isEmpty() && loss == null;
    }

    /** The delays a bound can apply to, with their YANG names. */
    enum Metric {
        TWO_WAY_DELAY("two-way-delay"),
        ONE_WAY_DELAY_FAR_END("one-way-delay-far-end"),
        ONE_WAY_DELAY_NEAR_END("one-way-delay-near-end");

        final String yangName;

        Metric(String yangName) {
            this.yangName = yangName;
        }

        static Metric of(String yangName) {
            for (Metric m : values()) {
                if (m.yangName.equals(yangName)) {
                    return m;
                }
            }
            throw new IllegalArgumentException("unknown delay metric " + yangName);
        }
    }

    /** Which statistic of the window is compared (YANG delay-statistic). */
    enum Statistic {
        AVG("avg"), MAX("max"), HIGH_PERCENTILE("high-percentile");

        final String yangName;

        Statistic(String yangName) {
            this.yangName = yangName;
        }

        static Statistic of(String yangName) {
            for (Statistic s : values()) {
                if (s.yangName.equals(yangName)) {
                    return s;
                }
            }
            throw new IllegalArgumentException("unknown delay statistic " + yangName);
        }
    }

    record DelayBound(Metric metric, Statistic statistic, long raiseNanos, long clearNanos) {
    }

    /** Bounds on the round-trip loss ratio, in percent. */
    record LossBound(BigDecimal raisePercent, BigDecimal clearPercent) {
    }
}
