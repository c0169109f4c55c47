package io.storageprobe.operator.status;

import static org.assertj.core.api.Assertions.assertThat;

import io.storageprobe.api.qemu.QemuJudgement;
import io.storageprobe.api.result.NodeResult;
import io.storageprobe.api.result.QemuInForce;
import io.storageprobe.api.result.RuleOutcome;
import io.storageprobe.api.result.RuleStatus;
import io.storageprobe.api.result.TargetKind;
import io.storageprobe.api.result.TargetResult;
import io.storageprobe.api.result.Verdict;
import io.storageprobe.api.v1alpha1.ProbeCondition;
import io.storageprobe.api.v1alpha1.StorageProbeStatus;
import io.storageprobe.operator.qemu.ResolvedQemu;
import io.storageprobe.operator.spec.SpecProblem;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** The status is a pure function of results, nodes, rollout and the previous status. */
class StatusAggregatorTest {
    private static final Instant T0 = Instant.parse("2026-11-24T10:00:00Z");
    private static final Instant T1 = Instant.parse("2026-11-24T11:00:00Z");
    private static final RolloutState ROLLED_OUT = new RolloutState(true, true, 3, 3, 3, 3, null);
    private final StatusAggregator aggregator = new StatusAggregator();

    @Test
    void countsVerdictsOfTheCountedResults() {
        // Which results count (only targeted nodes') is CountedResults' decision: CountedResultsTest.
        StorageProbeStatus s = aggregate(
                List.of("a", "b", "c"),
                List.of(
                        result("a", Verdict.Compatible, "2026-11-24T09:00:00Z"),
                        result("b", Verdict.Affected, "2026-11-24T09:30:00Z"),
                        result("c", Verdict.Error, "2026-11-24T09:10:00Z")),
                ROLLED_OUT,
                null,
                T0);
        assertThat(s.summary().nodesTargeted()).isEqualTo(3);
        assertThat(s.summary().nodesReported()).isEqualTo(3);
        assertThat(s.summary().compatible()).isEqualTo(1);
        assertThat(s.summary().affected()).isEqualTo(1);
        assertThat(s.summary().error()).isEqualTo(1);
        assertThat(s.summary().unsupported()).isZero();
        assertThat(s.lastProbeTime()).isEqualTo("2026-11-24T09:30:00Z");
        assertThat(s.affectedNodes()).extracting(a -> a.node()).containsExactly("b");
        assertThat(s.affectedNodes().get(0).failedRules()).containsExactly("qemu-legacy-dio");
        assertThat(condition(s, ProbeCondition.READY).status()).isEqualTo("True");
        assertThat(condition(s, ProbeCondition.CONFORMANT).status()).isEqualTo("False");
        assertThat(condition(s, ProbeCondition.CONFORMANT).reason()).isEqualTo("NodesAffected");
    }

    @Test
    void listsAtMostFiftyAffectedNodesSortedAndSaysSo() {
        List<String> nodes = IntStream.range(0, 60)
                .mapToObj(i -> String.format("node-%02d", 59 - i))
                .toList();
        List<NodeResult> results = new ArrayList<>();
        nodes.forEach(n -> results.add(result(n, Verdict.Affected, "2026-11-24T09:00:00Z")));
        StorageProbeStatus s = aggregate(nodes, results, ROLLED_OUT, null, T0);
        assertThat(s.affectedNodes()).hasSize(50);
        assertThat(s.affectedNodes().get(0).node()).isEqualTo("node-00");
        assertThat(s.affectedNodes().get(49).node()).isEqualTo("node-49");
        assertThat(s.affectedNodesTruncated()).isTrue();
        assertThat(s.summary().affected()).isEqualTo(60);
    }

    @Test
    void readyWaitsForRolloutThenForEveryNode() {
        List<String> nodes = List.of("a", "b");
        List<NodeResult> one = List.of(result("a", Verdict.Compatible, "2026-11-24T09:00:00Z"));
        assertThat(condition(
                                aggregate(nodes, one, new RolloutState(true, false, 0, 0, 0, 0, null), null, T0),
                                ProbeCondition.READY)
                        .reason())
                .isEqualTo("AgentsRollingOut");
        StorageProbeStatus waiting = aggregate(nodes, one, new RolloutState(true, true, 2, 2, 2, 2, null), null, T0);
        assertThat(condition(waiting, ProbeCondition.READY).reason()).isEqualTo("AwaitingResults");
        assertThat(condition(waiting, ProbeCondition.READY).message()).isEqualTo("1 of 2 nodes reported");
        assertThat(condition(aggregate(List.of(), List.of(), ROLLED_OUT, null, T0), ProbeCondition.READY)
                        .reason())
                .isEqualTo("NoTargetedNodes");
    }

