package io.storageprobe.operator.e2e;

import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The metric families of a Prometheus text scrape as {@code <name> <type> <labels>} lines, the
 * format of the chart's metric-names.txt, so that what a running process exports can be compared
 * with design.md section 5. Histogram series (_bucket, _sum, _count, label le) fold into their family.
 */
final class MetricCatalog {
    private static final Pattern TYPE = Pattern.compile("^# TYPE (\\S+) (\\S+)$");
    private static final Pattern SAMPLE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{(.*)})? .*$");
    private static final Pattern LABEL = Pattern.compile("(\\w+)=\"(?:[^\"\\\\]|\\\\.)*\"");

    private MetricCatalog() {}

    /** Families whose name starts with {@code prefix}, one line each, sorted. */
    static Set<String> of(String scrape, String prefix) {
        Map<String, String> types = new TreeMap<>();
        Map<String, Set<String>> labels = new TreeMap<>();
        for (String line : scrape.split("\n")) {
            Matcher type = TYPE.matcher(line);
            if (type.matches() && type.group(1).startsWith(prefix)) {
                types.put(type.group(1), type.group(2));
                continue;
            }
            Matcher sample = SAMPLE.matcher(line);
            if (line.startsWith("#") || !sample.matches() || !sample.group(1).startsWith(prefix)) {
                continue;
            }
            String family = family(sample.group(1), types);
            Set<String> keys = labels.computeIfAbsent(family, k -> new TreeSet<>());
            if (sample.group(3) != null) {
                Matcher l = LABEL.matcher(sample.group(3));
                while (l.find()) {
                    if (!l.group(1).equals("le")) {
                        keys.add(l.group(1));
                    }
                }
            }
        }
        Set<String> out = new TreeSet<>();
        labels.forEach((name, keys) ->
                out.add(name + " " + types.getOrDefault(name, "untyped") + " " + String.join(",", keys)));
        return out;
    }

    private static String family(String sample, Map<String, String> types) {
        for (String suffix : new String[] {"_bucket", "_sum", "_count", "_max"}) {
            if (sample.endsWith(suffix) && types.containsKey(sample.substring(0, sample.length() - suffix.length()))) {
                return sample.substring(0, sample.length() - suffix.length());
            }
        }
        return sample;
    }
}
