package io.storageprobe.operator.labels;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.storageprobe.api.result.Verdict;
import io.storageprobe.api.v1alpha1.NodeActions;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The JSON patch the labeler sends from its cached node: only our keys, and the cached resourceVersion as precondition. */
class NodeLabelerPatchTest {
    private static final NodeActions TAINT = new NodeActions(true, NodeActions.TaintAction.NoSchedule);

    @Test
    void patchesOnlyOurKeysWithTheCachedResourceVersion() throws Exception {
        Node node = node().build();
        assertThat(ops(node, NodeLabelPlan.plan(node, "p1", Verdict.Compatible, TAINT)))
                .containsExactly(
                        "replace /metadata/resourceVersion \"42\"",
                        "add /metadata/labels/verdict.storageprobe.io~1p1 \"Compatible\"",
                        "add /metadata/annotations/storageprobe.io~1managed-labels \"verdict.storageprobe.io/p1\"");
    }

    @Test
    void addsTheWholeMapsToANodeWithoutLabelsOrAnnotations() throws Exception {
        // As fabric8 reads a node whose JSON has no labels and no annotations: empty maps, not null.
        Node bare = new NodeBuilder()
                .withNewMetadata()
                .withName("n1")
                .withResourceVersion("42")
                .endMetadata()
                .withNewSpec()
                .endSpec()
                .build();
        assertThat(bare.getMetadata().getLabels()).isEmpty();
        assertThat(ops(bare, NodeLabelPlan.plan(bare, "p1", Verdict.Compatible, TAINT)))
                .containsExactly(
                        "replace /metadata/resourceVersion \"42\"",
                        "add /metadata/labels {\"verdict.storageprobe.io/p1\":\"Compatible\"}",
                        "add /metadata/annotations {\"storageprobe.io/managed-labels\":\"verdict.storageprobe.io/p1\"}");
    }

    @Test
    void taintsAffectedNodesAndRemovesOnlyOurEntries() throws Exception {
        Node node = node().build();
        NodeLabelPlan affected = NodeLabelPlan.plan(node, "p1", Verdict.Affected, TAINT);
        assertThat(ops(node, affected))
                .contains(
                        "add /spec/taints [{\"effect\":\"NoSchedule\",\"key\":\"storageprobe.io/affected\",\"value\":\"p1\"}]");

        Node labelled = node().editMetadata()
                .addToLabels(affected.labels())
                .addToAnnotations("storageprobe.io/managed-labels", affected.annotation())
                .endMetadata()
                .editSpec()
                .withTaints(affected.taints())
                .endSpec()
                .build();
        assertThat(ops(labelled, NodeLabelPlan.plan(labelled, "p1", null, TAINT)))
                .containsExactly(
                        "replace /metadata/resourceVersion \"42\"",
                        "remove /metadata/labels/verdict.storageprobe.io~1p1",
                        "remove /metadata/annotations/storageprobe.io~1managed-labels",
                        "remove /spec/taints");
    }

    private static List<String> ops(Node node, NodeLabelPlan plan) throws Exception {
        List<String> ops = new ArrayList<>();
        for (JsonNode op : new ObjectMapper().readTree(NodeLabeler.jsonPatch(node, plan))) {
            ops.add(op.get("op").asText() + " " + op.get("path").asText()
                    + (op.has("value") ? " " + op.get("value") : ""));
        }
        return ops;
    }

    private static NodeBuilder node() {
        return new NodeBuilder()
                .withNewMetadata()
                .withName("n1")
                .withResourceVersion("42")
                .addToLabels("team", "storage")
                .addToAnnotations("owner", "someone")
                .endMetadata()
                .withNewSpec()
                .endSpec();
    }
}
