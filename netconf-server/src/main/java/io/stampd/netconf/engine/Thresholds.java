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

    /** When a bound is judged (YANG threshold-kind). */
    enum Kind {
        /** At each evaluation step, on the sliding window. */
        ACCELERATED("accelerated"),
        /** At the close of each measurement interval, on its figures. */
        PERIODIC("periodic");

        final String yangName;

        Kind(String yangName) {
            this.yangName = yangName;
        }

        static Kind of(String yangName) {
            for (Kind k : values()) {
                if (k.yangName.equals(yangName)) {
                    return k;
                }
            }
            throw new IllegalArgumentException("unknown threshold kind " + yangName);
        }
    }

    /**
     * @param minimumChangeNanos accelerated only: while crossed, another crossing is reported when
     *                           the value moved by at least this much since the last report; 0: never
     */
    record DelayBound(Metric metric, Statistic statistic, long raiseNanos, long clearNanos, Kind kind,
                      long minimumChangeNanos) {
        /** An accelerated bound reported on its crossing and clearing only. */
        DelayBound(Metric metric, Statistic statistic, long raiseNanos, long clearNanos) {
            this(metric, statistic, raiseNanos, clearNanos, Kind.ACCELERATED, 0);
        }
    }

    /** Bounds on the round-trip loss ratio, in percent. */
    record LossBound(BigDecimal raisePercent, BigDecimal clearPercent, Kind kind) {
        /** An accelerated bound. */
        LossBound(BigDecimal raisePercent, BigDecimal clearPercent) {
            this(raisePercent, clearPercent, Kind.ACCELERATED);
        }
    }

    /** True if some bound is judged on the sliding window (SessionWatch's evaluation steps). */
    boolean hasAccelerated() {
        return delays.stream().anyMatch(d -> d.kind() == Kind.ACCELERATED)
                || (loss != null && loss.kind() == Kind.ACCELERATED);
    }
}
