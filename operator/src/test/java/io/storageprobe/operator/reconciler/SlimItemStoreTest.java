package io.storageprobe.operator.reconciler;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolume;
import io.fabric8.kubernetes.api.model.PersistentVolumeBuilder;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.storageprobe.api.qemu.QemuJudgement;
import io.storageprobe.api.result.NodeResult;
import io.storageprobe.api.result.QemuInForce;
import io.storageprobe.api.result.TargetResult;
import io.storageprobe.api.result.Verdict;
import io.storageprobe.api.v1alpha1.StorageProbe;
import io.storageprobe.api.v1alpha1.StorageProbeResult;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class SlimItemStoreTest {
    private static final KubernetesSerialization JSON = new KubernetesSerialization();

    /** A node as a real cluster has it: 50 images in the status, addresses, conditions. */
    private static Node realNode() {
        NodeBuilder node = new NodeBuilder()
                .withNewMetadata()
                .withName("worker-1")
                .withUid("u-1")
                .withResourceVersion("42")
                .addToLabels("kubernetes.io/hostname", "worker-1")
                .addToAnnotations("storageprobe.io/managed-labels", "verdict.storageprobe.io/p")
                .endMetadata()
                .withNewSpec()
                .withPodCIDR("10.0.0.0/24")
                .addNewTaint()
                .withKey("dedicated")
                .withValue("vm")
                .withEffect("NoSchedule")
                .endTaint()
                .endSpec();
        var status = node.withNewStatus()
                .addNewAddress()
                .withType("InternalIP")
                .withAddress("10.1.2.3")
                .endAddress();
        IntStream.range(0, 50)
                .forEach(i -> status.addNewImage()
                        .withNames(
                                "registry.example/team/image-" + i + "@sha256:" + "0".repeat(64),
                                "registry.example/team/image-" + i + ":v1." + i)
                        .withSizeBytes(100_000_000L + i)
                        .endImage());
        return status.endStatus().build();
    }

    @Test
    void keepsWhatTheOperatorReadsAndDropsTheRest() {
        Node real = realNode();
        Node slim = SlimItemStore.slim(real);
        assertThat(slim.getMetadata().getName()).isEqualTo("worker-1");
        assertThat(slim.getMetadata().getUid()).isEqualTo("u-1");
        assertThat(slim.getMetadata().getResourceVersion()).isEqualTo("42");
        assertThat(slim.getMetadata().getLabels()).isEqualTo(real.getMetadata().getLabels());
        assertThat(slim.getMetadata().getAnnotations())
                .isEqualTo(real.getMetadata().getAnnotations());
        // The taints are read by GET where a taint must change, or cached apart (nodeTaints).
        assertThat(slim.getSpec()).isNull();
        assertThat(slim.getStatus()).isNull();
        assertThat(slim.getKind()).isEqualTo("Node");
        int before = JSON.asJson(real).length();
        int after = JSON.asJson(slim).length();
        System.out.printf("node JSON: %d bytes as listed, %d bytes cached%n", before, after);
        assertThat(after).isLessThan(before / 10);
    }

    @Test
    void keepsOfAPersistentVolumeItsStorageClassAndClaimOnly() {
        PersistentVolume pv = new PersistentVolumeBuilder()
                .withNewMetadata()
                .withName("pvc-1")
                .withResourceVersion("7")
                .addToAnnotations("pv.kubernetes.io/provisioned-by", "rbd.csi.ceph.com")
                .endMetadata()
                .withNewSpec()
                .withStorageClassName("ceph-block")
                .withNewClaimRef()
                .withNamespace("vms")
                .withName("disk-a")
                .withUid("c-1")
                .withResourceVersion("5")
                .endClaimRef()
                .withNewCsi()
                .withDriver("rbd.csi.ceph.com")
                .withVolumeHandle("0001-0009-rook-ceph-0000000000000002-" + "f".repeat(36))
                .addToVolumeAttributes("clusterID", "rook-ceph")
                .addToVolumeAttributes("pool", "replicapool")
                .endCsi()
                .endSpec()
                .build();
        PersistentVolume slim = SlimItemStore.slim(pv);
        assertThat(slim.getMetadata().getName()).isEqualTo("pvc-1");
        assertThat(slim.getSpec().getStorageClassName()).isEqualTo("ceph-block");
        assertThat(slim.getSpec().getClaimRef().getNamespace()).isEqualTo("vms");
        assertThat(slim.getSpec().getClaimRef().getName()).isEqualTo("disk-a");
        assertThat(slim.getSpec().getClaimRef().getUid()).isNull();
        assertThat(slim.getSpec().getCsi()).isNull();
        assertThat(slim.getMetadata().getAnnotations()).isNullOrEmpty();
        SlimItemStore<PersistentVolume> store = SlimItemStore.persistentVolumes();
        store.put(store.getKey(pv), pv);
        assertThat(store.get("pvc-1").getSpec().getCsi()).isNull();
    }

    @Test
    void keepsOfAResultWhatTheStatusIsMadeOfButNotTheMeasuredFacts() {
        StorageProbe probe = new StorageProbe();
        probe.getMetadata().setName("vmdisks");
        probe.getMetadata().setUid("p-1");
        StorageProbeResult real = io.storageprobe.operator.bench.FleetData.result(probe, 7, Verdict.Affected);
        real.getMetadata().setResourceVersion("99");
        StorageProbeResult slim = SlimItemStore.slim(real);
        assertThat(slim.getMetadata().getName()).isEqualTo(real.getMetadata().getName());
        assertThat(slim.getMetadata().getResourceVersion()).isEqualTo("99");
        assertThat(slim.getMetadata().getLabels()).isEqualTo(real.getMetadata().getLabels());
        assertThat(real.getSpec().targets())
                .allSatisfy(t -> assertThat(t.facts()).isNotNull());
        assertThat(slim.getSpec().targets())
                .allSatisfy(t -> assertThat(t.facts()).isNull());
        assertThat(slim.getSpec().targets())
                .extracting(TargetResult::rules)
                .isEqualTo(real.getSpec().targets().stream()
                        .map(TargetResult::rules)
                        .toList());
        assertThat(slim.getSpec().verdict()).isEqualTo(Verdict.Affected);
        // What the operator makes of it is the same, judged for any QEMU.
        for (String qemu : new String[] {"5.2", "9.1"}) {
            QemuInForce q = new QemuInForce(qemu, QemuInForce.SPEC, "spec.qemu");
            NodeResult fromReal = QemuJudgement.judge(real.getSpec(), q);
            NodeResult fromSlim = QemuJudgement.judge(slim.getSpec(), q);
            assertThat(fromSlim.verdict()).isEqualTo(fromReal.verdict());
            assertThat(fromSlim.targets())
                    .extracting(TargetResult::reason)
                    .isEqualTo(fromReal.targets().stream()
                            .map(TargetResult::reason)
                            .toList());
        }
        int before = JSON.asJson(real).length();
        int after = JSON.asJson(slim).length();
        System.out.printf("result JSON: %d bytes as listed, %d bytes cached%n", before, after);
        // 2.5 KB -> 1.5 KB for a node with one disk; the facts grow with every probe read recorded.
        assertThat(before - after)
                .isGreaterThanOrEqualTo(
                        JSON.asJson(real.getSpec().targets().get(0).facts()).length());
    }

    @Test
    void keepsOnlyTheTaintsForTheTaintInformer() {
        Node real = realNode();
        Node taints = SlimItemStore.taintsOnly(real);
        assertThat(taints.getMetadata().getName()).isEqualTo("worker-1");
        assertThat(taints.getSpec().getTaints()).isEqualTo(real.getSpec().getTaints());
        assertThat(taints.getSpec().getPodCIDR()).isNull();
        assertThat(taints.getMetadata().getLabels()).isNullOrEmpty();
        assertThat(taints.getStatus()).isNull();
    }

    @Test
    void storesTheSlimCopyUnderTheNodesKey() {
        SlimItemStore<Node> store = SlimItemStore.nodes();
        store.put(store.getKey(realNode()), realNode());
        assertThat(store.get("worker-1").getStatus()).isNull();
        assertThat(store.size()).isEqualTo(1);
        assertThat(store.remove("worker-1").getMetadata().getName()).isEqualTo("worker-1");
        assertThat(store.size()).isZero();
    }
}
