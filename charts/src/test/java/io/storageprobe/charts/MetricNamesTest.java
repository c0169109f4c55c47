package io.storageprobe.charts;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * Every metric an alert or a dashboard panel queries is one the agent or operator exports,
 * with the labels it is queried by, as listed in metric-names.txt (design.md section 5 for
 * now; real /metrics output of the agent and operator later).
 */
class MetricNamesTest {
    /** Series Prometheus makes for every scrape target (the chart relabels probe and node onto them). */
    private static final Map<String, Set<String>> PROMETHEUS_SYNTHETIC = Map.of("up", Set.of("probe", "node"));
    /** Labels Prometheus and prometheus-operator add to every scraped series. */
    private static final Set<String> TARGET_LABELS =
            Set.of("job", "instance", "namespace", "pod", "service", "container", "endpoint");

    @Test
    void alertsUseOnlyExportedMetricsAndLabels() {
        for (Map<String, Object> rule : PrometheusRules.rules(PrometheusRules.spec())) {
            assertKnown("alert " + rule.get("alert"), (String) rule.get("expr"));
        }
    }

    @Test
    void dashboardUsesOnlyExportedMetricsAndLabels() {
        for (String expr : Dashboard.expressions()) {
            assertKnown("dashboard", expr);
        }
    }

    @Test
    void everyListedMetricIsShownOrAlertedOn() {
        // The reverse direction: a listed metric nobody looks at is a gap in the dashboard or alerts.
        Set<String> used = new TreeSet<>();
        allExpressions().forEach(e -> used.addAll(PromQl.metricNames(e)));
        listedMetrics()
                .forEach((name, metric) -> assertThat(seriesNames(name, metric.type()))
                        .as("%s is used by an alert or a panel", name)
                        .containsAnyElementsOf(used));
    }

    private static void assertKnown(String where, String expr) {
        Map<String, Set<String>> known = knownSeries();
        Set<String> used = PromQl.metricNames(expr);
        assertThat(used).as("%s: %s", where, expr).isNotEmpty();
        assertThat(known.keySet()).as("metrics of %s: %s", where, expr).containsAll(used);
        PromQl.selectorLabels(expr)
                .forEach((metric, labels) -> assertThat(withTargetLabels(known.get(metric)))
                        .as("labels of %s in %s: %s", metric, where, expr)
                        .containsAll(labels));
        // by (...)/on (...) labels must exist on some metric of the expression, else they group nothing.
        Set<String> available = new TreeSet<>();
        used.forEach(m -> available.addAll(withTargetLabels(known.get(m))));
        assertThat(available).as("grouping labels of %s: %s", where, expr).containsAll(PromQl.groupingLabels(expr));
    }

    private static Set<String> withTargetLabels(Set<String> labels) {
        Set<String> out = new TreeSet<>(TARGET_LABELS);
        out.addAll(labels);
        return out;
    }

    private static List<String> allExpressions() {
        List<String> out = new ArrayList<>(Dashboard.expressions());
        PrometheusRules.rules(PrometheusRules.spec()).forEach(r -> out.add((String) r.get("expr")));
        return out;
    }

    record Metric(String type, Set<String> labels) {}

    /** name -> type and labels, from metric-names.txt. */
    static Map<String, Metric> listedMetrics() {
        try (InputStream in = MetricNamesTest.class.getResourceAsStream("/metric-names.txt")) {
            assertThat(in).as("metric-names.txt on the test classpath").isNotNull();
            Map<String, Metric> out = new TreeMap<>();
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                String l = line.replaceFirst("#.*", "").strip();
                if (l.isEmpty()) {
                    continue;
                }
                String[] parts = l.split("\\s+");
                assertThat(parts).as("<name> <type> <labels>: %s", l).hasSize(3);
                out.put(parts[0], new Metric(parts[1], Set.of(parts[2].split(","))));
            }
            return out;
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** Series name -> labels, for every series the listed metrics appear as. */
    private static Map<String, Set<String>> knownSeries() {
        Map<String, Set<String>> out = new TreeMap<>(PROMETHEUS_SYNTHETIC);
        listedMetrics().forEach((name, metric) -> {
            for (String series : seriesNames(name, metric.type())) {
                Set<String> labels = new TreeSet<>(metric.labels());
                if (series.endsWith("_bucket")) {
                    labels.add("le");
                }
                out.put(series, labels);
            }
        });
        return out;
    }

    /** The series names a metric family appears under in the Prometheus text format. */
    private static Set<String> seriesNames(String name, String type) {
        return switch (type) {
            case "histogram" -> Set.of(name + "_bucket", name + "_sum", name + "_count");
            case "summary" -> Set.of(name, name + "_sum", name + "_count");
            default -> Set.of(name);
        };
    }
}
