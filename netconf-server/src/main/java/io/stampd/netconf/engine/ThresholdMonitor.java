package io.stampd.netconf.engine;

import io.stampd.dataplane.session.DelayStatistic;
import io.stampd.dataplane.session.SenderStatistics;
import io.stampd.dataplane.session.StampRecord;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Compares one sender session's measurements over the sliding evaluation window with its
 * thresholds, at each of the session's evaluation steps (see {@link SessionWatch}), and reports each crossing and each clearing once
 * (hysteresis: crossed above raise, cleared at clear or below).
 *
 * <p>Delays come from the session's latest records whose T4 lies inside the window (the record ring
 * bounds how many: with record-capacity smaller than the packets of one window, the newest ones).
 * Loss comes from the difference of the cumulative counters at both ends of the window, so packets
 * still within their loss timeout count neither way.
 *
 * <p>Only accelerated bounds are judged on the window; periodic ones are judged on each closed
 * measurement interval ({@link #judgeInterval}). An accelerated delay bound with a minimum-change
 * reports a crossing again, while crossed, whenever its value moved by at least that much since
 * the last report.
 */
final class ThresholdMonitor {
    private static final int PERCENT_DIGITS = 5;

    private final long sessionId;
    private final Set<Thresholds.Metric> crossedDelays = EnumSet.noneOf(Thresholds.Metric.class);
    /** The value last reported for each crossed accelerated delay (minimum-change). */
    private final Map<Thresholds.Metric, Long> lastReported = new EnumMap<>(Thresholds.Metric.class);
    private boolean lossCrossed;
    /** Cumulative (time, packets whose fate is known, lost) at each evaluation, oldest first. */
    private final ArrayList<long[]> lossHistory = new ArrayList<>();

    ThresholdMonitor(long sessionId) {
        this.sessionId = sessionId;
    }

    synchronized void reset() {
        crossedDelays.clear();
        lastReported.clear();
        lossCrossed = false;
        lossHistory.clear();
    }

    /**
     * @param records     the session's latest records, oldest first, covering at least the window if the ring allows
     * @param percentile  the session's third percentile (delay-statistic high-percentile)
     */
    synchronized void evaluate(Thresholds thresholds, SenderStatistics.LossCounts loss, List<StampRecord> records,
                               double percentile, long nowUnixNanos, long nowMonoNanos, SessionEvents events) {
        long windowNanos = thresholds.evaluationIntervalSeconds() * 1_000_000_000L;
        for (Thresholds.DelayBound bound : thresholds.delays()) {
            if (bound.kind() != Thresholds.Kind.ACCELERATED) {
                continue;
            }
            long[] sample = sample(records, bound.metric(), nowUnixNanos - windowNanos);
            if (sample.length == 0) {
                continue; // nothing came back in the window: loss, not delay, says so
            }
            long value = statistic(sample, bound.statistic(), percentile);
            boolean crossed = crossedDelays.contains(bound.metric());
            if (!crossed && value > bound.raiseNanos()) {
                crossedDelays.add(bound.metric());
                lastReported.put(bound.metric(), value);
                events.thresholdCrossed(ThresholdEvent.delay(sessionId, bound, value, bound.raiseNanos(),
                        thresholds.evaluationIntervalSeconds()));
            } else if (crossed && value <= bound.clearNanos()) {
                crossedDelays.remove(bound.metric());
                lastReported.remove(bound.metric());
                events.thresholdCleared(ThresholdEvent.delay(sessionId, bound, value, bound.clearNanos(),
                        thresholds.evaluationIntervalSeconds()));
            } else if (crossed && bound.minimumChangeNanos() > 0) {
                Long before = lastReported.get(bound.metric());
                if (before == null || Math.abs(value - before) >= bound.minimumChangeNanos()) {
                    lastReported.put(bound.metric(), value);
                    events.thresholdCrossed(ThresholdEvent.delay(sessionId, bound, value, bound.raiseNanos(),
                            thresholds.evaluationIntervalSeconds()));
                }
            }
        }
        crossedDelays.removeIf(m -> thresholds.delays().stream().noneMatch(b -> b.metric() == m));
        lastReported.keySet().retainAll(crossedDelays);
        if (thresholds.loss() == null || thresholds.loss().kind() == Thresholds.Kind.ACCELERATED) {
            evaluateLoss(thresholds, loss, nowMonoNanos, windowNanos, events);
        }
    }

    /**
     * Judges the periodic bounds on a closed measurement interval: each crossing and clearing is
     * reported once (hysteresis as for the window), naming the interval. An interval without
     * replies judges no delay, one without a packet of known fate no loss.
     */
    synchronized void judgeInterval(Thresholds thresholds, ClosedInterval interval, int lengthSeconds,
                                    SessionEvents events) {
        for (Thresholds.DelayBound bound : thresholds.delays()) {
            if (bound.kind() != Thresholds.Kind.PERIODIC) {
                continue;
            }
            DelayStatistic.Summary delay = switch (bound.metric()) {
                case TWO_WAY_DELAY -> interval.roundTrip();
                case ONE_WAY_DELAY_FAR_END -> interval.forward();
                case ONE_WAY_DELAY_NEAR_END -> interval.backward();
            };
            if (delay.count() == 0) {
                continue;
            }
            long value = switch (bound.statistic()) {
                case AVG -> delay.mean();
                case MAX -> delay.max();
                case HIGH_PERCENTILE -> delay.percentiles()[delay.percentiles().length - 1];
            };
            boolean crossed = crossedDelays.contains(bound.metric());
            if (!crossed && value > bound.raiseNanos()) {
                crossedDelays.add(bound.metric());
                events.thresholdCrossed(ThresholdEvent.delay(sessionId, bound, value, bound.raiseNanos(),
                        lengthSeconds).ofInterval(interval.number()));
            } else if (crossed && value <= bound.clearNanos()) {
                crossedDelays.remove(bound.metric());
                events.thresholdCleared(ThresholdEvent.delay(sessionId, bound, value, bound.clearNanos(),
                        lengthSeconds).ofInterval(interval.number()));
            }
        }
        Thresholds.LossBound bound = thresholds.loss();
        if (bound == null || bound.kind() != Thresholds.Kind.PERIODIC || interval.known() <= 0) {
            return;
        }
        BigDecimal ratio = BigDecimal.valueOf(interval.lossPercent()).setScale(PERCENT_DIGITS, RoundingMode.HALF_UP);
        if (!lossCrossed && ratio.compareTo(bound.raisePercent()) > 0) {
            lossCrossed = true;
            events.thresholdCrossed(ThresholdEvent.loss(sessionId, ratio, bound.raisePercent(), lengthSeconds)
                    .ofInterval(interval.number()));
        } else if (lossCrossed && ratio.compareTo(bound.clearPercent()) <= 0) {
            lossCrossed = false;
            events.thresholdCleared(ThresholdEvent.loss(sessionId, ratio, bound.clearPercent(), lengthSeconds)
                    .ofInterval(interval.number()));
        }
    }

    private void evaluateLoss(Thresholds thresholds, SenderStatistics.LossCounts loss, long nowMono,
                              long windowNanos, SessionEvents events) {
        Thresholds.LossBound bound = thresholds.loss();
        if (bound == null) {
            lossHistory.clear();
            lossCrossed = false;
            return;
        }
        lossHistory.add(new long[] {nowMono, loss.sent() - loss.inFlight(), loss.lost()});
        // Keep the newest entry at or before the window's start as its base.
        while (lossHistory.size() > 2 && lossHistory.get(1)[0] <= nowMono - windowNanos) {
            lossHistory.removeFirst();
        }
        long[] base = lossHistory.getFirst();
        long[] now = lossHistory.getLast();
        long known = now[1] - base[1];
        if (known <= 0) {
            return;
        }
        BigDecimal ratio = BigDecimal.valueOf(100.0 * (now[2] - base[2]) / known)
                .setScale(PERCENT_DIGITS, RoundingMode.HALF_UP);
        if (!lossCrossed && ratio.compareTo(bound.raisePercent()) > 0) {
            lossCrossed = true;
            events.thresholdCrossed(ThresholdEvent.loss(sessionId, ratio, bound.raisePercent(),
                    thresholds.evaluationIntervalSeconds()));
        } else if (lossCrossed && ratio.compareTo(bound.clearPercent()) <= 0) {
            lossCrossed = false;
            events.thresholdCleared(ThresholdEvent.loss(sessionId, ratio, bound.clearPercent(),
                    thresholds.evaluationIntervalSeconds()));
        }
    }

    private static long[] sample(List<StampRecord> records, Thresholds.Metric metric, long fromUnixNanos) {
        long[] values = new long[records.size()];
        int n = 0;
        for (StampRecord r : records) {
            if (r.t4() >= fromUnixNanos && !r.clockStep()) { // across a clock step: no delay
                values[n++] = switch (metric) {
                    case TWO_WAY_DELAY -> r.roundTripNanos();
                    case ONE_WAY_DELAY_FAR_END -> r.forwardNanos();
                    case ONE_WAY_DELAY_NEAR_END -> r.backwardNanos();
                };
            }
        }
        return Arrays.copyOf(values, n);
    }

    static long statistic(long[] sample, Thresholds.Statistic statistic, double percentile) {
        return switch (statistic) {
            case AVG -> {
                double sum = 0;
                for (long v : sample) {
                    sum += v;
                }
                yield Math.round(sum / sample.length);
            }
            case MAX -> Arrays.stream(sample).max().orElse(0);
            case HIGH_PERCENTILE -> {
                long[] sorted = sample.clone();
                Arrays.sort(sorted);
                // Nearest rank; the epsilon keeps 99.9 % of 1000 at rank 999 despite binary fractions.
                int rank = (int) Math.ceil(percentile * sorted.length / 100.0 - 1e-9);
                yield sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
            }
        };
    }
}
