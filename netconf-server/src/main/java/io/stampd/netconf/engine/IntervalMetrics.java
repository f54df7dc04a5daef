package io.stampd.netconf.engine;

import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot.GaugeDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.Unit;
import io.stampd.dataplane.session.DelayStatistic;
import java.util.List;

/**
 * The last closed measurement interval of each sender session as Prometheus gauges (see
 * StampMetrics for the session labels): its number, its delays' min, max and mean, its round-trip
 * loss ratio and its round-trip delay bins. A session with no closed interval yet has no series.
 * The bins are the round trip's only, at most 32 series a session (max-elements of
 * delay-bin-edge): the one-way ones would triple that for ten thousand sessions.
 */
final class IntervalMetrics {
    private static final double NANOS = 1e-9;

    private IntervalMetrics() {
    }

    /** One session's labels and its last closed interval. */
    record Last(Labels labels, ClosedInterval interval) {
    }

    static void add(List<MetricSnapshot> out, List<Last> sessions) {
        var number = GaugeSnapshot.builder().name("stampd_sender_interval_number")
                .help("Number of the last closed measurement interval (history-stats session-index)");
        var delay = GaugeSnapshot.builder().name("stampd_sender_interval_delay_seconds").unit(Unit.SECONDS)
                .help("Delay over the last closed measurement interval: min, max and mean (stat)");
        var loss = GaugeSnapshot.builder().name("stampd_sender_interval_loss_ratio")
                .help("Round-trip loss ratio (0..1) of the last closed measurement interval, of its packets whose"
                        + " fate was known at its close");
        var bins = GaugeSnapshot.builder().name("stampd_sender_interval_delay_bin_packets")
                .help("Round-trip delays of the last closed measurement interval per delay bin (bin_lower_us:"
                        + " the bin's lower edge, delay-bin-edge)");
        for (Last l : sessions) {
            ClosedInterval c = l.interval();
            number.dataPoint(GaugeDataPointSnapshot.builder().labels(l.labels()).value(c.number()).build());
            delay(delay, l.labels().add("direction", "forward"), c.forward());
            delay(delay, l.labels().add("direction", "backward"), c.backward());
            delay(delay, l.labels().add("direction", "round_trip"), c.roundTrip());
            if (c.known() > 0) {
                loss.dataPoint(GaugeDataPointSnapshot.builder().labels(l.labels()).value(c.lossPercent() / 100)
                        .build());
            }
            for (int i = 0; i < c.binEdgesNanos().length; i++) {
                bins.dataPoint(GaugeDataPointSnapshot.builder()
                        .labels(l.labels().add("bin_lower_us", Long.toString(c.binEdgesNanos()[i] / 1000)))
                        .value(c.bins()[DelayBins.TWO_WAY][i]).build());
            }
        }
        out.add(number.build());
        out.add(delay.build());
        out.add(loss.build());
        out.add(bins.build());
    }

    private static void delay(GaugeSnapshot.Builder b, Labels labels, DelayStatistic.Summary s) {
        if (s.count() == 0) {
            return; // no reply in the interval: no value rather than a made-up 0
        }
        b.dataPoint(GaugeDataPointSnapshot.builder().labels(labels.add("stat", "min")).value(s.min() * NANOS).build());
        b.dataPoint(GaugeDataPointSnapshot.builder().labels(labels.add("stat", "max")).value(s.max() * NANOS).build());
        b.dataPoint(GaugeDataPointSnapshot.builder().labels(labels.add("stat", "mean")).value(s.mean() * NANOS)
                .build());
    }
}
