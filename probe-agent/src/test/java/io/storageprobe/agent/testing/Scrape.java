package io.storageprobe.agent.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A Prometheus text-format scrape, parsed into samples, and the chart's list of the agent's series. */
public record Scrape(List<Sample> samples) {
    private static final Pattern SAMPLE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\\{(.*)})? (\\S+)$");
    private static final Pattern LABEL = Pattern.compile("(\\w+)=\"((?:[^\"\\\\]|\\\\.)*)\",?");

    public record Sample(String name, Map<String, String> labels, double value) {}

    /** An entry of charts/src/test/resources/metric-names.txt. */
    public record Listed(String name, String type, Set<String> labels) {
        /** The series names and label sets the metric appears as in a scrape. */
        public Map<String, Set<String>> series() {
            Map<String, Set<String>> out = new LinkedHashMap<>();
            if (type.equals("histogram")) {
                Set<String> withLe = new TreeSet<>(labels);
                withLe.add("le");
                out.put(name + "_bucket", withLe);
                out.put(name + "_sum", labels);
                out.put(name + "_count", labels);
            } else {
                out.put(name, labels);
            }
            return out;
        }
    }

    public static Scrape parse(String text) {
        List<Sample> samples = new ArrayList<>();
        for (String line : text.split("\n")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            Matcher m = SAMPLE.matcher(line);
            if (!m.matches()) {
                throw new IllegalArgumentException("not a sample line: " + line);
            }
            Map<String, String> labels = new LinkedHashMap<>();
            if (m.group(2) != null) {
                Matcher l = LABEL.matcher(m.group(2));
                while (l.find()) {
                    labels.put(l.group(1), l.group(2));
                }
            }
            samples.add(new Sample(m.group(1), labels, Double.parseDouble(m.group(3))));
        }
        return new Scrape(samples);
    }

    public List<Sample> named(String name) {
        return samples.stream().filter(s -> s.name().equals(name)).toList();
    }

    /** The one sample with this name whose labels include {@code match}. */
    public double value(String name, Map<String, String> match) {
        List<Sample> found = named(name).stream()
                .filter(s -> s.labels().entrySet().containsAll(match.entrySet()))
                .toList();
        if (found.size() != 1) {
            throw new AssertionError(found.size() + " samples of " + name + " with " + match + " in " + samples);
        }
        return found.get(0).value();
    }

    /** The agent's entries of the chart's metric list: those labelled node (design.md section 5). */
    public static List<Listed> agentMetricNames() throws IOException {
        Path file = Path.of("..", "charts", "src", "test", "resources", "metric-names.txt");
        List<Listed> out = new ArrayList<>();
        for (String line : Files.readAllLines(file)) {
            String l = line.replaceFirst("#.*", "").strip();
            if (l.isEmpty()) {
                continue;
            }
            String[] f = l.split("\\s+");
            Set<String> labels = new TreeSet<>(List.of(f[2].split(",")));
            if (labels.contains("node")) {
                out.add(new Listed(f[0], f[1], labels));
            }
        }
        return out;
    }
}
