package io.storageprobe.operator.reconciler;

import io.storageprobe.api.qemu.QemuJudgement;
import io.storageprobe.api.result.NodeResult;
import io.storageprobe.api.result.QemuInForce;
import io.storageprobe.api.result.TargetKind;
import io.storageprobe.api.result.TargetResult;
import io.storageprobe.api.result.Verdict;
import io.storageprobe.api.v1alpha1.StorageProbeResult;
import io.storageprobe.operator.trust.CheckedWriters;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Which results count: the one place that decides it. The status, the node labels and the
 * StorageClass summary all read these, so they can never disagree about a node.
 *
 * <p>A result counts when it is sound ({@link ResultCheck}), its node's agent Pod wrote it
 * ({@link CheckedWriters}, where checked) and its node is targeted. Each is judged again for the
 * QEMU in force: the agent judged for the QEMU it knew when it probed, which may be older news.
 *
 * @param judged       the counted results, at most one per targeted node, sorted by node; volume targets included
 * @param volumesCount whether volume targets count toward the node verdict (spec.targets)
 * @param refused      the results not counted, each with why: malformed ones and those of existing nodes that
 *                     node's agent Pod did not write
 */
record CountedResults(List<NodeResult> judged, boolean volumesCount, Map<StorageProbeResult, String> refused) {

    /**
     * @param writers the writer check, or null where none is made (the check off)
     */
    static CountedResults count(
            String probe, Snapshot snapshot, QemuInForce qemu, boolean volumesCount, CheckedWriters writers) {
        Set<String> targeted = snapshot.targetedNames();
        Map<StorageProbeResult, String> refused = new LinkedHashMap<>();
        List<NodeResult> judged = new ArrayList<>();
        for (StorageProbeResult r : snapshot.results()) {
            Optional<String> why = ResultCheck.problem(r, probe);
            // Only the results that would count are checked: the check costs requests.
            if (why.isEmpty()
                    && writers != null
                    && snapshot.nodes().containsKey(r.getSpec().node())) {
                why = writers.refusal(r, snapshot.daemonSet());
            }
            if (why.isPresent()) {
                refused.put(r, why.get());
                // A refused version written over a trusted one changes nothing: the node keeps
                // the verdict its own agent last gave (a forgery must not take a taint away).
                Optional<NodeResult> trusted = writers == null
                        ? Optional.empty()
                        : writers.lastTrusted(r.getMetadata().getName());
                if (trusted.isPresent() && targeted.contains(trusted.get().node())) {
                    judged.add(QemuJudgement.judge(trusted.get(), qemu));
                }
            } else if (targeted.contains(r.getSpec().node())) {
                judged.add(QemuJudgement.judge(r.getSpec(), qemu));
            }
        }
        judged.sort(Comparator.comparing(NodeResult::node));
        return new CountedResults(List.copyOf(judged), volumesCount, refused);
    }

    /**
     * The counted results as the node verdict sees them: volume targets are left out, and the
     * verdict is that of the node's own targets, unless the spec counts volumes for nodes.
     */
    List<NodeResult> forNodes() {
        return judged.stream().map(r -> volumesCount ? r : withoutVolumes(r)).toList();
    }

    /** Each counted node's verdict, by node name. */
    Map<String, Verdict> verdicts() {
        return forNodes().stream().collect(Collectors.toMap(NodeResult::node, NodeResult::verdict, (a, b) -> a));
    }

    private static NodeResult withoutVolumes(NodeResult r) {
        if (r.targets() == null || r.targets().stream().noneMatch(t -> t.kind() == TargetKind.VOLUME)) {
            return r;
        }
        List<TargetResult> own =
                r.targets().stream().filter(t -> t.kind() != TargetKind.VOLUME).toList();
        Verdict verdict = own.stream()
                .map(TargetResult::verdict)
                .filter(v -> v != null)
                .reduce(Verdict.Compatible, Verdict::worst);
        return new NodeResult(
                r.probe(),
                r.node(),
                r.kernelRelease(),
                r.bootId(),
                r.osImage(),
                r.probeTime(),
                r.agentVersion(),
                own,
                verdict,
                r.qemu());
    }
}
