package io.storageprobe.operator.schema;

import com.networknt.schema.Error;
import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import dev.cel.bundle.Cel;
import dev.cel.bundle.CelFactory;
import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.types.SimpleType;
import dev.cel.parser.CelStandardMacro;
import dev.cel.runtime.CelEvaluationException;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaProps;
import io.fabric8.kubernetes.api.model.apiextensions.v1.ValidationRule;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Validates objects against a generated CRD the way the API server would before storing them:
 * the OpenAPI schema (networknt, draft 4 keywords, which is what CRD schemas use) and then every
 * {@code x-kubernetes-validations} CEL rule (cel-java) with {@code self} bound to the value at the
 * rule's place. The mock API server does neither, so this is how the tests know the CRD rejects
 * what it should. Messages name the field as the API server does: {@code spec.interval: ...}.
 */
public final class CrdSchemaValidator {
    private final JSONSchemaProps root;
    private final Schema schema;
    private final KubernetesSerialization serialization = new KubernetesSerialization();
    private final Cel cel = CelFactory.standardCelBuilder()
            .setStandardMacros(CelStandardMacro.STANDARD_MACROS)
            .addVar("self", SimpleType.DYN)
            .build();

    public CrdSchemaValidator(Path crdFile) throws IOException {
        try (InputStream in = Files.newInputStream(crdFile)) {
            CustomResourceDefinition crd = serialization.unmarshal(in, CustomResourceDefinition.class);
            root = crd.getSpec().getVersions().get(0).getSchema().getOpenAPIV3Schema();
        }
        schema = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_4)
                .getSchema(serialization.asJson(root), InputFormat.JSON);
    }

    /** The problems with {@code object} (a whole custom resource as maps and lists); empty when it is valid. */
    public List<String> validate(Map<String, Object> object) {
        List<String> problems = new ArrayList<>();
        for (Error e : schema.validate(serialization.asJson(object), InputFormat.JSON)) {
            problems.add(path(e.getInstanceLocation().toString()) + ": " + e.getMessage());
        }
        if (problems.isEmpty()) {
            // The API server evaluates CEL rules only on values that passed the schema.
            evaluateRules(root, object, "", problems);
        }
        return problems;
    }

    /**
     * Fields of {@code object} the schema does not declare: the API server would silently prune
     * them, so whatever the code put there would be lost on the way.
     */
    public List<String> unknownFields(Map<String, Object> object) {
        List<String> unknown = new ArrayList<>();
        collectUnknown(root, object, "", unknown);
        return unknown;
    }

    private static void collectUnknown(JSONSchemaProps props, Object value, String path, List<String> unknown) {
        if (props == null || value == null || Boolean.TRUE.equals(props.getXKubernetesPreserveUnknownFields())) {
            return;
        }
        if (value instanceof Map<?, ?> map) {
            if (props.getProperties() == null || props.getProperties().isEmpty()) {
                if (props.getAdditionalProperties() != null
                        && props.getAdditionalProperties().getSchema() != null) {
                    map.forEach((k, v) ->
                            collectUnknown(props.getAdditionalProperties().getSchema(), v, path + "." + k, unknown));
                }
                return;
            }
            map.forEach((k, v) -> {
                String key = String.valueOf(k);
                boolean objectMeta =
                        path.isEmpty() && (key.equals("metadata") || key.equals("apiVersion") || key.equals("kind"));
                if (!props.getProperties().containsKey(key) && !objectMeta) {
                    unknown.add((path + "." + key).substring(1));
                } else if (!objectMeta) {
                    collectUnknown(props.getProperties().get(key), v, path + "." + key, unknown);
                }
            });
        }
        if (value instanceof List<?> list
                && props.getItems() != null
                && props.getItems().getSchema() != null) {
            for (int i = 0; i < list.size(); i++) {
                collectUnknown(props.getItems().getSchema(), list.get(i), path + "[" + i + "]", unknown);
            }
        }
    }

    @SuppressWarnings("unchecked")
    private void evaluateRules(JSONSchemaProps props, Object value, String path, List<String> problems) {
        if (value == null || props == null) {
            return;
        }
        for (ValidationRule rule : props.getXKubernetesValidations() == null
                ? List.<ValidationRule>of()
                : props.getXKubernetesValidations()) {
            if (!holds(rule.getRule(), value)) {
                String field = path + (rule.getFieldPath() == null ? "" : rule.getFieldPath());
                problems.add(
                        (field.isEmpty() ? "<root>" : field.substring(1)) + ": Invalid value: " + rule.getMessage());
            }
        }
        if (value instanceof Map<?, ?> map && props.getProperties() != null) {
            props.getProperties()
                    .forEach((name, child) -> evaluateRules(child, map.get(name), path + "." + name, problems));
        }
        if (value instanceof List<?> list
                && props.getItems() != null
                && props.getItems().getSchema() != null) {
            for (int i = 0; i < list.size(); i++) {
                evaluateRules(props.getItems().getSchema(), list.get(i), path + "[" + i + "]", problems);
            }
        }
    }

    private boolean holds(String expression, Object self) {
        try {
            CelAbstractSyntaxTree ast = cel.compile(expression).getAst();
            Object result = cel.createProgram(ast).eval(Map.of("self", celValue(self)));
            return Boolean.TRUE.equals(result);
        } catch (CelEvaluationException e) {
            return false; // as in the API server: a rule that cannot be evaluated rejects the object
        } catch (dev.cel.common.CelValidationException e) {
            throw new IllegalStateException("CEL rule does not compile: " + expression + ": " + e.getMessage(), e);
        }
    }

    /** JSON numbers become CEL ints (long), as the API server's CEL sees them. */
    @SuppressWarnings("unchecked")
    private static Object celValue(Object v) {
        if (v instanceof Integer i) {
            return i.longValue();
        }
        if (v instanceof Map<?, ?> m) {
            Map<String, Object> out = new java.util.LinkedHashMap<>();
            ((Map<String, Object>) m).forEach((k, x) -> out.put(k, celValue(x)));
            return out;
        }
        if (v instanceof List<?> l) {
            return l.stream().map(CrdSchemaValidator::celValue).toList();
        }
        return v;
    }

    /** The JSON pointer {@code /spec/tolerations/0/key} becomes {@code spec.tolerations[0].key}. */
    private static String path(String pointer) {
        StringBuilder out = new StringBuilder();
        for (String part : pointer.split("/")) {
            if (part.isEmpty()) {
                continue;
            }
            if (part.chars().allMatch(Character::isDigit)) {
                out.append('[').append(part).append(']');
            } else {
                out.append(out.length() == 0 ? "" : ".")
                        .append(part.replace("~1", "/").replace("~0", "~"));
            }
        }
        return out.length() == 0 ? "<root>" : out.toString();
    }
}
