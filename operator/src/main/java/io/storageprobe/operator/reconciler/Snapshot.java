package io.storageprobe.operator.reconciler;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import io.storageprobe.api.qemu.QemuJudgement;
import io.storageprobe.api.result.NodeResult;
import io.storageprobe.api.result.QemuInForce;
import io.storageprobe.api.v1alpha1.StorageProbe;
import io.storageprobe.api.v1alpha1.StorageProbeResult;
import io.storageprobe.operator.OperatorSettings;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * What the informer caches say at the start of a reconcile: the probe's DaemonSet, all nodes,
 * the probe's results. Read once so that every step works from the same picture.
 *
 * @param daemonSet the agent DaemonSet, or null
 * @param nodes     every node, by name
 * @param targeted  the nodes the agent should run on, sorted by name
 * @param results   this probe's results
 * @param qemu      the QEMU the results are judged for
 */
record Snapshot(DaemonSet daemonSet, Map<String, Node> nodes, List<Node> targeted, List<StorageProbeResult> results,
                QemuInForce qemu) {

    @SuppressWarnings("unchecked")
    static Snapshot of(StorageProbe probe, Context<StorageProbe> context, OperatorSettings settings, QemuInForce qemu) {
        var retriever = context.eventSourceRetriever();
        var dsSource = (InformerEventSource<DaemonSet, StorageProbe>) retriever.getEventSourceFor(DaemonSet.class);
        var nodeSource = (InformerEventSource<Node, StorageProbe>) retriever.getEventSourceFor(Node.class);
        var resultSource = (InformerEventSource<StorageProbeResult, StorageProbe>) retriever.getEventSourceFor(StorageProbeResult.class);
        String name = probe.getMetadata().getName();
        DaemonSet ds = dsSource.get(new ResourceID(AgentDaemonSet.name(probe), settings.namespace())).orElse(null);
        Map<String, Node> nodes = nodeSource.list(n -> true)
                .collect(Collectors.toMap(n -> n.getMetadata().getName(), Function.identity(), (a, b) -> a));
        List<Node> targeted = nodes.values().stream()
                .filter(n -> NodeTargeting.targets(probe.getSpec(), n))
                .sorted(Comparator.comparing(n -> n.getMetadata().getName()))
                .toList();
        List<StorageProbeResult> results = resultSource
                .list(r -> StorageProbeReconciler.probeOf(r).map(name::equals).orElse(false))
                .toList();
        return new Snapshot(ds, nodes, targeted, results, qemu);
    }

    List<String> targetedNodeNames() {
        return targeted.stream().map(n -> n.getMetadata().getName()).toList();
    }

    /**
     * Results of nodes that still exist, with a spec, judged again for the QEMU in force: the
     * agent judged for the QEMU it knew when it probed, which may be older news.
     */
    List<NodeResult> liveResults() {
        return results.stream().map(StorageProbeResult::getSpec)
                .filter(r -> r != null && r.node() != null && nodes.containsKey(r.node()))
                .map(r -> QemuJudgement.judge(r, qemu))
                .toList();
    }

    Set<String> targetedNames() {
        return Set.copyOf(targetedNodeNames());
    }
}
