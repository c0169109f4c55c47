package io.storageprobe.operator.reconciler;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.PersistentVolume;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.storage.StorageClass;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Cleaner;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.DeleteControl;
import io.javaoperatorsdk.operator.api.reconciler.ErrorStatusUpdateControl;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.inbound.SimpleInboundEventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.Mappers;
import io.storageprobe.api.v1alpha1.ProbeCondition;
import io.storageprobe.api.v1alpha1.ProbeInterval;
import io.storageprobe.api.v1alpha1.StorageProbe;
import io.storageprobe.api.v1alpha1.StorageProbeResult;
import io.storageprobe.api.v1alpha1.StorageProbeStatus;
import io.storageprobe.operator.events.ProbeEvents;
import io.storageprobe.operator.labels.NodeLabeler;
import io.storageprobe.operator.labels.NodeTaints;
import io.storageprobe.operator.labels.OwnNodeWrites;
import io.storageprobe.operator.labels.VerdictEvents;
import io.storageprobe.operator.metrics.NodeVerdictGauges;
import io.storageprobe.operator.metrics.ProbeStateGauges;
import io.storageprobe.operator.metrics.StorageClassGauges;
import io.storageprobe.operator.qemu.KubeVirtEventSource;
import io.storageprobe.operator.qemu.KubeVirtLookup;
import io.storageprobe.operator.qemu.KubeVirtRelease;
import io.storageprobe.operator.qemu.QemuResolver;
import io.storageprobe.operator.qemu.ResolvedQemu;
import io.storageprobe.operator.qemu.UnreadableReleaseEvent;
import io.storageprobe.operator.settings.OperatorSettings;
import io.storageprobe.operator.spec.SpecProblem;
import io.storageprobe.operator.spec.SpecValidator;
import io.storageprobe.operator.status.AggregationInput;
import io.storageprobe.operator.status.RolloutState;
import io.storageprobe.operator.status.StatusAggregator;
import io.storageprobe.operator.status.StorageClassAggregator;
import io.storageprobe.operator.status.StorageClassReport;
import io.storageprobe.operator.trust.CheckedWriters;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reconciles a StorageProbe in named steps: validate the spec, keep the agent DaemonSet as
 * desired, drop results of vanished nodes, aggregate the results into the status, label the
 * nodes. On deletion, removes what it put on nodes (the finalizer is JOSDK's, through Cleaner).
 */
@ControllerConfiguration(name = "storageprobe")
public final class StorageProbeReconciler implements Reconciler<StorageProbe>, Cleaner<StorageProbe>, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(StorageProbeReconciler.class);
    /**
     * Node patches in flight at once: enough to hide the round trip, few enough to leave most of the API
     * server's --max-mutating-requests-inflight (200 by default, shared by every client) to others.
     */
    private static final int NODE_PATCHES_AT_ONCE = 16;
    /** The name of the metadata-only Node informer ({@link NodeTaintsSource} is the other one). */
    static final String NODES = "nodes";

    private static final String PATCHES_DONE = "node-patches-done";

    private final OperatorSettings settings;
    private final NodeVerdictGauges gauges;
    private final StorageClassGauges storageClassGauges;
    private final ProbeStateGauges probeStateGauges;
    private final StatusAggregator aggregator = new StatusAggregator();
    private final SpecValidator validator = new SpecValidator();
    private final IgnoredResults ignoredResults = new IgnoredResults();
    /** Remembers the last known KubeVirt QEMU for the life of the process (design.md section 3). */
    private final QemuResolver qemuResolver = new QemuResolver();

    /** Wakes a probe's reconcile when its queued node patches are done ({@link NodePatchQueue}). */
    private final SimpleInboundEventSource<StorageProbe> patchesDone = new SimpleInboundEventSource<>(PATCHES_DONE);

    private final NodePatchQueue nodePatches =
            new NodePatchQueue(NODE_PATCHES_AT_ONCE, probe -> patchesDone.propagateEvent(new ResourceID(probe)));
    /** Our node writes, whose echo in the Node informer wakes no reconcile. */
    private final OwnNodeWrites ownNodeWrites = new OwnNodeWrites();
    /** Remembers each node's last verdict across reconciles, to record an Event only on a change. */
    private VerdictEvents verdictEvents;
    /** Whether each result was written by its node's agent Pod, checked once per version of it. */
    private CheckedWriters checkedWriters;
    /** The taints read of nodes where a taint had to change (the Node informer has none). */
    private NodeTaints nodeTaints;
    /** The Node informer's own client ({@link NodeMetadataOnly}); closed with the reconciler. */
    private KubernetesClient nodeMetadataClient;

    public StorageProbeReconciler(
            OperatorSettings settings,
            NodeVerdictGauges gauges,
            StorageClassGauges storageClassGauges,
            ProbeStateGauges probeStateGauges) {
        this.settings = settings;
        this.gauges = gauges;
        this.storageClassGauges = storageClassGauges;
        this.probeStateGauges = probeStateGauges;
    }

    /**
     * Objects per page of an informer's first LIST (and of a re-list after its watch expired), for
     * the kinds that grow with the cluster: one per node (Nodes, results, agent pods) or per volume.
     * Unpaged, 5,000 nodes and results arrive as one response each, held whole (the body, then every
     * object parsed) until the slim cache took them: a 128 MiB heap ran out there, though the
     * cached live set is 70-80 MiB (docs/performance.md, "Nodes watched as metadata"). A page is
     * slimmed into the cache before the next is asked for. 500 as client-go's informers.
     */
    static final long LIST_PAGE = 500;

    @Override
    public List<EventSource<?, StorageProbe>> prepareEventSources(EventSourceContext<StorageProbe> context) {
        var daemonSets = new InformerEventSource<>(
                InformerEventSourceConfiguration.from(DaemonSet.class, StorageProbe.class)
                        .withNamespaces(settings.namespace())
                        .withLabelSelector("app.kubernetes.io/managed-by=storageprobe-operator")
                        .withSecondaryToPrimaryMapper(Mappers.fromOwnerReferences(StorageProbe.class, true))
                        .build(),
                context);
        var results = new InformerEventSource<>(
                InformerEventSourceConfiguration.from(StorageProbeResult.class, StorageProbe.class)
                        .withItemStore(SlimItemStore.results())
                        .withInformerListLimit(LIST_PAGE)
                        .withSecondaryToPrimaryMapper(r ->
                                probeOf(r).map(p -> Set.of(new ResourceID(p))).orElse(Set.of()))
                        .build(),
                context);
        // Every probe cares about every node: a node coming or going changes nodesTargeted.
        // Metadata only: a Node's spec and status are most of its bytes and the operator reads neither.
        nodeMetadataClient = NodeMetadataOnly.client(context.getClient());
        var nodes = new InformerEventSource<>(
                InformerEventSourceConfiguration.from(Node.class, StorageProbe.class)
                        .withName(NODES)
                        .withKubernetesClient(nodeMetadataClient)
                        .withItemStore(SlimItemStore.nodes())
                        .withInformerListLimit(LIST_PAGE)
                        .withSecondaryToPrimaryMapper(n -> everyProbe(context))
                        // kubelet's status updates change no label or annotation, and our own patches
                        // were planned by a reconcile already: no reconcile for either. A change that
                        // lands while the node's patch runs is seen by the reconcile that follows the
                        // queue (patchesDone).
                        .withOnUpdateFilter((next, before) -> !ownNodeWrites.isEcho(next)
                                && !nodePatches.patching(next.getMetadata().getName())
                                && (!Objects.equals(
                                                next.getMetadata().getLabels(),
                                                before.getMetadata().getLabels())
                                        || !Objects.equals(
                                                next.getMetadata().getAnnotations(),
                                                before.getMetadata().getAnnotations())))
                        .build(),
                context);
        // Volumes name their PersistentVolume; its StorageClass is looked up here. Both change rarely.
        var volumes = new InformerEventSource<>(
                InformerEventSourceConfiguration.from(PersistentVolume.class, StorageProbe.class)
                        .withItemStore(SlimItemStore.persistentVolumes())
                        .withInformerListLimit(LIST_PAGE)
                        .withSecondaryToPrimaryMapper(v -> everyProbe(context))
                        .build(),
                context);
        var storageClasses = new InformerEventSource<>(
                InformerEventSourceConfiguration.from(StorageClass.class, StorageProbe.class)
                        .withSecondaryToPrimaryMapper(c -> everyProbe(context))
                        .build(),
                context);
        // The agent pods kubelet cannot start (image pull, crash loop) show in Ready. Watched, in
        // our namespace and by label: a LIST per reconcile would multiply with probes and nodes.
        // Only a change of that state wakes a reconcile, not every pod status update.
        var agentPods = new InformerEventSource<>(
                InformerEventSourceConfiguration.from(Pod.class, StorageProbe.class)
                        .withNamespaces(settings.namespace())
                        .withLabelSelector("app.kubernetes.io/name=storageprobe-agent")
                        .withItemStore(SlimItemStore.agentPods())
                        .withInformerListLimit(LIST_PAGE)
                        .withOnUpdateFilter(AgentPodStates::stuckChanged)
                        .withSecondaryToPrimaryMapper(
                                p -> probeOf(p.getMetadata().getLabels())
                                        .map(n -> Set.of(new ResourceID(n)))
                                        .orElse(Set.of()))
                        .build(),
                context);
        // Why agent pods were refused: the DaemonSet controller's FailedCreate Events, watched (one
        // LIST when the operator starts) and not listed per reconcile, which made thousands of LISTs
        // while pods stayed refused. A new refusal wakes its DaemonSet's probe.
        var refusals = new InformerEventSource<>(
                InformerEventSourceConfiguration.from(Event.class, StorageProbe.class)
                        .withNamespaces(settings.namespace())
                        .withFieldSelector(AgentPodRefusals.FAILED_CREATE)
                        .withSecondaryToPrimaryMapper(e -> AgentPodRefusals.probeOf(e)
                                .map(n -> Set.of(new ResourceID(n)))
                                .orElse(Set.of()))
                        .build(),
                context);
        return List.of(
                daemonSets,
                results,
                nodes,
                volumes,
                storageClasses,
                agentPods,
                refusals,
                patchesDone,
                KubeVirtEventSource.create(context, settings.kubevirtPollPeriod()));
    }

    @Override
    public UpdateControl<StorageProbe> reconcile(StorageProbe probe, Context<StorageProbe> context) {
        KubernetesClient client = context.getClient();
        String name = probe.getMetadata().getName();
        Optional<SpecProblem> problem = validator.validate(probe);
        ResolvedQemu qemu = problem.isPresent()
                ? null
                : qemuResolver.resolve(
                        probe.getSpec(),
                        // Polled for every probe; a probe newer than the last poll looks it up itself.
                        context.getSecondaryResource(KubeVirtRelease.class)
                                .orElseGet(() -> KubeVirtLookup.find(client)),
                        probe.getStatus() == null ? null : probe.getStatus().qemu(),
                        Instant.now());
        NodeTaintsSource.ensureFor(probe, context);
        Snapshot snapshot = Snapshot.of(probe, context, settings);
        CountedResults counted = CountedResults.count(
                name,
                snapshot,
                qemu == null ? null : qemu.inForce(),
                volumesCount(probe),
                settings.checkWriters() ? writers(client) : null);
        ProbeEvents resultEvents = new ProbeEvents(client, settings.eventNamespace());
        counted.refused().forEach((r, why) -> ignoredResults.report(r, why, name, resultEvents));
        if (problem.isPresent()) {
            LOG.info(
                    "StorageProbe {} has an invalid spec: {}",
                    name,
                    problem.get().message());
            new DaemonSetStep(client).remove(snapshot.daemonSet());
        } else {
            new DaemonSetStep(client).apply(AgentDaemonSet.desired(probe, settings), snapshot.daemonSet());
            new ResultGarbageStep(client).deleteResultsOfVanishedNodes(snapshot);
        }
        RolloutState rollout = RolloutState.of(snapshot.daemonSet())
                .withStuck(
                        problem.isPresent()
                                ? List.of()
                                : AgentPodStates.stuck(context.getSecondaryResourcesAsStream(Pod.class)));
        if (problem.isEmpty() && rollout.podsMaybeMissing()) {
            rollout = rollout.withRefusal(
                    AgentPodRefusals.latest(context.getSecondaryResourcesAsStream(Event.class), snapshot.daemonSet())
                            .orElse(null));
        }
        StorageProbeStatus status = aggregator
                .aggregate(new AggregationInput(
                        generation(probe),
                        problem.orElse(null),
                        snapshot.targetedNodeNames(),
                        counted.forNodes(),
                        rollout,
                        probe.getStatus(),
                        Instant.now(),
                        qemu,
                        problem.isPresent()
                                ? StorageClassReport.NONE
                                : StorageClassAggregator.aggregate(
                                        counted.judged(), snapshot.volumes(), snapshot.provisioners())))
                .withRefusedResults(IgnoredResults.inStatus(counted.refused()));
        boolean statusChanged = !StatusAggregator.sameStatus(status, probe.getStatus());
        new UnreadableReleaseEvent(client, settings.eventNamespace())
                .recordIfNew(
                        probe,
                        probe.getStatus() == null ? null : probe.getStatus().conditions(),
                        status.conditions());
        if (problem.isEmpty()) {
            labelStep(client).apply(probe, snapshot, counted.verdicts(), Snapshot.currentNodes(context), nodePatches);
        }
        gauges.update(name, status.summary());
        storageClassGauges.update(name, status.storageClasses());
        status.conditions().stream()
                .filter(c -> c.type().equals(ProbeCondition.READY))
                .findFirst()
                .ifPresent(ready -> probeStateGauges.update(
                        name,
                        ready.status(),
                        ready.reason(),
                        problem.isPresent()
                                ? null
                                : ProbeInterval.parse(
                                        probe.getSpec() == null
                                                ? null
                                                : probe.getSpec().interval())));
        long next = ReconcilePacing.requeueAfter(rollout.podsMaybeMissing()).toMillis();
        if (!statusChanged) {
            return UpdateControl.<StorageProbe>noUpdate().rescheduleAfter(next, TimeUnit.MILLISECONDS);
        }
        probe.setStatus(status);
        return UpdateControl.patchStatus(probe).rescheduleAfter(next, TimeUnit.MILLISECONDS);
    }

    @Override
    public DeleteControl cleanup(StorageProbe probe, Context<StorageProbe> context) {
        Snapshot snapshot = Snapshot.of(probe, context, settings);
        KubernetesClient client = context.getClient();
        labelStep(client).removeAll(probe, snapshot, nodePatches);
        // Owner references let the garbage collector remove these too; deleting them here makes
        // the cleanup immediate and independent of the collector.
        new DaemonSetStep(client).remove(snapshot.daemonSet());
        new ResultGarbageStep(client).deleteAll(snapshot);
        gauges.remove(probe.getMetadata().getName());
        storageClassGauges.remove(probe.getMetadata().getName());
        probeStateGauges.remove(probe.getMetadata().getName());
        return DeleteControl.defaultDelete();
    }

    /** Failures become a retry with backoff (JOSDK's), never a crash; the status is left as it was. */
    @Override
    public ErrorStatusUpdateControl<StorageProbe> updateErrorStatus(
            StorageProbe probe, Context<StorageProbe> context, Exception e) {
        if (e instanceof KubernetesClientException k && k.getCode() == 409) {
            // The probe changed between our read and our status patch: reconciled again at once.
            LOG.info(
                    "StorageProbe {} changed while it was reconciled (409 Conflict); reconciling it again",
                    probe.getMetadata().getName());
        } else {
            LOG.warn(
                    "reconciling StorageProbe {} failed: {}",
                    probe.getMetadata().getName(),
                    e.toString());
        }
        return ErrorStatusUpdateControl.noStatusUpdate();
    }

    /** After the operator stopped: no reconcile is running that could still submit patches. */
    @Override
    public void close() {
        nodePatches.close();
        if (nodeMetadataClient != null) {
            nodeMetadataClient.close();
        }
    }

    /** One for the life of the reconciler: it remembers each result's verdict. */
    private synchronized CheckedWriters writers(KubernetesClient client) {
        if (checkedWriters == null) {
            checkedWriters = new CheckedWriters(client, settings.namespace(), settings.agentServiceAccount());
        }
        return checkedWriters;
    }

    private NodeLabelStep labelStep(KubernetesClient client) {
        return new NodeLabelStep(
                // Patches through the informer's client: answered with the node's metadata only.
                new NodeLabeler(nodeMetadataClient == null ? client : nodeMetadataClient, ownNodeWrites),
                nodeTaints(client),
                events(client),
                ownNodeWrites);
    }

    private synchronized NodeTaints nodeTaints(KubernetesClient client) {
        if (nodeTaints == null) {
            nodeTaints = new NodeTaints(client);
        }
        return nodeTaints;
    }

    private synchronized VerdictEvents events(KubernetesClient client) {
        if (verdictEvents == null) {
            verdictEvents = new VerdictEvents(client, settings.eventNamespace());
        }
        return verdictEvents;
    }

    private static Set<ResourceID> everyProbe(EventSourceContext<StorageProbe> context) {
        return context.getPrimaryCache().list().map(ResourceID::fromResource).collect(Collectors.toSet());
    }

    private static boolean volumesCount(StorageProbe probe) {
        return probe.getSpec() != null
                && probe.getSpec().targets() != null
                && probe.getSpec().targets().volumesCountForNodes();
    }

    private static long generation(StorageProbe probe) {
        return probe.getMetadata().getGeneration() == null
                ? 0
                : probe.getMetadata().getGeneration();
    }

    static Optional<String> probeOf(StorageProbeResult result) {
        return probeOf(result.getMetadata().getLabels());
    }

    private static Optional<String> probeOf(Map<String, String> labels) {
        return Optional.ofNullable(labels == null ? null : labels.get(StorageProbe.PROBE_LABEL));
    }
}
