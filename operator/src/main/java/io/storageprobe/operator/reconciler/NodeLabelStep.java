package io.storageprobe.operator.reconciler;

import io.fabric8.kubernetes.api.model.Node;
import io.storageprobe.api.result.NodeResult;
import io.storageprobe.api.result.Verdict;
import io.storageprobe.api.v1alpha1.StorageProbe;
import io.storageprobe.operator.labels.NodeLabeler;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
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
     * the next reconciles, which our own node patches trigger anyway. The patches run side by
     * side on {@code patches}: one at a time, a patch's round trip (60 ms on a busy API server)
     * made 5,000 nodes take five minutes.
     *
     * @return whether every node is as it should be (false: the budget ran out first)
     */
    boolean apply(StorageProbe probe, Snapshot snapshot, int budget, ExecutorService patches) {
        String name = probe.getMetadata().getName();
        Set<String> targeted = snapshot.targetedNames();
        Map<String, Verdict> verdicts = snapshot.liveResults().stream()
                .filter(r -> r.verdict() != null && targeted.contains(r.node()))
                .collect(Collectors.toMap(NodeResult::node, NodeResult::verdict, (a, b) -> a));
        var actions = probe.getSpec() == null ? null : probe.getSpec().nodeActions();
        List<Callable<Boolean>> work = new ArrayList<>();
        for (Node node : snapshot.nodes().values()) {
            Verdict verdict = verdicts.get(node.getMetadata().getName());
            if (!labeler.hasWork(node, name, verdict, actions)) {
                labeler.apply(node, name, verdict, actions); // nothing to patch: it only notes the verdict
            } else if (work.size() < budget) {
                work.add(() -> labeler.apply(node, name, verdict, actions));
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
        for (Node node : snapshot.nodes().values()) {
            work.add(() -> labeler.apply(node, probe.getMetadata().getName(), null, null));
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
