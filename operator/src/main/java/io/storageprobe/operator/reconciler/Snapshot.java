package io.storageprobe.operator.reconciler;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.PersistentVolume;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.storage.StorageClass;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.event.EventSourceRetriever;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import io.storageprobe.api.v1alpha1.StorageProbe;
import io.storageprobe.api.v1alpha1.StorageProbeResult;
import io.storageprobe.operator.settings.OperatorSettings;
import io.storageprobe.operator.status.VolumeOwner;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * What the informer caches say at the start of a reconcile: the probe's DaemonSet, all nodes,
 * the probe's results, the volumes and StorageClasses. Read once so that every step works from
 * the same picture; it only reads ({@link CountedResults} judges, the aggregators summarise).
 *
 * @param daemonSet    the agent DaemonSet, or null
 * @param nodes        every node, by name
 * @param targeted     the nodes the agent should run on, sorted by name
 * @param results      this probe's results
 * @param volumes      every PersistentVolume, by name: its StorageClass and claim
 * @param provisioners every StorageClass, by name, with its provisioner
 */
record Snapshot(
        DaemonSet daemonSet,
        Map<String, Node> nodes,
        List<Node> targeted,
        List<StorageProbeResult> results,
        Map<String, VolumeOwner> volumes,
        Map<String, String> provisioners) {

    @SuppressWarnings("unchecked")
    static Snapshot of(StorageProbe probe, Context<StorageProbe> context, OperatorSettings settings) {
        var retriever = context.eventSourceRetriever();
        var dsSource = (InformerEventSource<DaemonSet, StorageProbe>) retriever.getEventSourceFor(DaemonSet.class);
        var nodeSource = nodeSource(retriever);
        var withTaints = NodeTaintsSource.withTaints(retriever);
        var resultSource = (InformerEventSource<StorageProbeResult, StorageProbe>)
                retriever.getEventSourceFor(StorageProbeResult.class);
        String name = probe.getMetadata().getName();
        DaemonSet ds = dsSource.get(new ResourceID(AgentDaemonSet.name(probe), settings.namespace()))
                .orElse(null);
        Map<String, Node> nodes = nodeSource
                .list(n -> true)
                .collect(Collectors.toMap(n -> n.getMetadata().getName(), Function.identity(), (a, b) -> a));
        List<Node> targeted = nodes.values().stream()
                .filter(n -> NodeTargeting.targets(probe.getSpec(), withTaints.apply(n), settings.agentArchitectures()))
                .sorted(Comparator.comparing(n -> n.getMetadata().getName()))
                .toList();
        List<StorageProbeResult> results = resultSource
                .list(r -> StorageProbeReconciler.probeOf(r).map(name::equals).orElse(false))
                .toList();
        Map<String, VolumeOwner> volumes = ((InformerEventSource<PersistentVolume, StorageProbe>)
                        retriever.getEventSourceFor(PersistentVolume.class))
                .list(v -> true)
                .collect(Collectors.toMap(v -> v.getMetadata().getName(), Snapshot::owner, (a, b) -> a));
        Map<String, String> provisioners = ((InformerEventSource<StorageClass, StorageProbe>)
                        retriever.getEventSourceFor(StorageClass.class))
                .list(c -> true)
                .collect(Collectors.toMap(
                        c -> c.getMetadata().getName(), c -> String.valueOf(c.getProvisioner()), (a, b) -> a));
        return new Snapshot(ds, nodes, targeted, results, volumes, provisioners);
    }

    /**
     * A node as the Node informer has it when asked, or null if it is gone: for work that runs
     * after the reconcile that planned it (NodeLabelStep's queued patches).
     */
    static Function<String, Node> currentNodes(Context<StorageProbe> context) {
        var nodeSource = nodeSource(context.eventSourceRetriever());
        return name -> nodeSource.get(new ResourceID(name)).orElse(null);
    }

    @SuppressWarnings("unchecked")
    private static InformerEventSource<Node, StorageProbe> nodeSource(EventSourceRetriever<StorageProbe> retriever) {
        return (InformerEventSource<Node, StorageProbe>)
                retriever.getEventSourceFor(Node.class, StorageProbeReconciler.NODES);
    }

    private static VolumeOwner owner(PersistentVolume pv) {
        var claim = pv.getSpec() == null ? null : pv.getSpec().getClaimRef();
        return new VolumeOwner(
                pv.getSpec() == null ? null : pv.getSpec().getStorageClassName(),
                claim == null ? null : claim.getNamespace() + "/" + claim.getName());
    }

    List<String> targetedNodeNames() {
        return targeted.stream().map(n -> n.getMetadata().getName()).toList();
    }

    Set<String> targetedNames() {
        return Set.copyOf(targetedNodeNames());
    }
}
