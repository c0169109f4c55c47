package io.storageprobe.operator.labels;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.TaintBuilder;
import io.storageprobe.api.result.Verdict;
import io.storageprobe.api.v1alpha1.NodeActions;
import org.junit.jupiter.api.Test;

/** The operator touches only the label and taint keys it owns, and records them on the node. */
class NodeLabelPlanTest {
    private static final NodeActions LABEL_ONLY = new NodeActions(true, NodeActions.TaintAction.None);
    private static final NodeActions TAINT = new NodeActions(true, NodeActions.TaintAction.NoSchedule);

    @Test
    void labelsTheVerdictAndRecordsTheKey() {
        NodeLabelPlan plan = NodeLabelPlan.plan(node().build(), "p1", Verdict.Compatible, LABEL_ONLY);
        assertThat(plan.changed()).isTrue();
        assertThat(plan.labels())
                .containsEntry("verdict.storageprobe.io/p1", "Compatible")
                .containsEntry("team", "storage");
        assertThat(plan.annotation()).isEqualTo("verdict.storageprobe.io/p1");
        assertThat(plan.taints()).isEmpty();
    }

    @Test
    void nothingChangesWhenTheNodeAlreadyCarriesTheVerdict() {
        Node labelled = node().editMetadata()
                .addToLabels("verdict.storageprobe.io/p1", "Compatible")
                .addToAnnotations("storageprobe.io/managed-labels", "verdict.storageprobe.io/p1")
                .endMetadata()
                .build();
        assertThat(NodeLabelPlan.plan(labelled, "p1", Verdict.Compatible, LABEL_ONLY)
                        .changed())
                .isFalse();
    }

    @Test
    void taintsOnlyAffectedNodesAndRemovesTheTaintWhenTheyRecover() {
        NodeLabelPlan affected = NodeLabelPlan.plan(node().build(), "p1", Verdict.Affected, TAINT);
        assertThat(affected.taints()).singleElement().satisfies(t -> {
            assertThat(t.getKey()).isEqualTo("storageprobe.io/affected");
            assertThat(t.getValue()).isEqualTo("p1");
            assertThat(t.getEffect()).isEqualTo("NoSchedule");
        });
        assertThat(affected.annotation())
                .isEqualTo("taint:storageprobe.io/affected=p1:NoSchedule,verdict.storageprobe.io/p1");

        Node tainted = node().editMetadata()
                .addToLabels(affected.labels())
                .addToAnnotations("storageprobe.io/managed-labels", affected.annotation())
                .endMetadata()
                .editSpec()
                .withTaints(affected.taints())
                .endSpec()
                .build();
        NodeLabelPlan recovered = NodeLabelPlan.plan(tainted, "p1", Verdict.Compatible, TAINT);
        assertThat(recovered.taints()).isEmpty();
        assertThat(recovered.labels()).containsEntry("verdict.storageprobe.io/p1", "Compatible");
        assertThat(recovered.annotation()).isEqualTo("verdict.storageprobe.io/p1");
    }

    @Test
    void leavesKeysItDoesNotOwnAlone() {
        // A human put the same label key and an affected taint there; the annotation does not list them.
        Node foreign = node().editMetadata()
                .addToLabels("verdict.storageprobe.io/p1", "Compatible")
                .endMetadata()
                .editSpec()
                .addToTaints(new TaintBuilder()
                        .withKey("storageprobe.io/affected")
                        .withValue("p1")
                        .withEffect("NoSchedule")
                        .build())
                .endSpec()
                .build();
        NodeLabelPlan removal = NodeLabelPlan.plan(foreign, "p1", null, TAINT);
        assertThat(removal.labels()).containsEntry("verdict.storageprobe.io/p1", "Compatible");
        assertThat(removal.taints()).hasSize(1);
        assertThat(removal.changed()).isFalse();
    }

    @Test
    void removingOneProbeKeepsAnotherProbesEntries() {
        Node both = node().editMetadata()
                .addToLabels("verdict.storageprobe.io/p1", "Affected")
                .addToLabels("verdict.storageprobe.io/p2", "Compatible")
                .addToAnnotations(
                        "storageprobe.io/managed-labels", "verdict.storageprobe.io/p1,verdict.storageprobe.io/p2")
                .endMetadata()
                .build();
        NodeLabelPlan plan = NodeLabelPlan.plan(both, "p1", null, null);
        assertThat(plan.labels())
                .doesNotContainKey("verdict.storageprobe.io/p1")
                .containsEntry("verdict.storageprobe.io/p2", "Compatible");
        assertThat(plan.annotation()).isEqualTo("verdict.storageprobe.io/p2");
    }

    @Test
    void doesNotTakeOverATaintAnotherProbeHolds() {
        Node other = node().editMetadata()
                .addToAnnotations("storageprobe.io/managed-labels", "taint:storageprobe.io/affected=p2:NoSchedule")
                .endMetadata()
                .editSpec()
                .addToTaints(new TaintBuilder()
                        .withKey("storageprobe.io/affected")
                        .withValue("p2")
                        .withEffect("NoSchedule")
                        .build())
                .endSpec()
                .build();
        NodeLabelPlan plan = NodeLabelPlan.plan(other, "p1", Verdict.Affected, TAINT);
        assertThat(plan.taints())
                .singleElement()
                .satisfies(t -> assertThat(t.getValue()).isEqualTo("p2"));
        assertThat(plan.annotation())
                .isEqualTo("taint:storageprobe.io/affected=p2:NoSchedule,verdict.storageprobe.io/p1");
    }

    @Test
    void labelFalseRemovesTheOwnedLabel() {
        Node labelled = node().editMetadata()
                .addToLabels("verdict.storageprobe.io/p1", "Compatible")
                .addToAnnotations("storageprobe.io/managed-labels", "verdict.storageprobe.io/p1")
                .endMetadata()
                .build();
        NodeLabelPlan plan = NodeLabelPlan.plan(labelled, "p1", Verdict.Compatible, new NodeActions(false, null));
        assertThat(plan.labels()).doesNotContainKey("verdict.storageprobe.io/p1");
        assertThat(plan.annotation()).isNull();
    }

    private static NodeBuilder node() {
        return new NodeBuilder()
                .withNewMetadata()
                .withName("n1")
                .addToLabels("team", "storage")
                .endMetadata()
                .withNewSpec()
                .endSpec();
    }
}
