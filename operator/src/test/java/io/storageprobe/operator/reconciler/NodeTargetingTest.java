package io.storageprobe.operator.reconciler;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.TaintBuilder;
import io.storageprobe.api.v1alpha1.ProbeToleration;
import io.storageprobe.api.v1alpha1.StorageProbeSpec;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** nodesTargeted counts the nodes the DaemonSet controller would run the agent on. */
class NodeTargetingTest {

    @Test
    void byDefaultEveryNodeEvenTainted() {
        assertThat(NodeTargeting.targets(spec(null, null), node(Map.of(), "NoSchedule"))).isTrue();
        assertThat(NodeTargeting.targets(null, node(Map.of(), null))).isTrue();
    }

    @Test
    void nodeSelectorMustMatch() {
        StorageProbeSpec ssd = spec(Map.of("disk", "ssd"), null);
        assertThat(NodeTargeting.targets(ssd, node(Map.of("disk", "ssd"), null))).isTrue();
        assertThat(NodeTargeting.targets(ssd, node(Map.of("disk", "hdd"), null))).isFalse();
    }

    @Test
    void givenTolerationsMustCoverNoScheduleTaints() {
        StorageProbeSpec tolerant = spec(null, List.of(new ProbeToleration("dedicated", ProbeToleration.TolerationOperator.Exists, null, null, null)));
        assertThat(NodeTargeting.targets(tolerant, node(Map.of(), "NoSchedule"))).isTrue();
        StorageProbeSpec other = spec(null, List.of(new ProbeToleration("gpu", ProbeToleration.TolerationOperator.Exists, null, null, null)));
        assertThat(NodeTargeting.targets(other, node(Map.of(), "NoSchedule"))).isFalse();
        assertThat(NodeTargeting.targets(other, node(Map.of(), "PreferNoSchedule"))).isTrue();
    }

    private static StorageProbeSpec spec(Map<String, String> selector, List<ProbeToleration> tolerations) {
        return new StorageProbeSpec(selector, tolerations, null, null, null, null, null, null);
    }

    private static Node node(Map<String, String> labels, String taintEffect) {
        NodeBuilder b = new NodeBuilder().withNewMetadata().withName("n").withLabels(labels).endMetadata().withNewSpec().endSpec();
        if (taintEffect != null) {
            b.editSpec().addToTaints(new TaintBuilder().withKey("dedicated").withValue("x").withEffect(taintEffect).build()).endSpec();
        }
        return b.build();
    }
}
