package io.storageprobe.operator.reconciler;

import io.fabric8.kubernetes.api.model.Node;
import io.storageprobe.api.result.Verdict;
import io.storageprobe.api.v1alpha1.StorageProbe;
import io.storageprobe.operator.labels.NodeLabelPlan;
import io.storageprobe.operator.labels.NodeLabeler;
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
 * plans each node once, has {@link NodeLabeler} patch the changed ones and {@link VerdictEvents}
 * note each verdict as its node is done.
 */
final class NodeLabelStep {
    private final NodeLabeler labeler;
    private final VerdictEvents events;

    NodeLabelStep(NodeLabeler labeler, VerdictEvents events) {
        this.labeler = labeler;
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
    boolean apply(StorageProbe probe, Snapshot snapshot, Map<String, Verdict> verdicts, int budget, ExecutorService patches) {
        String name = probe.getMetadata().getName();
        var actions = probe.getSpec() == null ? null : probe.getSpec().nodeActions();
        List<Callable<Boolean>> work = new ArrayList<>();
        for (Node node : snapshot.nodes().values()) {
            Verdict verdict = verdicts.get(node.getMetadata().getName());
            NodeLabelPlan plan = NodeLabelPlan.plan(node, name, verdict, actions);
            if (!plan.changed()) {
                events.observe(node, name, verdict); // nothing to patch
            } else if (work.size() < budget) {
                work.add(() -> {
                    events.observe(node, name, verdict);
                    return labeler.apply(node, plan, name, verdict, actions);
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
            NodeLabelPlan plan = NodeLabelPlan.plan(node, name, null, null);
            work.add(() -> {
                events.observe(node, name, null);
                return labeler.apply(node, plan, name, null, null);
            });
        }
        runAll(work, patches);
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
