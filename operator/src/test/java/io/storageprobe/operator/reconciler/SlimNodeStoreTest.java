package io.storageprobe.operator.reconciler;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class SlimNodeStoreTest {
    private static final KubernetesSerialization JSON = new KubernetesSerialization();

    /** A node as a real cluster has it: 50 images in the status, addresses, conditions. */
    private static Node realNode() {
        NodeBuilder node = new NodeBuilder().withNewMetadata().withName("worker-1").withUid("u-1").withResourceVersion("42")
                .addToLabels("kubernetes.io/hostname", "worker-1").addToAnnotations("storageprobe.io/managed-labels", "verdict.storageprobe.io/p")
                .endMetadata()
                .withNewSpec().withPodCIDR("10.0.0.0/24").addNewTaint().withKey("dedicated").withValue("vm").withEffect("NoSchedule").endTaint().endSpec();
        var status = node.withNewStatus().addNewAddress().withType("InternalIP").withAddress("10.1.2.3").endAddress();
        IntStream.range(0, 50).forEach(i -> status.addNewImage()
                .withNames("registry.example/team/image-" + i + "@sha256:" + "0".repeat(64), "registry.example/team/image-" + i + ":v1." + i)
                .withSizeBytes(100_000_000L + i).endImage());
        return status.endStatus().build();
    }

    @Test
    void keepsWhatTheOperatorReadsAndDropsTheRest() {
        Node real = realNode();
        Node slim = SlimNodeStore.slim(real);
        assertThat(slim.getMetadata().getName()).isEqualTo("worker-1");
        assertThat(slim.getMetadata().getUid()).isEqualTo("u-1");
        assertThat(slim.getMetadata().getResourceVersion()).isEqualTo("42");
        assertThat(slim.getMetadata().getLabels()).isEqualTo(real.getMetadata().getLabels());
        assertThat(slim.getMetadata().getAnnotations()).isEqualTo(real.getMetadata().getAnnotations());
        assertThat(slim.getSpec().getTaints()).isEqualTo(real.getSpec().getTaints());
        assertThat(slim.getStatus()).isNull();
        assertThat(slim.getSpec().getPodCIDR()).isNull();
        int before = JSON.asJson(real).length();
        int after = JSON.asJson(slim).length();
        System.out.printf("node JSON: %d bytes as listed, %d bytes cached%n", before, after);
        assertThat(after).isLessThan(before / 10);
    }

    @Test
    void storesTheSlimCopyUnderTheNodesKey() {
        SlimNodeStore store = new SlimNodeStore();
        store.put(store.getKey(realNode()), realNode());
        assertThat(store.get("worker-1").getStatus()).isNull();
        assertThat(store.size()).isEqualTo(1);
        assertThat(store.remove("worker-1").getMetadata().getName()).isEqualTo("worker-1");
        assertThat(store.size()).isZero();
    }
}
