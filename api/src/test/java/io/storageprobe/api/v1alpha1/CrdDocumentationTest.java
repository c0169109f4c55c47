package io.storageprobe.api.v1alpha1;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaProps;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every field of both CRDs has a description, which is what {@code kubectl explain} shows. One
 * exception: a result's empty status, which the crd-generator emits for the Void status type
 * without taking a description (there is nothing in it to explain).
 */
class CrdDocumentationTest {
    private static final Path CHECKED_IN = Path.of(System.getProperty("storageprobe.crds.dir", "../crds"));

    @ParameterizedTest
    @ValueSource(strings = {"storageprobes.storageprobe.io.yaml", "storageproberesults.storageprobe.io.yaml"})
    void everyFieldIsDocumented(String file) throws IOException {
        JSONSchemaProps root;
        try (InputStream in = Files.newInputStream(CHECKED_IN.resolve(file))) {
            root = new KubernetesSerialization()
                    .unmarshal(in, CustomResourceDefinition.class)
                    .getSpec()
                    .getVersions()
                    .get(0)
                    .getSchema()
                    .getOpenAPIV3Schema();
        }
        List<String> undocumented = new ArrayList<>();
        walk(root, "", undocumented);
        assertThat(undocumented).as("fields without a description in %s", file).isEmpty();
    }

    private static void walk(JSONSchemaProps props, String path, List<String> undocumented) {
        if (props.getProperties() != null) {
            props.getProperties().forEach((name, child) -> {
                String childPath = path + "." + name;
                boolean emptyPlaceholder = childPath.equals(".status")
                        && (child.getProperties() == null
                                || child.getProperties().isEmpty());
                if ((child.getDescription() == null || child.getDescription().isBlank()) && !emptyPlaceholder) {
                    undocumented.add(childPath.substring(1));
                }
                walk(child, childPath, undocumented);
            });
        }
        if (props.getItems() != null && props.getItems().getSchema() != null) {
            walk(props.getItems().getSchema(), path + "[]", undocumented);
        }
    }
}
