package io.storageprobe.operator.labels;

import java.util.Arrays;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * The value of the node annotation {@code storageprobe.io/managed-labels}: the label keys and
 * taints the operator put on the node, comma-separated and sorted. Label entries are the key;
 * taint entries are {@code taint:<key>=<probe>:<effect>}. Only what is listed here is ever removed.
 */
public record ManagedKeys(Set<String> entries) {
    private static final String TAINT_PREFIX = "taint:";

    public static ManagedKeys parse(String annotation) {
        Set<String> entries = new TreeSet<>();
        if (annotation != null) {
            Arrays.stream(annotation.split(","))
                    .map(String::trim)
                    .filter(s -> !s.isEmpty())
                    .forEach(entries::add);
        }
        return new ManagedKeys(entries);
    }

    public static String taintEntry(String key, String value, String effect) {
        return TAINT_PREFIX + key + "=" + value + ":" + effect;
    }

    public boolean owns(String entry) {
        return entries.contains(entry);
    }

    public String format() {
        return entries.stream().sorted().collect(Collectors.joining(","));
    }
}
