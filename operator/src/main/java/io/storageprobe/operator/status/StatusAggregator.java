package io.storageprobe.operator.status;

import io.storageprobe.api.qemu.QemuVersion;
import io.storageprobe.api.qemu.RuleCatalog;
import io.storageprobe.api.result.NodeResult;
import io.storageprobe.api.result.RuleOutcome;
import io.storageprobe.api.result.RuleStatus;
import io.storageprobe.api.result.TargetResult;
import io.storageprobe.api.result.Verdict;
import io.storageprobe.api.v1alpha1.AffectedNode;
import io.storageprobe.api.v1alpha1.ProbeCondition;
import io.storageprobe.api.v1alpha1.StorageProbeStatus;
import io.storageprobe.api.v1alpha1.Summary;
import io.storageprobe.operator.qemu.ResolvedQemu;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/** Turns the agents' results into a StorageProbe's status. Pure: same input, same status. */
public final class StatusAggregator {

    public StorageProbeStatus aggregate(AggregationInput in) {
        List<ProbeCondition> previous =
                in.previous() == null ? null : in.previous().conditions();
        if (in.specProblem() != null) {
            String message = in.specProblem().message();
            return new StorageProbeStatus(
                    in.generation(),
                    List.of(
                            ConditionMerger.merge(
                                    previous,
                                    ProbeCondition.READY,
                                    "False",
                                    "InvalidSpec",
                                    message,
                                    in.generation(),
                                    in.now()),
                            ConditionMerger.merge(
                                    previous,
                                    ProbeCondition.CONFORMANT,
                                    "Unknown",
                                    "InvalidSpec",
                                    message,
                                    in.generation(),
                                    in.now()),
                            ConditionMerger.merge(
                                    previous,
                                    ResolvedQemu.CONDITION,
                                    "Unknown",
                                    "InvalidSpec",
                                    message,
                                    in.generation(),
                                    in.now())),
                    new Summary(0, 0, 0, 0, 0, 0, 0),
                    List.of(),
                    false,
                    in.previous() == null ? null : in.previous().lastProbeTime(),
                    null,
                    List.of(),
                    List.of(),
                    false,
                    List.of());
        }
        List<NodeResult> counted = in.counted().stream()
                .sorted(Comparator.comparing(NodeResult::node))
                .toList();
        Map<Verdict, Integer> perVerdict = new EnumMap<>(Verdict.class);
        counted.forEach(r -> perVerdict.merge(r.verdict(), 1, Integer::sum));
        List<NodeResult> latent = counted.stream()
                .filter(r ->
                        r.verdict() != Verdict.Affected && !latentFindings(r).isEmpty())
                .toList();
        Summary summary = new Summary(
                in.targetedNodes().size(),
                counted.size(),
                perVerdict.getOrDefault(Verdict.Compatible, 0),
                perVerdict.getOrDefault(Verdict.Affected, 0),
                perVerdict.getOrDefault(Verdict.Unsupported, 0),
                perVerdict.getOrDefault(Verdict.Error, 0),
                latent.size());
        List<AffectedNode> affected = counted.stream()
                .filter(r -> r.verdict() == Verdict.Affected)
                .map(StatusAggregator::affectedNode)
                .toList();
        boolean truncated = affected.size() > StorageProbeStatus.MAX_AFFECTED_NODES;
        if (truncated) {
            affected = affected.subList(0, StorageProbeStatus.MAX_AFFECTED_NODES);
        }
        List<AffectedNode> latentNodes = latent.stream()
                .limit(StorageProbeStatus.MAX_AFFECTED_NODES)
                .map(StatusAggregator::latentNode)
                .toList();
        List<ProbeCondition> conditions =
                new ArrayList<>(List.of(ready(in, summary, previous), conformant(in, summary, affected, previous)));
        if (in.qemu() != null) {
            conditions.add(ConditionMerger.merge(
                    previous,
                    ResolvedQemu.CONDITION,
                    in.qemu().current() ? "True" : "False",
                    in.qemu().reason(),
                    in.qemu().message(),
                    in.generation(),
                    in.now()));
        }
        return new StorageProbeStatus(
                in.generation(),
                List.copyOf(conditions),
                summary,
                affected,
                truncated,
                newestProbeTime(counted),
                in.qemu() == null ? null : in.qemu().inForce(),
                latentNodes,
                in.storageClasses().classes(),
                in.storageClasses().truncated(),
                List.of());
    }

