package io.storageprobe.agent.report;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.storageprobe.agent.metrics.AgentMetrics;
import io.storageprobe.api.result.NodeResult;
import java.time.Duration;

/**
 * One probe run as the agent's /metrics would show it, in the Prometheus text format, for
 * node_exporter's textfile collector. It goes through the agent's own AgentMetrics, so the names,
 * labels and help texts cannot drift from what the chart's alerts and dashboard query.
 */
public final class PrometheusReport {
    private PrometheusReport() {}

    public static String render(NodeResult result, String probe, Duration took, long endEpochSeconds) {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        new AgentMetrics(registry, probe, result.node()).record(result, took, endEpochSeconds);
        return registry.scrape();
    }
}
