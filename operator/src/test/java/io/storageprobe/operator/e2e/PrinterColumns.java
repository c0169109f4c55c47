package io.storageprobe.operator.e2e;

import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceColumnDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What {@code kubectl get} prints for an object: the CRD's printer columns evaluated on it. Only
 * the JSONPath forms our CRDs use are understood ({@code .a.b} and {@code .list[?(@.k=="v")].f});
 * anything else fails, so a column whose path does not resolve shows up as a test failure.
 */
final class PrinterColumns {
    private static final Pattern FILTER = Pattern.compile("^(\\w+)\\[\\?\\(@\\.(\\w+)==\"([^\"]*)\"\\)\\]$");
    private final List<CustomResourceColumnDefinition> columns;

    PrinterColumns(Path crdFile) throws IOException {
        try (InputStream in = Files.newInputStream(crdFile)) {
            CustomResourceDefinition crd = new KubernetesSerialization().unmarshal(in, CustomResourceDefinition.class);
            columns = crd.getSpec().getVersions().get(0).getAdditionalPrinterColumns();
        }
    }

    List<String> header() {
        List<String> h = new ArrayList<>(List.of("NAME"));
        columns.forEach(c -> h.add(c.getName().toUpperCase()));
        return h;
    }

    /** The row of {@code object}; a date column shows "set" rather than an age, which depends on the clock. */
    List<String> row(Map<String, Object> object) {
        List<String> row = new ArrayList<>();
        row.add(String.valueOf(((Map<?, ?>) object.get("metadata")).get("name")));
        for (CustomResourceColumnDefinition c : columns) {
            Object value = evaluate(object, c.getJsonPath());
            row.add(value == null ? "" : c.getType().equals("date") ? "set" : String.valueOf(value));
        }
        return row;
    }

    private static Object evaluate(Object root, String path) {
        Object current = root;
        for (String step : path.substring(1).split("\\.(?![^\\[]*\\])")) {
            Matcher filter = FILTER.matcher(step);
            if (filter.matches()) {
                Object list = ((Map<?, ?>) current).get(filter.group(1));
                current = list == null
                        ? null
                        : ((List<?>) list)
                                .stream()
                                        .filter(e -> filter.group(3)
                                                .equals(String.valueOf(((Map<?, ?>) e).get(filter.group(2)))))
                                        .findFirst()
                                        .orElse(null);
            } else if (step.matches("\\w+")) {
                current = current instanceof Map<?, ?> m ? m.get(step) : null;
            } else {
                throw new IllegalArgumentException("unsupported JSONPath step '" + step + "' in " + path);
            }
            if (current == null) {
                return null;
            }
        }
        return current;
    }

    static String format(List<List<String>> rows) {
        int[] widths = new int[rows.get(0).size()];
        rows.forEach(r -> {
            for (int i = 0; i < r.size(); i++) {
                widths[i] = Math.max(widths[i], r.get(i).length());
            }
        });
        StringBuilder out = new StringBuilder();
        for (List<String> r : rows) {
            for (int i = 0; i < r.size(); i++) {
                out.append(String.format("%-" + (widths[i] + 3) + "s", r.get(i)));
            }
            out.append('\n');
        }
        return out.toString();
    }
}
