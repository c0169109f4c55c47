package io.storageprobe.operator.labels;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.storageprobe.api.result.Verdict;
import io.storageprobe.api.v1alpha1.NodeActions;
import org.junit.jupiter.api.Test;

/** The merge patch the labeler sends from its cached node: only our keys, and the cached resourceVersion as precondition. */
class NodeLabelerPatchTest {
    private static final NodeActions TAINT = new NodeActions(true, NodeActions.TaintAction.NoSchedule);

    @Test
    void patchesOnlyOurKeysWithTheCachedResourceVersion() throws Exception {
        Node node = node().build();
        JsonNode patch = patch(node, NodeLabelPlan.plan(node, "p1", Verdict.Compatible, TAINT));
        assertThat(patch.at("/metadata/resourceVersion").asText()).isEqualTo("42");
        assertThat(patch.at("/metadata/labels").size()).isEqualTo(1);
        assertThat(patch.at("/metadata/labels/verdict.storageprobe.io~1p1").asText()).isEqualTo("Compatible");
        assertThat(patch.at("/metadata/annotations/storageprobe.io~1managed-labels").asText()).isEqualTo("verdict.storageprobe.io/p1");
        assertThat(patch.has("spec")).as("taints untouched").isFalse();
    }

    @Test
    void taintsAffectedNodesAndRemovesOurEntriesWithNulls() throws Exception {
        Node node = node().build();
        NodeLabelPlan affected = NodeLabelPlan.plan(node, "p1", Verdict.Affected, TAINT);
        JsonNode taint = patch(node, affected);
        assertThat(taint.at("/spec/taints/0/key").asText()).isEqualTo("storageprobe.io/affected");
        assertThat(taint.at("/spec/taints/0/effect").asText()).isEqualTo("NoSchedule");

        Node labelled = node().editMetadata().addToLabels(affected.labels())
                .addToAnnotations("storageprobe.io/managed-labels", affected.annotation()).endMetadata()
                .editSpec().withTaints(affected.taints()).endSpec().build();
        JsonNode removal = patch(labelled, NodeLabelPlan.plan(labelled, "p1", null, TAINT));
        assertThat(removal.at("/metadata/labels/verdict.storageprobe.io~1p1").isNull()).isTrue();
        assertThat(removal.at("/metadata/labels").has("team")).isFalse();
        assertThat(removal.at("/metadata/annotations/storageprobe.io~1managed-labels").isNull()).isTrue();
        assertThat(removal.at("/spec/taints").isNull()).isTrue();
    }

    private static JsonNode patch(Node node, NodeLabelPlan plan) throws Exception {
        return new ObjectMapper().readTree(NodeLabeler.mergePatch(node, plan));
    }

    private static NodeBuilder node() {
        return new NodeBuilder().withNewMetadata().withName("n1").withResourceVersion("42").addToLabels("team", "storage")
                .endMetadata().withNewSpec().endSpec();
    }
}
