package io.storageprobe.charts;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * Every metric an alert or a dashboard panel queries is one the agent or operator exports,
 * as listed in metric-names.txt (design.md section 5 for now, real /metrics output later).
 */
class MetricNamesTest {
  /** Series Prometheus makes itself for every scrape target, not exported by our code. */
  private static final Set<String> PROMETHEUS_SYNTHETIC = Set.of("up");

  @Test
  void alertsUseOnlyExportedMetrics() {
    Set<String> known = knownSeriesNames();
    for (Map<String, Object> rule : PrometheusRules.rules(PrometheusRules.spec())) {
      Set<String> used = PromQl.metricNames((String) rule.get("expr"));
      assertThat(used).as("metrics of alert %s", rule.get("alert")).isNotEmpty();
      assertThat(known).as("metrics of alert %s", rule.get("alert")).containsAll(used);
    }
  }

  @Test
  void dashboardUsesOnlyExportedMetrics() {
    Set<String> known = knownSeriesNames();
    for (String expr : Dashboard.expressions()) {
      Set<String> used = PromQl.metricNames(expr);
      assertThat(used).as(expr).isNotEmpty();
      assertThat(known).as(expr).containsAll(used);
    }
  }

  @Test
  void everyAgentMetricIsShownOrAlertedOn() {
    // The reverse direction: a listed storageprobe_ metric nobody looks at is a gap.
    Set<String> used = new TreeSet<>();
    Dashboard.expressions().forEach(e -> used.addAll(PromQl.metricNames(e)));
    PrometheusRules.rules(PrometheusRules.spec())
        .forEach(r -> used.addAll(PromQl.metricNames((String) r.get("expr"))));
    for (Map.Entry<String, String> metric : listedMetrics().entrySet()) {
      assertThat(seriesNames(metric.getKey(), metric.getValue()))
          .as("%s is used by an alert or a panel", metric.getKey())
          .containsAnyElementsOf(used);
    }
  }

  /** name -> type from metric-names.txt. */
  static Map<String, String> listedMetrics() {
    try (InputStream in = MetricNamesTest.class.getResourceAsStream("/metric-names.txt")) {
      assertThat(in).as("metric-names.txt on the test classpath").isNotNull();
      Map<String, String> out = new TreeMap<>();
      for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
        String l = line.replaceFirst("#.*", "").strip();
        if (l.isEmpty()) {
          continue;
        }
        String[] parts = l.split("\\s+");
        out.put(parts[0], parts.length > 1 ? parts[1] : "untyped");
      }
      return out;
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static Set<String> knownSeriesNames() {
    Set<String> names = new TreeSet<>(PROMETHEUS_SYNTHETIC);
    listedMetrics().forEach((name, type) -> names.addAll(seriesNames(name, type)));
    return names;
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
