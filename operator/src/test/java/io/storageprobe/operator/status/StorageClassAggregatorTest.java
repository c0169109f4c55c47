package io.storageprobe.operator.status;

import static org.assertj.core.api.Assertions.assertThat;

import io.storageprobe.api.result.NodeResult;
import io.storageprobe.api.result.TargetKind;
import io.storageprobe.api.result.TargetResult;
import io.storageprobe.api.result.Verdict;
import io.storageprobe.api.v1alpha1.StorageClassSummary;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class StorageClassAggregatorTest {
    private static final Map<String, String> CLASSES =
            Map.of("ceph-block", "rbd.csi.ceph.com", "local", "kubernetes.io/no-provisioner");
    private static final Map<String, VolumeOwner> VOLUMES = Map.of(
            "pv-ceph-1", new VolumeOwner("ceph-block", "vms/disk-1"),
            "pv-ceph-2", new VolumeOwner("ceph-block", "vms/disk-2"),
            "pv-gone", new VolumeOwner("retired-nfs", "vms/old"),
            "pv-static", new VolumeOwner("", null));

    private static TargetResult volume(String pv, Verdict verdict) {
        return new TargetResult(
                TargetKind.VOLUME,
                "pv/" + pv,
                "/dev/x",
                null,
                "rbd0",
                null,
                List.of(),
                verdict,
                verdict == Verdict.Affected ? "qemu-alignment-probe: EIO" : null,
                null,
                pv);
    }

    private static NodeResult node(String name, TargetResult... targets) {
        List<TargetResult> all = new ArrayList<>(List.of(targets));
        all.add(new TargetResult(
                TargetKind.DEVICE,
                "nvme0n1",
                "/dev/nvme0n1",
                null,
                "nvme0n1",
                null,
                List.of(),
                Verdict.Compatible,
                null,
                null,
                null));
        return new NodeResult(
                "p", name, "6.1.0", "b", "Debian", "2026-12-01T10:00:00Z", "0.1.0", all, Verdict.Affected, null);
    }

    @Test
    void countsEachClassesVolumesAndNodesAndNamesItsAffectedVolumes() {
        StorageClassReport report = StorageClassAggregator.aggregate(
                List.of(
                        node("a", volume("pv-ceph-1", Verdict.Affected), volume("pv-static", Verdict.Compatible)),
                        node(
                                "b",
                                volume("pv-ceph-2", Verdict.Compatible),
                                volume("pv-gone", Verdict.Unsupported),
                                volume("pv-new", Verdict.Compatible)),
                        node("c")),
                VOLUMES,
                CLASSES);
        assertThat(report.truncated()).isFalse();
        assertThat(report.classes())
                .extracting(StorageClassSummary::storageClass)
                .containsExactly("(none)", "(unknown)", "ceph-block", "retired-nfs");
        StorageClassSummary ceph = report.classes().get(2);
        assertThat(ceph.exists()).isTrue();
        assertThat(ceph.provisioner()).isEqualTo("rbd.csi.ceph.com");
        assertThat(ceph.nodes()).isEqualTo(2);
        assertThat(ceph.volumes()).isEqualTo(2);
        assertThat(ceph.affected()).isEqualTo(1);
        assertThat(ceph.compatible()).isEqualTo(1);
        assertThat(ceph.affectedVolumes()).singleElement().satisfies(v -> {
            assertThat(v.persistentVolume()).isEqualTo("pv-ceph-1");
            assertThat(v.claim()).isEqualTo("vms/disk-1");
            assertThat(v.node()).isEqualTo("a");
            assertThat(v.reason()).contains("EIO");
        });
        assertThat(ceph.affectedVolumesTruncated()).isFalse();
        // The class was deleted; its PersistentVolume still names it.
        StorageClassSummary gone = report.classes().get(3);
        assertThat(gone.exists()).isFalse();
        assertThat(gone.provisioner()).isNull();
        assertThat(gone.unsupported()).isEqualTo(1);
        // No class, and a PersistentVolume the operator has not seen: markers, not classes.
        assertThat(report.classes().get(0).exists()).isNull();
        assertThat(report.classes().get(0).compatible()).isEqualTo(1);
        assertThat(report.classes().get(1).volumes()).isEqualTo(1);
        assertThat(report.classes().get(1).exists()).isNull();
    }

    @Test
    void staysBoundedWhateverTheNumberOfVolumesAndClasses() {
        List<NodeResult> results = IntStream.range(0, 300)
                .mapToObj(i ->
                        node("n" + i, volume("pv-ceph-1", Verdict.Affected), volume("pv-" + i, Verdict.Compatible)))
                .toList();
        Map<String, VolumeOwner> volumes = new java.util.HashMap<>(VOLUMES);
        IntStream.range(0, 300)
                .forEach(i -> volumes.put("pv-" + i, new VolumeOwner(String.format("class-%03d", i), null)));
        StorageClassReport report = StorageClassAggregator.aggregate(results, volumes, CLASSES);
        assertThat(report.classes()).hasSize(StorageClassSummary.MAX_STORAGE_CLASSES);
        assertThat(report.truncated()).isTrue();
        StorageClassSummary ceph = report.classes().stream()
                .filter(c -> c.storageClass().equals("ceph-block"))
                .findFirst()
                .orElseThrow();
        assertThat(ceph.affected()).isEqualTo(300);
        assertThat(ceph.affectedVolumes()).hasSize(StorageClassSummary.MAX_AFFECTED_VOLUMES);
        assertThat(ceph.affectedVolumesTruncated()).isTrue();
    }

    @Test
    void noVolumeTargetsNoClasses() {
        assertThat(StorageClassAggregator.aggregate(List.of(node("a")), VOLUMES, CLASSES))
                .isEqualTo(StorageClassReport.NONE);
    }
}
