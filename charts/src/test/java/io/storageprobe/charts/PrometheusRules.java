package io.storageprobe.charts;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The alerting rules as the chart renders them, in the format promtool reads. */
final class PrometheusRules {
    private PrometheusRules() {}

    /** spec of the rendered PrometheusRule: {groups: [...]}, a Prometheus rule file's content. */
    static Map<String, Object> spec(String... extraSets) {
        List<String> sets = new ArrayList<>(List.of("prometheusRule.enabled=true"));
        sets.addAll(List.of(extraSets));
        List<GenericKubernetesResource> rules =
                Chart.render(sets.toArray(String[]::new)).generic("PrometheusRule");
        if (rules.size() != 1) {
            throw new AssertionError("expected one PrometheusRule, got " + rules.size());
        }
        return rules.get(0).get("spec");
    }

    /** Every rule of every group. */
    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> rules(Map<String, Object> spec) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (Map<String, Object> group : (List<Map<String, Object>>) spec.get("groups")) {
            out.addAll((List<Map<String, Object>>) group.get("rules"));
        }
        return out;
    }

    static Path writeRuleFile(Map<String, Object> spec, Path file) {
        try {
            Files.createDirectories(file.getParent());
            // Literal blocks keep multi-line expressions readable when a failing test is debugged.
            YAMLFactory yaml = YAMLFactory.builder()
                    .enable(YAMLGenerator.Feature.LITERAL_BLOCK_STYLE)
                    .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
                    .build();
            new ObjectMapper(yaml).writeValue(file.toFile(), spec);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
