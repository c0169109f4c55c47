package io.storageprobe.operator.spec;

/**
 * What is wrong with a spec the schema let through.
 *
 * @param field   the JSON path of the offending field, e.g. {@code spec.interval}
 * @param message a sentence naming the field and the problem
 */
public record SpecProblem(String field, String message) {
    public static SpecProblem of(String field, String problem) {
        return new SpecProblem(field, field + ": " + problem);
    }
}
