package io.storageprobe.operator.reconciler;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Taint;
import io.fabric8.kubernetes.api.model.TaintBuilder;
import io.storageprobe.api.v1alpha1.StorageProbe;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What of a node's taints can change which nodes a probe targets: every taint but the probes' own. */
class NodeTaintsSourceTest {
    private static final Taint OURS = new TaintBuilder()
            .withKey(StorageProbe.AFFECTED_TAINT)
            .withValue("vmdisks")
            .withEffect("NoSchedule")
            .build();
    private static final Taint GPU = new TaintBuilder()
            .withKey("nvidia.com/gpu")
            .withEffect("NoSchedule")
            .build();

    @Test
    void ourOwnTaintComingOrGoingChangesNothingForTargeting() {
        assertThat(NodeTaintsSource.othersTaints(node(GPU, OURS)))
                .isEqualTo(NodeTaintsSource.othersTaints(node(GPU)))
                .containsExactly(GPU);
        assertThat(NodeTaintsSource.othersTaints(node(OURS))).isEqualTo(NodeTaintsSource.othersTaints(node()));
    }

    @Test
    void anyOtherTaintDoes() {
        assertThat(NodeTaintsSource.othersTaints(node(GPU, OURS)))
                .isNotEqualTo(NodeTaintsSource.othersTaints(node(OURS)));
    }

    private static Node node(Taint... taints) {
        return new NodeBuilder()
                .withNewMetadata()
                .withName("n1")
                .endMetadata()
                .withNewSpec()
                .withTaints(taints.length == 0 ? null : List.of(taints))
                .endSpec()
                .build();
    }
}
