package io.storageprobe.operator.reconciler;

import io.fabric8.kubernetes.api.model.Node;
import io.storageprobe.api.result.Verdict;
import io.storageprobe.api.v1alpha1.NodeActions;
import io.storageprobe.api.v1alpha1.StorageProbe;
import io.storageprobe.operator.labels.NodeLabelPlan;
import io.storageprobe.operator.labels.NodeLabeler;
import io.storageprobe.operator.labels.NodeTaints;
import io.storageprobe.operator.labels.VerdictEvents;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;

/**
 * Puts each targeted node's verdict on it, and takes this probe's entries off every other node:
 * plans each node once (on its taints as {@link NodeTaints} knows them: the informer holds Nodes
 * without their spec), has {@link NodeLabeler} patch the changed ones and {@link VerdictEvents}
 * note each verdict as its node is done.
 */
final class NodeLabelStep {
    private final NodeLabeler labeler;
    private final NodeTaints taints;
    private final VerdictEvents events;

    NodeLabelStep(NodeLabeler labeler, NodeTaints taints, VerdictEvents events) {
        this.labeler = labeler;
        this.taints = taints;
        this.events = events;
    }

    /**
     * Patches at most {@code budget} nodes, so that on a large cluster the status (patched at the
     * end of the reconcile) is not held back until every node is labelled; the rest follows in
     * the next reconciles, which our own node patches trigger anyway. The patches run side by
     * side on {@code patches}: one at a time, the round trips of thousands of patches add up to
     * minutes.
     *
     * @param verdicts each counted node's verdict ({@link CountedResults#verdicts}); other nodes lose this probe's entries
     * @return whether every node is as it should be (false: the budget ran out first)
     */
    boolean apply(
            StorageProbe probe, Snapshot snapshot, Map<String, Verdict> verdicts, int budget, ExecutorService patches) {
        String name = probe.getMetadata().getName();
        var actions = probe.getSpec() == null ? null : probe.getSpec().nodeActions();
        List<Callable<Boolean>> work = new ArrayList<>();
        for (Node node : snapshot.nodes().values()) {
            Verdict verdict = verdicts.get(node.getMetadata().getName());
            Node planned = taints.forPlanning(node, name, verdict, actions);
            NodeLabelPlan plan = planned == null ? null : NodeLabelPlan.plan(planned, name, verdict, actions);
            if (plan != null && !plan.changed()) {
                events.observe(node, name, verdict); // nothing to patch
            } else if (work.size() < budget) {
                work.add(() -> {
                    events.observe(node, name, verdict);
                    return patch(planned, plan, node, name, verdict, actions);
                });
            } else {
                runAll(work, patches);
                return false;
            }
        }
        runAll(work, patches);
        return true;
    }

    void removeAll(StorageProbe probe, Snapshot snapshot, ExecutorService patches) {
        List<Callable<Boolean>> work = new ArrayList<>();
        String name = probe.getMetadata().getName();
        for (Node node : snapshot.nodes().values()) {
            Node planned = taints.forPlanning(node, name, null, null);
            NodeLabelPlan plan = planned == null ? null : NodeLabelPlan.plan(planned, name, null, null);
            work.add(() -> {
                events.observe(node, name, null);
                return patch(planned, plan, node, name, null, null);
            });
        }
        runAll(work, patches);
    }

    /**
     * Patches {@code planned} by {@code plan}; where a taint must change on a node known without its
     * taints (both null), reads the node whole first and plans on that.
     */
    private boolean patch(
            Node planned, NodeLabelPlan plan, Node node, String probe, Verdict verdict, NodeActions actions) {
        if (planned != null) {
            return labeler.apply(planned, plan, probe, verdict, actions);
        }
        Node whole = taints.read(node.getMetadata().getName());
        return whole != null
                && labeler.apply(whole, NodeLabelPlan.plan(whole, probe, verdict, actions), probe, verdict, actions);
    }

    /** Waits for every patch; the first failure fails the reconcile, as a sequential loop would. */
    private static void runAll(List<Callable<Boolean>> work, ExecutorService patches) {
        try {
            for (Future<Boolean> done : patches.invokeAll(work)) {
                done.get();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while patching nodes", e);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
        }
    }
}
