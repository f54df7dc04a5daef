package io.stampd.netconf;

import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The Prometheus endpoint ({@code metrics.port}): {@code /metrics} in the Prometheus text format, or
 * OpenMetrics when the scraper asks for it, served by the Prometheus client's JDK HTTP server from
 * its own registry: stampd's series, which the collectors compute at scrape time, and the JVM's
 * and the process's (memory, GC, threads, open file descriptors; the client's JVM instrumentation,
 * a bounded set of series: one per memory pool, collector and buffer pool).
 */
public final class MetricsEndpoint implements AutoCloseable {
    private final HTTPServer server;
    private final ExecutorService executor;
    private final InetSocketAddress address;

    private MetricsEndpoint(HTTPServer server, ExecutorService executor, InetSocketAddress address) {
        this.server = server;
        this.executor = executor;
        this.address = address;
    }

    /** Listens on the settings' address and port (0: an ephemeral one, for tests). */
    public static MetricsEndpoint start(MetricsSettings settings, MultiCollector... collectors) throws IOException {
        PrometheusRegistry registry = new PrometheusRegistry();
        for (MultiCollector c : collectors) {
            registry.register(c);
        }
        JvmMetrics.builder().register(registry);
        // One daemon thread: scrapes are rare and each reads every session once.
        ExecutorService executor = Executors.newSingleThreadExecutor(
                r -> Thread.ofPlatform().daemon().name("stampd-metrics").unstarted(r));
        HTTPServer server;
        try {
            server = HTTPServer.builder().inetAddress(settings.listenAddress()).port(settings.port())
                    .registry(registry).executorService(executor).buildAndStart();
        } catch (IOException | RuntimeException e) {
            executor.shutdownNow();
            throw e;
        }
        return new MetricsEndpoint(server, executor, new InetSocketAddress(settings.listenAddress(),
                server.getPort()));
    }

    public InetSocketAddress address() {
        return address;
    }

    @Override
    public void close() {
        server.close();
        executor.shutdownNow();
    }
}
