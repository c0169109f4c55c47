package io.storageprobe.operator.reconciler;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.PersistentVolume;
import io.fabric8.kubernetes.api.model.storage.StorageClass;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import io.storageprobe.api.qemu.QemuJudgement;
import io.storageprobe.api.result.NodeResult;
import io.storageprobe.api.result.QemuInForce;
import io.storageprobe.api.result.TargetKind;
import io.storageprobe.api.result.TargetResult;
import io.storageprobe.api.result.Verdict;
import io.storageprobe.api.v1alpha1.StorageProbe;
import io.storageprobe.api.v1alpha1.StorageProbeResult;
import io.storageprobe.operator.OperatorSettings;
import io.storageprobe.operator.trust.CheckedWriters;
import io.storageprobe.operator.status.StorageClassAggregator;
import io.storageprobe.operator.status.StorageClassReport;
import io.storageprobe.operator.status.VolumeOwner;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * What the informer caches say at the start of a reconcile: the probe's DaemonSet, all nodes,
 * the probe's results. Read once so that every step works from the same picture.
 *
 * @param probe        the StorageProbe's name
 * @param daemonSet    the agent DaemonSet, or null
 * @param nodes        every node, by name
 * @param targeted     the nodes the agent should run on, sorted by name
 * @param results      this probe's results
 * @param qemu         the QEMU the results are judged for
 * @param volumes      every PersistentVolume, by name: its StorageClass and claim
 * @param provisioners every StorageClass, by name, with its provisioner
 * @param volumesCount whether volume targets count toward the node verdict (spec.targets)
 * @param ignoredResults the results not counted, each with why: malformed ones ({@link ResultCheck}) and those of
 *                       existing nodes that node's agent Pod did not write ({@link CheckedWriters})
 * @param judged       the sound results of nodes that exist, judged for {@code qemu}
 */
