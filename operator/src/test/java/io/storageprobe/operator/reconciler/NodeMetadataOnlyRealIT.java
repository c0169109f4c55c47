package io.storageprobe.operator.reconciler;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.storageprobe.operator.cluster.RealApiServer;
import io.storageprobe.operator.cluster.TestCluster;
import io.storageprobe.operator.e2e.LinuxNodes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * On a real API server, the node metadata client's patch is answered with the node's metadata
 * (no spec, no status) and read without managedFields, while the same node read whole has them:
 * what the labelling of a large fleet saves on every patch (docs/performance.md).
 */
@ExtendWith(RealApiServer.class)
class NodeMetadataOnlyRealIT {
    private final KubernetesClient admin;

    NodeMetadataOnlyRealIT(TestCluster cluster) {
        this.admin = cluster.admin();
    }

    @Test
    void aNodePatchIsAnsweredWithItsMetadataReadWithoutManagedFields() {
        Node created = admin.nodes()
                .resource(LinuxNodes.named("metadata-only").build())
                .create();
        try (KubernetesClient metadata = NodeMetadataOnly.client(admin)) {
            Node answer = metadata.nodes()
                    .resource(created)
                    .patch(
                            PatchContext.of(PatchType.JSON),
                            "[{\"op\":\"add\",\"path\":\"/metadata/labels/storageprobe.io~1test\",\"value\":\"x\"}]");

            assertThat(answer.getMetadata().getLabels()).containsEntry("storageprobe.io/test", "x");
            assertThat(answer.getMetadata().getResourceVersion())
                    .isNotEqualTo(created.getMetadata().getResourceVersion());
            assertThat(answer.getSpec()).isNull();
            assertThat(answer.getStatus()).isNull();
            assertThat(answer.getMetadata().getManagedFields()).isEmpty();
            Node whole = admin.nodes().withName("metadata-only").get();
            assertThat(whole.getSpec()).isNotNull();
            assertThat(whole.getMetadata().getManagedFields()).isNotEmpty();
        } finally {
            admin.nodes().withName("metadata-only").delete();
        }
    }
}
