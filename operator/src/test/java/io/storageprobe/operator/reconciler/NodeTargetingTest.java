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
        assertThat(targets(spec(null, null), node(Map.of(), "NoSchedule"))).isTrue();
        assertThat(targets(null, node(Map.of(), null))).isTrue();
    }

    @Test
    void nodeSelectorMustMatch() {
        StorageProbeSpec ssd = spec(Map.of("disk", "ssd"), null);
        assertThat(targets(ssd, node(Map.of("disk", "ssd"), null))).isTrue();
        assertThat(targets(ssd, node(Map.of("disk", "hdd"), null))).isFalse();
    }

    @Test
    void givenTolerationsMustCoverNoScheduleTaints() {
        StorageProbeSpec tolerant = spec(
                null,
                List.of(new ProbeToleration("dedicated", ProbeToleration.TolerationOperator.Exists, null, null, null)));
        assertThat(targets(tolerant, node(Map.of(), "NoSchedule"))).isTrue();
        StorageProbeSpec other = spec(
                null, List.of(new ProbeToleration("gpu", ProbeToleration.TolerationOperator.Exists, null, null, null)));
        assertThat(targets(other, node(Map.of(), "NoSchedule"))).isFalse();
        assertThat(targets(other, node(Map.of(), "PreferNoSchedule"))).isTrue();
    }

    @Test
    void theProbesOwnTaintNeverTakesANodeOffItsTargets() {
        // Else a node Affected and tainted would lose its agent, its label and its taint, then gain them back, over and
        // over.
        StorageProbeSpec other = spec(
                null, List.of(new ProbeToleration("gpu", ProbeToleration.TolerationOperator.Exists, null, null, null)));
        Node tainted = node(Map.of(), null);
        tainted.getSpec()
                .setTaints(List.of(new TaintBuilder()
                        .withKey("storageprobe.io/affected")
                        .withValue("vmdisks")
                        .withEffect("NoSchedule")
                        .build()));
        assertThat(targets(other, tainted)).isTrue();
    }

    @Test
    void onlyLinuxNodesOfAnArchitectureTheImageHas() {
        assertThat(NodeTargeting.targets(
                        null, node(Map.of("kubernetes.io/os", "windows", "kubernetes.io/arch", "amd64"), null), AMD64))
                .as("a Windows node")
                .isFalse();
        assertThat(NodeTargeting.targets(null, node(Map.of("kubernetes.io/arch", "amd64"), null), AMD64))
                .as("a node without kubernetes.io/os: the DaemonSet's nodeSelector does not match it either")
                .isFalse();
        assertThat(NodeTargeting.targets(
                        null, node(Map.of("kubernetes.io/os", "linux", "kubernetes.io/arch", "arm64"), null), AMD64))
                .as("an arm64 node, the image being amd64 only")
                .isFalse();
        assertThat(NodeTargeting.targets(
                        null,
                        node(Map.of("kubernetes.io/os", "linux", "kubernetes.io/arch", "arm64"), null),
                        List.of()))
                .as("no architecture list: any")
                .isTrue();
        assertThat(NodeTargeting.targets(
                        null, node(Map.of("kubernetes.io/os", "linux", "kubernetes.io/arch", "amd64"), null), AMD64))
                .isTrue();
    }

    private static final List<String> AMD64 = List.of("amd64");

    /** A Linux amd64 node with these labels too. */
    private static boolean targets(StorageProbeSpec spec, Node node) {
        Map<String, String> labels =
                new java.util.HashMap<>(Map.of("kubernetes.io/os", "linux", "kubernetes.io/arch", "amd64"));
        labels.putAll(node.getMetadata().getLabels());
        node.getMetadata().setLabels(labels);
        return NodeTargeting.targets(spec, node, AMD64);
    }

    private static StorageProbeSpec spec(Map<String, String> selector, List<ProbeToleration> tolerations) {
        return new StorageProbeSpec(selector, tolerations, null, null, null, null, null, null);
    }

    private static Node node(Map<String, String> labels, String taintEffect) {
        NodeBuilder b = new NodeBuilder()
                .withNewMetadata()
                .withName("n")
                .withLabels(labels)
                .endMetadata()
                .withNewSpec()
                .endSpec();
        if (taintEffect != null) {
            b.editSpec()
                    .addToTaints(new TaintBuilder()
                            .withKey("dedicated")
                            .withValue("x")
                            .withEffect(taintEffect)
                            .build())
                    .endSpec();
        }
        return b.build();
    }
}
