package io.storageprobe.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonClassDescription;

/**
 * What the crd-generator (fabric8 7.5.2) cannot write at a CRD's schema root, added to the
 * generated text: the kind's description, from its {@link JsonClassDescription} (the generator
 * ignores it there, fabric8io/kubernetes-client#7375), so that {@code kubectl explain <kind>}
 * says what the kind is; and, for a kind without a status type ({@code Void}), no {@code status}
 * property, which the generator writes as an empty object nobody fills.
 */
final class TopLevelSchema {
    private static final String ROOT = "      openAPIV3Schema:\n";
    private static final String EMPTY_STATUS = "          status:\n            type: \"object\"\n";

    private TopLevelSchema() {}

    static String edit(String crdYaml, Class<?> resource, boolean hasStatus) {
        String yaml = crdYaml;
        JsonClassDescription description = resource.getAnnotation(JsonClassDescription.class);
        if (description != null && yaml.contains(ROOT)) {
            yaml = yaml.replace(
                    ROOT,
                    ROOT + "        description: \""
                            + description.value().replace("\\", "\\\\").replace("\"", "\\\"") + "\"\n");
        }
        if (!hasStatus) {
            yaml = yaml.replace(EMPTY_STATUS, "");
        }
        return yaml;
    }
}
