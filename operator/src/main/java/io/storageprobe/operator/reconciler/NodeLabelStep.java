package io.storageprobe.operator.reconciler;

import io.fabric8.kubernetes.api.model.Node;
import io.storageprobe.api.result.Verdict;
import io.storageprobe.api.v1alpha1.NodeActions;
import io.storageprobe.api.v1alpha1.StorageProbe;
import io.storageprobe.operator.labels.NodeLabelPlan;
import io.storageprobe.operator.labels.NodeLabeler;
import io.storageprobe.operator.labels.NodeTaints;
import io.storageprobe.operator.labels.OwnNodeWrites;
import io.storageprobe.operator.labels.VerdictEvents;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Function;

/**
 * Puts each targeted node's verdict on it, and takes this probe's entries off every other node:
 * plans each node (on its taints as {@link NodeTaints} knows them: the informer holds Nodes
 * without their spec) and queues the changed ones on {@link NodePatchQueue}, where {@link
 * NodeLabeler} patches them and {@link VerdictEvents} notes each verdict as its node is done.
 */
final class NodeLabelStep {
    private final NodeLabeler labeler;
    private final NodeTaints taints;
    private final VerdictEvents events;
    private final OwnNodeWrites writes;

    NodeLabelStep(NodeLabeler labeler, NodeTaints taints, VerdictEvents events, OwnNodeWrites writes) {
        this.labeler = labeler;
        this.taints = taints;
        this.events = events;
        this.writes = writes;
    }

    /**
     * Queues the patches and returns without waiting for them: on a large cluster the status is
     * not held back until every node is labelled. A queued patch plans again when it runs, on the
     * node as the informer has it then: planned when queued, a patch would wait up to a minute
     * behind thousands of others and meet a node changed since (409, a GET and a second write).
     * Nodes with a patch still queued, or written by us since the informer's copy, are left to
     * the reconcile that follows the queue ({@link NodePatchQueue}'s {@code drained}).
     *
     * @param verdicts each counted node's verdict ({@link CountedResults#verdicts}); other nodes lose this probe's entries
     * @param current  the node of this name as the informer has it when a patch runs, or null if it is gone
     */
    void apply(
            StorageProbe probe,
            Snapshot snapshot,
            Map<String, Verdict> verdicts,
            Function<String, Node> current,
            NodePatchQueue queue) {
        String name = probe.getMetadata().getName();
        queue.rethrowFailure(name);
        var actions = probe.getSpec() == null ? null : probe.getSpec().nodeActions();
        for (Node node : snapshot.nodes().values()) {
            String nodeName = node.getMetadata().getName();
            Verdict verdict = verdicts.get(nodeName);
            if (!queue.has(name, nodeName) && !planAndObserve(node, name, verdict, actions)) {
                queue.offer(name, nodeName, () -> {
                    Node now = current.apply(nodeName);
                    if (now != null && !writes.newerThan(now)) {
                        events.observe(now, name, verdict);
                        patch(taints.forPlanning(now, name, verdict, actions), now, name, verdict, actions);
                    }
                });
            }
        }
    }

    /**
     * Whether nothing needs patching on this copy of the node: it is as planned (its verdict is
     * noted), or we wrote the node since this copy was made (the next reconcile sees our write).
     */
    private boolean planAndObserve(Node node, String probe, Verdict verdict, NodeActions actions) {
        if (writes.newerThan(node)) {
            return true;
        }
        Node planned = taints.forPlanning(node, probe, verdict, actions);
        if (planned != null
                && !NodeLabelPlan.plan(planned, probe, verdict, actions).changed()) {
            events.observe(node, probe, verdict);
            return true;
        }
        return false;
    }

    /** For the probe's deletion: takes its entries off every node, and waits until that is done. */
    void removeAll(StorageProbe probe, Snapshot snapshot, NodePatchQueue queue) {
        List<Callable<Boolean>> work = new ArrayList<>();
        String name = probe.getMetadata().getName();
        for (Node node : snapshot.nodes().values()) {
            work.add(() -> {
                events.observe(node, name, null);
                return patch(taints.forPlanning(node, name, null, null), node, name, null, null);
            });
        }
        queue.runAfterDraining(name, work);
    }

    /**
     * Patches {@code planned} by its plan; where a taint must change on a node known without its
     * taints ({@code planned} null), reads the node whole first and plans on that.
     */
    private boolean patch(Node planned, Node node, String probe, Verdict verdict, NodeActions actions) {
        if (planned != null) {
            return labeler.apply(
                    planned, NodeLabelPlan.plan(planned, probe, verdict, actions), probe, verdict, actions);
        }
        Node whole = taints.read(node.getMetadata().getName());
        return whole != null
                && labeler.apply(whole, NodeLabelPlan.plan(whole, probe, verdict, actions), probe, verdict, actions);
    }
}
