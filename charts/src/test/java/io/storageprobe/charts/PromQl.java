package io.storageprobe.charts;

import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Pulls the metric names out of a PromQL expression. Not a parser: it strips what cannot be a
 * metric name (strings, label matchers, ranges, label lists of by/on/group_left...), and what
 * is left that is an identifier and not a function call, keyword or number is a metric name.
 */
final class PromQl {
    private static final Set<String> KEYWORDS = Set.of(
            "and",
            "or",
            "unless",
            "by",
            "without",
            "on",
            "ignoring",
            "group_left",
            "group_right",
            "bool",
            "offset",
            "inf",
            "nan");
    private static final Pattern STRING = Pattern.compile("\"(?:[^\"\\\\]|\\\\.)*\"|'(?:[^'\\\\]|\\\\.)*'");
    private static final Pattern BRACES = Pattern.compile("\\{[^{}]*}");
    private static final Pattern RANGE = Pattern.compile("\\[[^\\]]*]");
    private static final Pattern LABEL_LIST =
            Pattern.compile("\\b(by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)");
    private static final Pattern IDENT = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");

    private static final Pattern SELECTOR = Pattern.compile("([a-zA-Z_:][a-zA-Z0-9_:]*)\\s*\\{([^}]*)}");
    private static final Pattern MATCHER = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)\\s*(=~|!~|!=|=)");

    private PromQl() {}

    /** metric -> label names its selectors match on, e.g. x{a="1",b=~"2"} gives x -> [a, b]. */
    static java.util.Map<String, Set<String>> selectorLabels(String expr) {
        java.util.Map<String, Set<String>> out = new java.util.TreeMap<>();
        Matcher m = SELECTOR.matcher(expr);
        while (m.find()) {
            // Label values are strings: blank them so an "=" inside a value is not read as a matcher.
            String matchers = STRING.matcher(m.group(2)).replaceAll("\"\"");
            Matcher lm = MATCHER.matcher(matchers);
            Set<String> labels = out.computeIfAbsent(m.group(1), k -> new TreeSet<>());
            while (lm.find()) {
                labels.add(lm.group(1));
            }
        }
        return out;
    }

    /** Label names listed in by/without/on/ignoring/group_left/group_right clauses. */
    static Set<String> groupingLabels(String expr) {
        Set<String> out = new TreeSet<>();
        Matcher m = LABEL_LIST.matcher(STRING.matcher(expr).replaceAll("\"\""));
        while (m.find()) {
            String list =
                    m.group().substring(m.group().indexOf('(') + 1, m.group().length() - 1);
            for (String label : list.split(",")) {
                if (!label.isBlank()) {
                    out.add(label.strip());
                }
            }
        }
        return out;
    }

    static Set<String> metricNames(String expr) {
        String s = STRING.matcher(expr).replaceAll("\"\"");
        s = BRACES.matcher(s).replaceAll(" ");
        s = RANGE.matcher(s).replaceAll(" ");
        s = LABEL_LIST.matcher(s).replaceAll(" ");
        Set<String> names = new TreeSet<>();
        Matcher m = IDENT.matcher(s);
        while (m.find()) {
            String ident = m.group();
            boolean partOfNumberOrVariable = m.start() > 0
                    && (Character.isDigit(s.charAt(m.start() - 1))
                            || s.charAt(m.start() - 1) == '$'
                            || s.charAt(m.start() - 1) == '.');
            boolean call = s.substring(m.end()).stripLeading().startsWith("(");
            if (!partOfNumberOrVariable && !call && !KEYWORDS.contains(ident.toLowerCase())) {
                names.add(ident);
            }
        }
        return names;
    }
}