    /**
     * Whether two statuses say the same. An empty list may come back from the API server as an
     * absent field, so absent and empty count as equal; otherwise every reconcile would write.
     */
    public static boolean sameStatus(StorageProbeStatus a, StorageProbeStatus b) {
        return Objects.equals(normalize(a), normalize(b));
    }

    private static StorageProbeStatus normalize(StorageProbeStatus s) {
        if (s == null) {
            return null;
        }
        return new StorageProbeStatus(
                s.observedGeneration(),
                s.conditions() == null ? List.of() : s.conditions(),
                s.summary(),
                s.affectedNodes() == null ? List.of() : s.affectedNodes(),
                s.affectedNodesTruncated() == null ? Boolean.FALSE : s.affectedNodesTruncated(),
                s.lastProbeTime(),
                s.qemu(),
                s.latentNodes() == null ? List.of() : s.latentNodes(),
                s.storageClasses() == null ? List.of() : s.storageClasses(),
                s.storageClassesTruncated() == null ? Boolean.FALSE : s.storageClassesTruncated(),
                s.refusedResults() == null ? List.of() : s.refusedResults());
    }

    private static ProbeCondition ready(AggregationInput in, Summary s, List<ProbeCondition> previous) {
        String status = "False";
        String reason;
        String message;
        if (s.nodesTargeted() == 0) {
            reason = "NoTargetedNodes";
            message = "no node matches the nodeSelector and tolerations";
        } else if (in.rollout().refusal() != null) {
            reason = "AgentPodsRefused";
            RolloutState r = in.rollout();
            // Counts only where the controller reported them for this generation.
            message = "the API server refused agent pods"
                    + (r.observed() && r.scheduled() < r.desired()
                            ? String.format(" (%d of %d nodes have none)", r.desired() - r.scheduled(), r.desired())
                            : "")
                    + ": " + r.refusal();
        } else if (!in.rollout().stuck().isEmpty()) {
            reason = "AgentPodsNotStarting";
            message = notStarting(in.rollout().stuck());
        } else if (!in.rollout().complete()) {
            reason = "AgentsRollingOut";
            message = String.format(
                    "agent DaemonSet: %d of %d pods updated and available",
                    Math.min(in.rollout().updated(), in.rollout().available()),
                    in.rollout().desired());
        } else if (s.nodesReported() < s.nodesTargeted()) {
            reason = "AwaitingResults";
            message = String.format("%d of %d nodes reported", s.nodesReported(), s.nodesTargeted());
        } else {
            status = "True";
            reason = "AllNodesReported";
            message = String.format("all %d nodes reported", s.nodesTargeted());
        }
        return ConditionMerger.merge(
                previous, ProbeCondition.READY, status, reason, message, in.generation(), in.now());
    }

    /** How many nodes' agents are named in the Ready message; the rest are counted. */
    static final int STUCK_NODES_NAMED = 3;

    /** e.g. "2 agent pods cannot start: node a: ImagePullBackOff (Back-off pulling image "x"); node b: ...". */
    private static String notStarting(List<StuckAgentPod> stuck) {
        StringBuilder m = new StringBuilder(String.format("%d agent pod(s) cannot start: ", stuck.size()));
        for (int i = 0; i < Math.min(stuck.size(), STUCK_NODES_NAMED); i++) {
            StuckAgentPod p = stuck.get(i);
            m.append(i == 0 ? "" : "; ")
                    .append("node ")
                    .append(p.node())
                    .append(": ")
                    .append(p.reason())
                    .append(p.message().isEmpty() ? "" : " (" + p.message() + ")");
        }
        if (stuck.size() > STUCK_NODES_NAMED) {
            m.append(String.format("; and %d more", stuck.size() - STUCK_NODES_NAMED));
        }
        return m.toString();
    }