record Snapshot(String probe, DaemonSet daemonSet, Map<String, Node> nodes, List<Node> targeted, List<StorageProbeResult> results,
                QemuInForce qemu, Map<String, VolumeOwner> volumes, Map<String, String> provisioners, boolean volumesCount,
                Map<StorageProbeResult, String> ignoredResults, List<NodeResult> judged) {

    @SuppressWarnings("unchecked")
    static Snapshot of(StorageProbe probe, Context<StorageProbe> context, OperatorSettings settings, QemuInForce qemu) {
        return of(probe, context, settings, qemu, null);
    }

    /** @param writers the writer check, or null where none is made (cleanup, or the check off) */
    static Snapshot of(StorageProbe probe, Context<StorageProbe> context, OperatorSettings settings, QemuInForce qemu,
                       CheckedWriters writers) {
        var retriever = context.eventSourceRetriever();
        var dsSource = (InformerEventSource<DaemonSet, StorageProbe>) retriever.getEventSourceFor(DaemonSet.class);
        var nodeSource = (InformerEventSource<Node, StorageProbe>) retriever.getEventSourceFor(Node.class, StorageProbeReconciler.NODES);
        var withTaints = NodeTaintsSource.withTaints(retriever);
        var resultSource = (InformerEventSource<StorageProbeResult, StorageProbe>) retriever.getEventSourceFor(StorageProbeResult.class);
        String name = probe.getMetadata().getName();
        DaemonSet ds = dsSource.get(new ResourceID(AgentDaemonSet.name(probe), settings.namespace())).orElse(null);
        Map<String, Node> nodes = nodeSource.list(n -> true)
                .collect(Collectors.toMap(n -> n.getMetadata().getName(), Function.identity(), (a, b) -> a));
        List<Node> targeted = nodes.values().stream()
                .filter(n -> NodeTargeting.targets(probe.getSpec(), withTaints.apply(n), settings.agentArchitectures()))
                .sorted(Comparator.comparing(n -> n.getMetadata().getName()))
                .toList();
        List<StorageProbeResult> results = resultSource
                .list(r -> StorageProbeReconciler.probeOf(r).map(name::equals).orElse(false))
                .toList();
        Map<String, VolumeOwner> volumes = ((InformerEventSource<PersistentVolume, StorageProbe>) retriever
                .getEventSourceFor(PersistentVolume.class)).list(v -> true)
                .collect(Collectors.toMap(v -> v.getMetadata().getName(), Snapshot::owner, (a, b) -> a));
        Map<String, String> provisioners = ((InformerEventSource<StorageClass, StorageProbe>) retriever
                .getEventSourceFor(StorageClass.class)).list(c -> true)
                .collect(Collectors.toMap(c -> c.getMetadata().getName(), c -> String.valueOf(c.getProvisioner()), (a, b) -> a));
        boolean volumesCount = probe.getSpec() != null && probe.getSpec().targets() != null
                && probe.getSpec().targets().volumesCountForNodes();
        // Checked and judged once here: the status and the StorageClass summary both read them.
        Map<StorageProbeResult, String> ignored = new LinkedHashMap<>();
        List<NodeResult> judged = new java.util.ArrayList<>();
        for (StorageProbeResult r : results) {
            Optional<String> why = ResultCheck.problem(r, name);
            // Only the results that would count are checked: the check costs requests.
            if (why.isEmpty() && writers != null && nodes.containsKey(r.getSpec().node())) {
                why = writers.refusal(r, ds);
            }
            if (why.isPresent()) {
                ignored.put(r, why.get());
                // A refused version written over a trusted one changes nothing: the node keeps
                // the verdict its own agent last gave (a forgery must not take a taint away).
                Optional<NodeResult> trusted = writers == null ? Optional.empty() : writers.lastTrusted(r.getMetadata().getName());
                if (trusted.isPresent() && nodes.containsKey(trusted.get().node())) {
                    judged.add(QemuJudgement.judge(trusted.get(), qemu));
                }
            } else if (nodes.containsKey(r.getSpec().node())) {
                judged.add(QemuJudgement.judge(r.getSpec(), qemu));
            }
        }
        return new Snapshot(name, ds, nodes, targeted, results, qemu, volumes, provisioners, volumesCount, ignored, judged);
    }

    private static VolumeOwner owner(PersistentVolume pv) {
        var claim = pv.getSpec() == null ? null : pv.getSpec().getClaimRef();
        return new VolumeOwner(pv.getSpec() == null ? null : pv.getSpec().getStorageClassName(),
                claim == null ? null : claim.getNamespace() + "/" + claim.getName());
    }

    List<String> targetedNodeNames() {
        return targeted.stream().map(n -> n.getMetadata().getName()).toList();
    }

    /**
     * Results of nodes that still exist, with a spec, judged again for the QEMU in force: the
     * agent judged for the QEMU it knew when it probed, which may be older news. Volume targets
     * are left out, and the node verdict is that of the node's own targets, unless the spec
     * counts volumes for nodes.
     */
    List<NodeResult> liveResults() {
        return judged.stream().map(r -> volumesCount ? r : withoutVolumes(r)).toList();
    }

    /** The volumes of the targeted nodes' results, per StorageClass. */
    StorageClassReport storageClasses() {
        Set<String> targeted = targetedNames();
        return StorageClassAggregator.aggregate(judged.stream().filter(r -> targeted.contains(r.node())).toList(),
                volumes, provisioners);
    }

    private static NodeResult withoutVolumes(NodeResult r) {
        if (r.targets() == null || r.targets().stream().noneMatch(t -> t.kind() == TargetKind.VOLUME)) {
            return r;
        }
        List<TargetResult> own = r.targets().stream().filter(t -> t.kind() != TargetKind.VOLUME).toList();
        Verdict verdict = own.stream().map(TargetResult::verdict).filter(v -> v != null).reduce(Verdict.Compatible, Verdict::worst);
        return new NodeResult(r.probe(), r.node(), r.kernelRelease(), r.bootId(), r.osImage(), r.probeTime(), r.agentVersion(),
                own, r.verdict() == null ? null : verdict, r.qemu());
    }

    Set<String> targetedNames() {
        return Set.copyOf(targetedNodeNames());
    }
}
