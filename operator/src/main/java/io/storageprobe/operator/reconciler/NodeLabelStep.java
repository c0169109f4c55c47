package io.storageprobe.operator.reconciler;

import io.fabric8.kubernetes.api.model.Node;
import io.storageprobe.api.result.NodeResult;
import io.storageprobe.api.result.Verdict;
import io.storageprobe.api.v1alpha1.StorageProbe;
import io.storageprobe.operator.labels.NodeLabeler;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/** Puts each targeted node's verdict on it, and takes this probe's entries off every other node. */
final class NodeLabelStep {
    private final NodeLabeler labeler;

    NodeLabelStep(NodeLabeler labeler) {
        this.labeler = labeler;
    }

    /**
     * Patches at most {@code budget} nodes, so that on a large cluster the status (patched at the
     * end of the reconcile) is not held back until every node is labelled; the rest follows in
     * the next reconciles, which our own node patches trigger anyway.
     *
     * @return whether every node is as it should be (false: the budget ran out first)
     */
    boolean apply(StorageProbe probe, Snapshot snapshot, int budget) {
        String name = probe.getMetadata().getName();
        Set<String> targeted = snapshot.targetedNames();
        Map<String, Verdict> verdicts = snapshot.liveResults().stream()
                .filter(r -> r.verdict() != null && targeted.contains(r.node()))
                .collect(Collectors.toMap(NodeResult::node, NodeResult::verdict, (a, b) -> a));
        var actions = probe.getSpec() == null ? null : probe.getSpec().nodeActions();
        int patched = 0;
        for (Node node : snapshot.nodes().values()) {
            if (patched >= budget) {
                return false;
            }
            if (labeler.apply(node, name, verdicts.get(node.getMetadata().getName()), actions)) {
                patched++;
            }
        }
        return true;
    }

    void removeAll(StorageProbe probe, Snapshot snapshot) {
        for (Node node : snapshot.nodes().values()) {
            labeler.apply(node, probe.getMetadata().getName(), null, null);
        }
    }

}
