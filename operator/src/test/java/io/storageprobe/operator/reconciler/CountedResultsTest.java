package io.storageprobe.operator.reconciler;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.storageprobe.api.result.NodeResult;
import io.storageprobe.api.result.QemuInForce;
import io.storageprobe.api.result.RuleOutcome;
import io.storageprobe.api.result.RuleStatus;
import io.storageprobe.api.result.TargetKind;
import io.storageprobe.api.result.TargetResult;
import io.storageprobe.api.result.Verdict;
import io.storageprobe.api.v1alpha1.StorageProbeResult;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The one decision of which results count, feeding the status, the labels and the StorageClass summary. */
class CountedResultsTest {
    private static final QemuInForce OLD_QEMU = new QemuInForce("6.2.0", QemuInForce.SPEC, "spec.qemuVersion");
    private static final QemuInForce NEW_QEMU =
            new QemuInForce("9.1.0", QemuInForce.KUBEVIRT, "KubeVirt v1.5.2 ships QEMU 9.1.0");

    @Test
    void countsOnlySoundResultsOfTargetedNodesSortedByNode() {
        Snapshot snapshot = snapshot(
                List.of("c", "a", "b"),
                List.of("a", "b", "c", "untargeted"),
                List.of(
                        result("c", Verdict.Error, device(Verdict.Error)),
                        result("a", Verdict.Compatible, device(Verdict.Compatible)),
                        result("untargeted", Verdict.Affected, device(Verdict.Affected)),
                        result("vanished", Verdict.Affected, device(Verdict.Affected)),
                        named(
                                "p.b",
                                new NodeResult(
                                        "p",
                                        "b",
                                        "6.1",
                                        "boot",
                                        "Debian",
                                        "2026-12-01T10:00:00Z",
                                        "0.1.0",
                                        List.of(),
                                        null,
                                        null))));
        CountedResults counted = CountedResults.count("p", snapshot, OLD_QEMU, false, null);
        assertThat(counted.judged()).extracting(NodeResult::node).containsExactly("a", "c");
        assertThat(counted.verdicts()).isEqualTo(Map.of("a", Verdict.Compatible, "c", Verdict.Error));
        // Untargeted and vanished nodes' results are not counted, and not refused either: nothing is wrong with them.
        assertThat(counted.refused()).hasSize(1).containsValue("spec.verdict is missing");
    }

    @Test
    void judgesEachResultAgainForTheQemuInForce() {
        Snapshot snapshot =
                snapshot(List.of("a"), List.of("a"), List.of(result("a", Verdict.Affected, device(Verdict.Affected))));
        assertThat(CountedResults.count("p", snapshot, OLD_QEMU, false, null).verdicts())
                .containsEntry("a", Verdict.Affected);
        CountedResults newer = CountedResults.count("p", snapshot, NEW_QEMU, false, null);
        assertThat(newer.verdicts()).containsEntry("a", Verdict.Compatible);
        assertThat(newer.judged().get(0).qemu()).isEqualTo(NEW_QEMU);
    }

    @Test
    void volumesCountForTheNodeOnlyWhenTheSpecSaysSoButAlwaysReachTheStorageClassSummary() {
        TargetResult volume = new TargetResult(
                TargetKind.VOLUME,
                "pv/v1",
                "/dev/x",
                null,
                "rbd0",
                null,
                List.of(),
                Verdict.Error,
                "cannot open",
                null,
                "v1");
        Snapshot snapshot = snapshot(
                List.of("a"), List.of("a"), List.of(result("a", Verdict.Error, device(Verdict.Compatible), volume)));
        CountedResults own = CountedResults.count("p", snapshot, OLD_QEMU, false, null);
        assertThat(own.verdicts()).containsEntry("a", Verdict.Compatible);
        assertThat(own.forNodes().get(0).targets())
                .extracting(TargetResult::kind)
                .containsExactly(TargetKind.DEVICE);
        assertThat(own.judged().get(0).targets())
                .extracting(TargetResult::kind)
                .containsExactly(TargetKind.DEVICE, TargetKind.VOLUME);
        assertThat(CountedResults.count("p", snapshot, OLD_QEMU, true, null).verdicts())
                .containsEntry("a", Verdict.Error);
    }

    private static Snapshot snapshot(List<String> targeted, List<String> existing, List<StorageProbeResult> results) {
        Map<String, Node> nodes = new LinkedHashMap<>();
        existing.forEach(n -> nodes.put(
                n, new NodeBuilder().withNewMetadata().withName(n).endMetadata().build()));
        List<Node> targetedNodes = targeted.stream().sorted().map(nodes::get).toList();
        return new Snapshot(null, nodes, targetedNodes, results, Map.of(), Map.of());
    }

    private static TargetResult device(Verdict verdict) {
        List<RuleOutcome> rules = List.of(new RuleOutcome(
                "qemu-legacy-dio", verdict == Verdict.Affected ? RuleStatus.Fail : RuleStatus.Pass, "test"));
        return new TargetResult(
                TargetKind.DEVICE, "vda", "/dev/vda", null, "vda", null, rules, verdict, null, null, null);
    }

    private static StorageProbeResult result(String node, Verdict verdict, TargetResult... targets) {
        return named(
                "p." + node,
                new NodeResult(
                        "p",
                        node,
                        "6.1",
                        "boot",
                        "Debian",
                        "2026-12-01T10:00:00Z",
                        "0.1.0",
                        new ArrayList<>(List.of(targets)),
                        verdict,
                        null));
    }

    private static StorageProbeResult named(String name, NodeResult spec) {
        StorageProbeResult r = new StorageProbeResult();
        r.setMetadata(new ObjectMetaBuilder().withName(name).build());
        r.setSpec(spec);
        return r;
    }
}
