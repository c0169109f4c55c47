package io.storageprobe.operator.schema;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.StatusCause;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.storageprobe.operator.cluster.RealApiServer;
import io.storageprobe.operator.cluster.TestCluster;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every malformed StorageProbe of {@link StorageProbeCrdValidationTest} sent to the real API
 * server, the CRD served by apiextensions-apiserver 1.36 (OpenAPI schema and CEL rules): each
 * is refused with 422 and a cause naming the field, as a user's kubectl apply would be.
 */
@ExtendWith(RealApiServer.class)
class MalformedStorageProbesRealIT {
    private final KubernetesClient admin;

    MalformedStorageProbesRealIT(TestCluster cluster) {
        this.admin = cluster.admin();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.storageprobe.operator.schema.StorageProbeCrdValidationTest#malformed")
    void theServerRejectsItNamingTheField(String what, String name, Map<String, Object> spec, String field) {
        KubernetesClientException refused =
                catchThrowableOfType(KubernetesClientException.class, () -> create(name, spec));
        assertThat(refused).as("%s: accepted by the server", what).isNotNull();
        assertThat(refused.getCode()).as(what).isEqualTo(422);
        List<StatusCause> causes = refused.getStatus().getDetails().getCauses();
        System.out.println(what + " -> "
                + causes.stream().map(c -> c.getField() + ": " + c.getMessage()).toList());
        assertThat(causes)
                .as("%s: a cause names %s", what, field)
                .anySatisfy(c -> assertThat(c.getField() + " " + c.getMessage()).contains(field));
    }

    @Test
    void theServerAcceptsAFullSpec() {
        Map<String, Object> spec = Map.of(
                "nodeSelector", Map.of("kubernetes.io/os", "linux"),
                "tolerations",
                        List.of(
                                Map.of("operator", "Exists"),
                                Map.of(
                                        "key",
                                        "dedicated",
                                        "operator",
                                        "Equal",
                                        "value",
                                        "vms",
                                        "effect",
                                        "NoExecute",
                                        "tolerationSeconds",
                                        30)),
                "targets",
                        Map.of(
                                "devices",
                                Map.of("include", List.of("nvme*n*"), "exclude", List.of("loop*")),
                                "paths",
                                List.of("/var/lib/kubelet"),
                                "files",
                                List.of("/var/lib/vm/disk.img")),
                "rules", List.of("qemu-legacy-dio", "dio-alignment-honest", "dio-not-buffered"),
                "interval", "1h30m",
                "nodeActions", Map.of("label", true, "taint", "PreferNoSchedule"),
                "agent",
                        Map.of(
                                "image",
                                "registry.example/storageprobe:0.1.0",
                                "priorityClassName",
                                "system-node-critical"));
        create("full-spec", spec);
        assertThat(admin.genericKubernetesResources("storageprobe.io/v1alpha1", "StorageProbe")
                        .withName("full-spec")
                        .get())
                .isNotNull();
        admin.genericKubernetesResources("storageprobe.io/v1alpha1", "StorageProbe")
                .withName("full-spec")
                .delete();
    }

    private void create(String name, Map<String, Object> spec) {
        GenericKubernetesResource probe = new GenericKubernetesResource();
        probe.setApiVersion("storageprobe.io/v1alpha1");
        probe.setKind("StorageProbe");
        probe.setMetadata(new io.fabric8.kubernetes.api.model.ObjectMetaBuilder()
                .withName(name)
                .build());
        probe.setAdditionalProperties(new HashMap<>(Map.of("spec", spec)));
        admin.resource(probe).create();
    }
}