    private static ProbeCondition conformant(
            AggregationInput in, Summary s, List<AffectedNode> affected, List<ProbeCondition> previous) {
        String status;
        String reason;
        String message;
        if (s.affected() > 0) {
            status = "False";
            reason = "NodesAffected";
            message = String.format(
                    "%d node(s) fail a rule, e.g. %s",
                    s.affected(), affected.get(0).node());
        } else if (s.nodesReported() == 0) {
            status = "Unknown";
            reason = "AwaitingResults";
            message = "no node reported yet";
        } else {
            status = "True";
            reason = "NoNodeAffected";
            message = String.format(
                            "%d node(s) reported, none fails a rule that breaks %s",
                            s.nodesReported(),
                            in.qemu() == null || in.qemu().inForce().version() == null
                                    ? "an unknown QEMU"
                                    : "QEMU " + in.qemu().inForce().version())
                    + (s.latent() > 0 ? String.format("; %d with latent findings (see latentNodes)", s.latent()) : "")
                    + (s.error() > 0 ? String.format("; %d could not be probed", s.error()) : "");
        }
        return ConditionMerger.merge(
                previous, ProbeCondition.CONFORMANT, status, reason, message, in.generation(), in.now());
    }

    private static AffectedNode affectedNode(NodeResult r) {
        Set<String> rules = new TreeSet<>();
        Set<String> targets = new TreeSet<>();
        for (TargetResult t : r.targets() == null ? List.<TargetResult>of() : r.targets()) {
            if (t.verdict() != Verdict.Affected) {
                continue;
            }
            targets.add(t.name());
            for (RuleOutcome o : t.rules() == null ? List.<RuleOutcome>of() : t.rules()) {
                if (o.status() == RuleStatus.Fail) {
                    rules.add(o.rule());
                }
            }
        }
        return new AffectedNode(r.node(), r.kernelRelease(), List.copyOf(rules), List.copyOf(targets));
    }

    /** A node with latent findings: the rules that fail but cannot break the QEMU in force, and where. */
    private static AffectedNode latentNode(NodeResult r) {
        Set<String> rules = new TreeSet<>();
        Set<String> targets = new TreeSet<>();
        QemuVersion qemu = QemuVersion.inForce(r.qemu());
        for (TargetResult t : r.targets() == null ? List.<TargetResult>of() : r.targets()) {
            if (t.latentFindings() == null) {
                continue;
            }
            targets.add(t.name());
            for (RuleOutcome o : t.rules() == null ? List.<RuleOutcome>of() : t.rules()) {
                if (o.status() == RuleStatus.Fail && !RuleCatalog.breaks(o.rule(), qemu)) {
                    rules.add(o.rule());
                }
            }
        }
        return new AffectedNode(r.node(), r.kernelRelease(), List.copyOf(rules), List.copyOf(targets));
    }

    private static List<String> latentFindings(NodeResult r) {
        return r.targets() == null
                ? List.of()
                : r.targets().stream()
                        .filter(t -> t.latentFindings() != null)
                        .flatMap(t -> t.latentFindings().stream())
                        .toList();
    }

    /** Compared as instants: agents may write fractional seconds or offsets. */
    /** Each time parsed once: at 5,000 results a comparator parsing both sides was most of a reconcile. */
    private static String newestProbeTime(List<NodeResult> results) {
        String newest = null;
        Instant newestAt = null;
        for (NodeResult result : results) {
            Instant at = parsed(result.probeTime());
            if (at != null && (newestAt == null || at.isAfter(newestAt))) {
                newest = result.probeTime();
                newestAt = at;
            }
        }
        return newest;
    }

    /** The instant, or null where there is none or it does not parse (an agent's bad clock text). */
    private static Instant parsed(String time) {
        if (time == null) {
            return null;
        }
        try {
            return Instant.parse(time);
        } catch (DateTimeParseException e) {
            return null;
        }
    }
}
