package io.stampd.netconf;

import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot.GaugeDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.util.function.LongSupplier;

/**
 * The agent's own health beyond its sessions (those are the engine's StampMetrics): the NETCONF
 * sessions open, read at scrape time. The JVM's series come from the Prometheus client's JVM
 * instrumentation (see {@link MetricsEndpoint}).
 */
public final class AgentHealthMetrics implements MultiCollector {
    private final LongSupplier netconfSessions;

    public AgentHealthMetrics(LongSupplier netconfSessions) {
        this.netconfSessions = netconfSessions;
    }

    @Override
    public MetricSnapshots collect() {
        return MetricSnapshots.of(GaugeSnapshot.builder().name("stampd_netconf_sessions")
                .help("NETCONF sessions open (past their hello, not yet ended)")
                .dataPoint(GaugeDataPointSnapshot.builder().value(netconfSessions.getAsLong()).build()).build());
    }
}