    @Test
    void readySaysWhyAgentPodsWereRefused() {
        String quota = "Error creating: pods \"vmdisks-agent-x\" is forbidden: exceeded quota: no-pods";
        RolloutState refused = new RolloutState(true, true, 2, 1, 1, 0, null).withRefusal(quota);
        ProbeCondition ready =
                condition(aggregate(List.of("a", "b"), List.of(), refused, null, T0), ProbeCondition.READY);
        assertThat(ready.status()).isEqualTo("False");
        assertThat(ready.reason()).isEqualTo("AgentPodsRefused");
        assertThat(ready.message()).isEqualTo("the API server refused agent pods (1 of 2 nodes have none): " + quota);
        // A controller that wrote no status for this generation (Kubernetes 1.20 after a refusal): no counts.
        RolloutState unreported = new RolloutState(true, false, 0, 0, 0, 0, null);
        assertThat(unreported.podsMaybeMissing()).isTrue();
        assertThat(condition(
                                aggregate(List.of("a"), List.of(), unreported.withRefusal(quota), null, T0),
                                ProbeCondition.READY)
                        .message())
                .isEqualTo("the API server refused agent pods: " + quota);
        assertThat(new RolloutState(true, true, 2, 1, 1, 0, null).podsMaybeMissing())
                .isTrue();
        assertThat(new RolloutState(true, true, 2, 2, 2, 0, null).podsMaybeMissing())
                .as("pending pods are not missing")
                .isFalse();
    }

    @Test
    void readyNamesTheNodesAndKubeletsReasonOfAgentPodsThatCannotStart() {
        List<StuckAgentPod> stuck = List.of(
                new StuckAgentPod("a", "ImagePullBackOff", "Back-off pulling image \"registry.example/sp:1\""),
                new StuckAgentPod("b", "CrashLoopBackOff", ""),
                new StuckAgentPod("c", "ErrImagePull", "unauthorized"),
                new StuckAgentPod("d", "ErrImagePull", "unauthorized"));
        RolloutState rollout = new RolloutState(true, true, 4, 4, 4, 0, null).withStuck(stuck);
        ProbeCondition ready =
                condition(aggregate(List.of("a", "b", "c", "d"), List.of(), rollout, null, T0), ProbeCondition.READY);
        assertThat(ready.status()).isEqualTo("False");
        assertThat(ready.reason()).isEqualTo("AgentPodsNotStarting");
        assertThat(ready.message())
                .isEqualTo(
                        "4 agent pod(s) cannot start: node a: ImagePullBackOff (Back-off pulling image "
                                + "\"registry.example/sp:1\"); node b: CrashLoopBackOff; node c: ErrImagePull (unauthorized); and 1 more");
        // The API server's refusal is the earlier and wider problem: it is said first.
        assertThat(condition(
                                aggregate(
                                        List.of("a", "b", "c", "d"),
                                        List.of(),
                                        rollout.withRefusal("exceeded quota"),
                                        null,
                                        T0),
                                ProbeCondition.READY)
                        .reason())
                .isEqualTo("AgentPodsRefused");
    }

    @Test
    void keepsLastTransitionTimeWhileAConditionHolds() {
        List<NodeResult> results = List.of(result("a", Verdict.Compatible, "2026-11-24T09:00:00Z"));
        StorageProbeStatus first = aggregate(List.of("a"), results, ROLLED_OUT, null, T0);
        StorageProbeStatus again = aggregate(List.of("a"), results, ROLLED_OUT, first, T1);
        assertThat(again).isEqualTo(first); // unchanged status: no write
        assertThat(condition(again, ProbeCondition.READY).lastTransitionTime()).isEqualTo("2026-11-24T10:00:00Z");

        StorageProbeStatus flipped = aggregate(
                List.of("a"), List.of(result("a", Verdict.Affected, "2026-11-24T10:30:00Z")), ROLLED_OUT, first, T1);
        assertThat(condition(flipped, ProbeCondition.CONFORMANT).lastTransitionTime())
                .isEqualTo("2026-11-24T11:00:00Z");
        assertThat(condition(flipped, ProbeCondition.READY).lastTransitionTime())
                .isEqualTo("2026-11-24T10:00:00Z");
    }

    @Test
    void anAbsentListReadBackFromTheServerIsTheSameStatusAsAnEmptyOne() {
        StorageProbeStatus computed = aggregate(
                List.of("a"), List.of(result("a", Verdict.Compatible, "2026-11-24T09:00:00Z")), ROLLED_OUT, null, T0);
        StorageProbeStatus stored = new StorageProbeStatus(
                computed.observedGeneration(),
                computed.conditions(),
                computed.summary(),
                null,
                computed.affectedNodesTruncated(),
                computed.lastProbeTime(),
                computed.qemu(),
                null,
                null,
                null,
                null);
        assertThat(StatusAggregator.sameStatus(computed, stored)).isTrue();
        assertThat(StatusAggregator.sameStatus(computed, aggregate(List.of("a", "b"), List.of(), ROLLED_OUT, null, T0)))
                .isFalse();
    }

