package io.storageprobe.charts;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The metric-name extraction the consistency test relies on. */
class PromQlTest {

    @Test
    void findsMetricsButNotFunctionsLabelsOrKeywords() {
        assertThat(PromQl.metricNames("sum by (probe) (max by (probe, verdict) (storageprobe_nodes{probe=~\"$probe\"}))"
                        + " > on (probe) (count by (probe) (storageprobe_node_info) or 0 * up{job=\"a\"})"))
                .containsExactly("storageprobe_node_info", "storageprobe_nodes", "up");
    }

    @Test
    void ignoresRangesNumbersAndGrafanaVariables() {
        assertThat(PromQl.metricNames(
                        "histogram_quantile(0.95, sum by (le) (increase(x_bucket[$__rate_interval]))) > 1e3"))
                .containsExactly("x_bucket");
        assertThat(PromQl.metricNames("time() - max by (node) (last_run) > 46800"))
                .containsExactly("last_run");
    }

    @Test
    void findsAMetricWrittenWithoutSelector() {
        assertThat(PromQl.metricNames("storageprobe_rule_failed == 1")).containsExactly("storageprobe_rule_failed");
    }

    @Test
    void findsTheLabelsOfSelectorsAndGroupings() {
        String expr =
                "max by (probe, node) (m{verdict=\"Affected\", target=~\"a=b\"}) * on (node) group_left (kernel_release) i";
        assertThat(PromQl.selectorLabels(expr)).containsOnlyKeys("m");
        assertThat(PromQl.selectorLabels(expr).get("m")).containsExactly("target", "verdict");
        assertThat(PromQl.groupingLabels(expr)).containsExactly("kernel_release", "node", "probe");
    }
}
