package io.storageprobe.charts;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The Grafana dashboard the chart ships (files/dashboards/storageprobe.json). */
final class Dashboard {
    static final Path FILE = Chart.CHART_DIR.resolve("files/dashboards/storageprobe.json");

    private Dashboard() {}

    static String rawJson() {
        try {
            return Files.readString(FILE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static JsonNode json() {
        try {
            return new ObjectMapper().readTree(rawJson());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Panels, including those nested in collapsed rows. */
    static List<JsonNode> panels() {
        List<JsonNode> out = new ArrayList<>();
        for (JsonNode panel : json().path("panels")) {
            out.add(panel);
            panel.path("panels").forEach(out::add);
        }
        return out;
    }

    /** Every PromQL expression of every panel target and of the template variables. */
    static List<String> expressions() {
        List<String> out = new ArrayList<>();
        for (JsonNode panel : panels()) {
            panel.path("targets").forEach(t -> out.add(t.path("expr").asText()));
        }
        for (JsonNode variable : json().path("templating").path("list")) {
            if (variable.path("type").asText().equals("query")) {
                // label_values(<selector>, <label>) is Grafana's; its first argument is PromQL.
                out.add(variable.path("definition").asText().replaceFirst("^label_values\\((.*),\\s*\\w+\\)$", "$1"));
            }
        }
        return out;
    }
}