    @Test
    void invalidSpecGivesReadyFalseNamingTheField() {
        StorageProbeStatus s = aggregator.aggregate(new AggregationInput(
                4,
                SpecProblem.of("spec.interval", "'5s' is shorter than the minimum of 1m"),
                List.of("a"),
                List.of(),
                RolloutState.ABSENT,
                null,
                T0,
                null,
                StorageClassReport.NONE));
        ProbeCondition ready = condition(s, ProbeCondition.READY);
        assertThat(ready.status()).isEqualTo("False");
        assertThat(ready.reason()).isEqualTo("InvalidSpec");
        assertThat(ready.message()).startsWith("spec.interval: ");
        assertThat(ready.observedGeneration()).isEqualTo(4);
        assertThat(s.observedGeneration()).isEqualTo(4);
    }

    @Test
    void aFailureTheQemuInForceSurvivesIsLatentNotAffected() {
        QemuInForce qemu = new QemuInForce("9.1.0", QemuInForce.KUBEVIRT, "KubeVirt v1.5.2 ships QEMU 9.1.0");
        // The reconciler judges every result for the QEMU in force before aggregating (CountedResults).
        List<NodeResult> judged = List.of(
                        result("a", Verdict.Affected, "2026-11-24T09:00:00Z"),
                        result("b", Verdict.Compatible, "2026-11-24T09:00:00Z"))
                .stream()
                .map(r -> QemuJudgement.judge(r, qemu))
                .toList();
        StorageProbeStatus s = aggregator.aggregate(new AggregationInput(
                1,
                null,
                List.of("a", "b"),
                judged,
                ROLLED_OUT,
                null,
                T0,
                new ResolvedQemu(qemu, true, "KubeVirtRelease", qemu.message()),
                StorageClassReport.NONE));
        assertThat(s.summary().affected()).isZero();
        assertThat(s.summary().compatible()).isEqualTo(2);
        assertThat(s.summary().latent()).isEqualTo(1);
        assertThat(s.latentNodes()).singleElement().satisfies(l -> {
            assertThat(l.node()).isEqualTo("a");
            assertThat(l.failedRules()).containsExactly("qemu-legacy-dio");
            assertThat(l.targets()).containsExactly("vda");
        });
        assertThat(s.qemu()).isEqualTo(qemu);
        assertThat(condition(s, ProbeCondition.CONFORMANT).status()).isEqualTo("True");
        assertThat(condition(s, ProbeCondition.CONFORMANT).message())
                .isEqualTo(
                        "2 node(s) reported, none fails a rule that breaks QEMU 9.1.0; 1 with latent findings (see latentNodes)");
        assertThat(condition(s, ResolvedQemu.CONDITION)).satisfies(c -> {
            assertThat(c.status()).isEqualTo("True");
            assertThat(c.reason()).isEqualTo("KubeVirtRelease");
        });
    }

    @Test
    void conformantIsUnknownUntilSomeoneReports() {
        StorageProbeStatus s = aggregate(List.of("a"), List.of(), ROLLED_OUT, null, T0);
        assertThat(condition(s, ProbeCondition.CONFORMANT).status()).isEqualTo("Unknown");
        assertThat(s.lastProbeTime()).isNull();
        assertThat(s.affectedNodes()).isEmpty();
        assertThat(s.affectedNodesTruncated()).isFalse();
    }

    private StorageProbeStatus aggregate(
            List<String> nodes,
            List<NodeResult> results,
            RolloutState rollout,
            StorageProbeStatus previous,
            Instant now) {
        return aggregator.aggregate(
                new AggregationInput(1, null, nodes, results, rollout, previous, now, null, StorageClassReport.NONE));
    }

    private static ProbeCondition condition(StorageProbeStatus s, String type) {
        return s.conditions().stream()
                .filter(c -> c.type().equals(type))
                .findFirst()
                .orElseThrow();
    }

    private static NodeResult result(String node, Verdict verdict, String time) {
        List<RuleOutcome> rules = List.of(
                new RuleOutcome(
                        "qemu-legacy-dio", verdict == Verdict.Affected ? RuleStatus.Fail : RuleStatus.Pass, "test"),
                new RuleOutcome("dio-not-buffered", RuleStatus.Pass, "test"));
        TargetResult target = new TargetResult(
                TargetKind.DEVICE, "vda", "/dev/vda", null, "vda", null, rules, verdict, null, null, null);
        return new NodeResult(
                "p", node, "6.1.0-50-amd64", "boot", "Debian", time, "test", List.of(target), verdict, null);
    }
}
