package io.stampd.netconf.engine;

import java.math.BigDecimal;

/**
 * A bound of a sender session crossed or cleared (YANG grouping threshold-event). For a delay,
 * {@code statistic}, {@code delayNanos} and {@code delayBoundNanos} are set; for the loss ratio,
 * {@code lossPercent} and {@code lossBoundPercent}. The bound is raise when crossed, clear when cleared.
 * {@code intervalNumber}: the measurement interval a periodic bound was judged on, -1 for an accelerated one.
 */
record ThresholdEvent(long sessionId, String metric, Thresholds.Statistic statistic, long delayNanos,
                      long delayBoundNanos, BigDecimal lossPercent, BigDecimal lossBoundPercent,
                      int evaluationIntervalSeconds, Thresholds.Kind kind, long intervalNumber) {

    static ThresholdEvent delay(long sessionId, Thresholds.DelayBound bound, long valueNanos, long boundNanos,
                                int evaluationIntervalSeconds) {
        return new ThresholdEvent(sessionId, bound.metric().yangName, bound.statistic(), valueNanos, boundNanos,
                null, null, evaluationIntervalSeconds, Thresholds.Kind.ACCELERATED, -1);
    }

    static ThresholdEvent loss(long sessionId, BigDecimal percent, BigDecimal boundPercent,
                               int evaluationIntervalSeconds) {
        return new ThresholdEvent(sessionId, "two-way-loss", null, 0, 0, percent, boundPercent,
                evaluationIntervalSeconds, Thresholds.Kind.ACCELERATED, -1);
    }

    /** The same event, of a periodic bound judged on measurement interval {@code number}. */
    ThresholdEvent ofInterval(long number) {
        return new ThresholdEvent(sessionId, metric, statistic, delayNanos, delayBoundNanos, lossPercent,
                lossBoundPercent, evaluationIntervalSeconds, Thresholds.Kind.PERIODIC, number);
    }

    boolean isLoss() {
        return lossPercent != null;
    }
}
