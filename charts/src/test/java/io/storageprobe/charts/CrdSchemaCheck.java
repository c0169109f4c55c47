package io.storageprobe.charts;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The structural part of what the API server checks against a CRD's openAPIV3Schema: unknown
 * fields, types, enums, patterns, maxItems. CEL rules (x-kubernetes-validations) are not
 * evaluated here; the operator module's tests cover them.
 */
final class CrdSchemaCheck {
    private CrdSchemaCheck() {}

    static List<String> problems(JsonNode value, JsonNode schema) {
        List<String> out = new ArrayList<>();
        check("", value, schema, out);
        return out;
    }

    private static void check(String path, JsonNode value, JsonNode schema, List<String> out) {
        if (schema.path("x-kubernetes-int-or-string").asBoolean()) {
            if (!value.isInt() && !value.isTextual()) {
                out.add(path + ": not an int or string");
            }
            return;
        }
        String type = schema.path("type").asText();
        switch (type) {
            case "object" -> {
                if (!value.isObject()) {
                    out.add(path + ": not an object");
                    return;
                }
                for (Iterator<Map.Entry<String, JsonNode>> it = value.fields(); it.hasNext(); ) {
                    Map.Entry<String, JsonNode> f = it.next();
                    JsonNode child = schema.path("properties").path(f.getKey());
                    if (child.isMissingNode()) {
                        child = schema.path("additionalProperties");
                    }
                    if (child.isMissingNode() || child.isBoolean()) {
                        if (!schema.path("x-kubernetes-preserve-unknown-fields").asBoolean()) {
                            out.add(path + "." + f.getKey() + ": unknown field (the API server would drop it)");
                        }
                        continue;
                    }
                    check(path + "." + f.getKey(), f.getValue(), child, out);
                }
            }
            case "array" -> {
                if (!value.isArray()) {
                    out.add(path + ": not an array");
                    return;
                }
                if (schema.has("maxItems")
                        && value.size() > schema.path("maxItems").asInt()) {
                    out.add(path + ": more than " + schema.path("maxItems").asInt() + " items");
                }
                for (int i = 0; i < value.size(); i++) {
                    check(path + "[" + i + "]", value.get(i), schema.path("items"), out);
                }
            }
            case "string" -> {
                if (!value.isTextual()) {
                    out.add(path + ": not a string");
                    return;
                }
                if (schema.has("pattern")
                        && !Pattern.compile(schema.path("pattern").asText())
                                .matcher(value.asText())
                                .find()) {
                    out.add(path + ": '" + value.asText() + "' does not match "
                            + schema.path("pattern").asText());
                }
            }
            case "boolean" -> {
                if (!value.isBoolean()) {
                    out.add(path + ": not a boolean");
                }
            }
            case "integer" -> {
                if (!value.isIntegralNumber()) {
                    out.add(path + ": not an integer");
                }
            }
            default -> {}
        }
        if (schema.has("enum")) {
            boolean listed = false;
            for (JsonNode allowed : schema.path("enum")) {
                listed |= allowed.equals(value);
            }
            if (!listed) {
                out.add(path + ": " + value + " not in " + schema.path("enum"));
            }
        }
    }
}
