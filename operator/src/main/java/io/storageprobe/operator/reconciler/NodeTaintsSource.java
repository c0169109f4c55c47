package io.storageprobe.operator.reconciler;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Taint;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.event.EventSourceRetriever;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import io.storageprobe.api.v1alpha1.StorageProbe;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;

/**
 * The nodes' taints, for probes that name tolerations: which nodes their agent runs on depends on
 * the taints ({@link NodeTargeting}), which the metadata-only Node informer ({@link NodeMetadataOnly})
 * does not see. A second Node informer, of whole Nodes cached as name and taints only, started
 * the first time such a probe is reconciled and kept for the life of the operator: without
 * tolerations (the default: every taint tolerated) no probe needs it, and the operator never
 * receives the nodes' specs and statuses.
 */
final class NodeTaintsSource {
    static final String NAME = "node-taints";

    private NodeTaintsSource() {}

    /** Starts the taint informer if this probe needs taints and it is not running yet; waits for its first list. */
    static void ensureFor(StorageProbe probe, Context<StorageProbe> context) {
        if (probe.getSpec() == null || probe.getSpec().tolerations() == null) {
            return;
        }
        EventSourceRetriever<StorageProbe> retriever = context.eventSourceRetriever();
        // Probes are reconciled side by side: one registration, under one lock per controller.
        synchronized (retriever) {
            if (find(retriever) == null) {
                var dynamic = retriever.eventSourceContextForDynamicRegistration();
                retriever.dynamicallyRegisterEventSource(new InformerEventSource<>(
                        InformerEventSourceConfiguration.from(Node.class, StorageProbe.class)
                                .withName(NAME)
                                .withItemStore(SlimItemStore.nodeTaints())
                                .withInformerListLimit(StorageProbeReconciler.LIST_PAGE)
                                .withSecondaryToPrimaryMapper(n -> dynamic.getPrimaryCache()
                                        .list()
                                        .map(ResourceID::fromResource)
                                        .collect(Collectors.toSet()))
                                // Only a change of taints can change what a probe targets, and not of
                                // the probes' own (every agent tolerates those, NodeTargeting): their
                                // changes are our patches, one wake-up per tainted node otherwise.
                                .withOnUpdateFilter((next, before) ->
                                        !java.util.Objects.equals(othersTaints(next), othersTaints(before)))
                                .build(),
                        dynamic));
            }
        }
    }

    /**
     * The node with its taints where the taint informer runs (the metadata-only copy otherwise:
     * then no probe reads taints for targeting).
     */
    static UnaryOperator<Node> withTaints(EventSourceRetriever<StorageProbe> retriever) {
        InformerEventSource<Node, StorageProbe> source = find(retriever);
        if (source == null) {
            return UnaryOperator.identity();
        }
        return node -> source.get(new ResourceID(node.getMetadata().getName()))
                .filter(t -> t.getSpec() != null && t.getSpec().getTaints() != null)
                .map(t -> new NodeBuilder(node)
                        .withNewSpec()
                        .withTaints(t.getSpec().getTaints())
                        .endSpec()
                        .build())
                .orElse(node);
    }

    /** The node's taints but the probes' own ({@link StorageProbe#AFFECTED_TAINT}). */
    static List<Taint> othersTaints(Node node) {
        return node.getSpec() == null || node.getSpec().getTaints() == null
                ? List.of()
                : node.getSpec().getTaints().stream()
                        .filter(t -> !StorageProbe.AFFECTED_TAINT.equals(t.getKey()))
                        .toList();
    }

    @SuppressWarnings("unchecked")
    private static InformerEventSource<Node, StorageProbe> find(EventSourceRetriever<StorageProbe> retriever) {
        return (InformerEventSource<Node, StorageProbe>) retriever.getEventSourcesFor(Node.class).stream()
                .filter(s -> NAME.equals(s.name()))
                .findFirst()
                .orElse(null);
    }
}
