package io.storageprobe.operator.labels;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.storageprobe.api.result.Verdict;
import io.storageprobe.api.v1alpha1.NodeActions;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Nodes cached as metadata only: the plan needs no spec where this probe's taints stay as its
 * annotation entries say, and the node is read whole exactly where a taint must come or go.
 * (That the read and the patch work on a real API server: the taint tests of the real-server ITs.)
 */
class NodeTaintsTest {
    private static final NodeActions TAINT = new NodeActions(true, NodeActions.TaintAction.NoSchedule);
    private static final NodeActions LABEL_ONLY = new NodeActions(true, NodeActions.TaintAction.None);
    private final NodeTaints taints = new NodeTaints(null); // these cases never reach the API server

    private static Node metadataOnly(String managed) {
        NodeBuilder node = new NodeBuilder()
                .withNewMetadata()
                .withName("n1")
                .withResourceVersion("7")
                .addToLabels("verdict.storageprobe.io/p1", "Affected")
                .endMetadata();
        if (managed != null) {
            node.editMetadata()
                    .addToAnnotations("storageprobe.io/managed-labels", managed)
                    .endMetadata();
        }
        return node.build();
    }

    @Test
    void aNewTaintOrOneToRemoveNeedsTheWholeNode() {
        assertThat(taints.forPlanning(metadataOnly("verdict.storageprobe.io/p1"), "p1", Verdict.Affected, TAINT))
                .isNull();
        Node tainted = metadataOnly("taint:storageprobe.io/affected=p1:NoSchedule,verdict.storageprobe.io/p1");
        assertThat(taints.forPlanning(tainted, "p1", Verdict.Compatible, TAINT)).isNull();
        // Taints turned off in the probe: the taint it put there must go.
        assertThat(taints.forPlanning(tainted, "p1", Verdict.Affected, LABEL_ONLY))
                .isNull();
        // The probe deleted (no verdict): the same.
        assertThat(taints.forPlanning(tainted, "p1", null, null)).isNull();
        // Another effect: the old one goes, the new one comes.
        assertThat(taints.forPlanning(
                        tainted,
                        "p1",
                        Verdict.Affected,
                        new NodeActions(true, NodeActions.TaintAction.PreferNoSchedule)))
                .isNull();
    }

    @Test
    void aTaintAsTheAnnotationSaysNeedsNoSpecAndThePlanLeavesTheTaintsAlone() {
        Node tainted = metadataOnly("taint:storageprobe.io/affected=p1:NoSchedule,verdict.storageprobe.io/p1");
        Node planned = taints.forPlanning(tainted, "p1", Verdict.Affected, TAINT);
        assertThat(planned).isNotNull();
        NodeLabelPlan plan = NodeLabelPlan.plan(planned, "p1", Verdict.Affected, TAINT);
        assertThat(plan.changed()).isFalse();
        // Only the label changes: the patch has no taint operation (which would replace the node's list).
        Node untainted = metadataOnly(null);
        Node bare = taints.forPlanning(untainted, "p1", Verdict.Compatible, TAINT);
        NodeLabelPlan relabel = NodeLabelPlan.plan(bare, "p1", Verdict.Compatible, TAINT);
        assertThat(relabel.changed()).isTrue();
        assertThat(NodeLabeler.jsonPatch(bare, relabel))
                .doesNotContain("taints")
                .doesNotContain("/spec");
        // Another probe's taint entry is not this probe's concern.
        Node others = metadataOnly("taint:storageprobe.io/affected=p2:NoSchedule");
        assertThat(taints.forPlanning(others, "p1", Verdict.Compatible, TAINT)).isNotNull();
    }

    @Test
    void aNodeWithItsSpecIsPlannedAsItIs() {
        Node whole = new NodeBuilder(metadataOnly(null))
                .withNewSpec()
                .withTaints(List.of())
                .endSpec()
                .build();
        assertThat(taints.forPlanning(whole, "p1", Verdict.Affected, TAINT)).isSameAs(whole);
    }
}
