package io.storageprobe.operator.labels;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Taint;
import io.fabric8.kubernetes.api.model.TaintBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.storageprobe.api.result.Verdict;
import io.storageprobe.api.v1alpha1.NodeActions;
import io.storageprobe.api.v1alpha1.StorageProbe;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A node's taints for planning, where the Node informer holds metadata only (no spec). A probe's
 * taint entries in the node's managed-keys annotation say which of its taints the operator put
 * there: where they are what the probe wants, the plan changes no taint and needs no spec. Only
 * where a taint must come or go is the node read whole, by GET, and its taints kept until the node
 * changes (by resourceVersion): so a taint another probe or a person holds (never taken over) costs
 * one GET, not one per reconcile. One per reconciler, shared by its reconciles.
 */
public final class NodeTaints {
    private final KubernetesClient client;
    /** Node name to its taints (a Node of name, resourceVersion, taints) as last read. */
    private final Map<String, Node> read = new ConcurrentHashMap<>();

    public NodeTaints(KubernetesClient client) {
        this.client = client;
    }

    /**
     * The node to plan on: the node itself where it has its spec; with the taints read or implied
     * by the annotation otherwise; null where its taints must be read first ({@link #read}).
     */
    public Node forPlanning(Node node, String probe, Verdict verdict, NodeActions actions) {
        if (node.getSpec() != null) {
            return node;
        }
        Node known = read.get(node.getMetadata().getName());
        if (known != null
                && Objects.equals(
                        known.getMetadata().getResourceVersion(),
                        node.getMetadata().getResourceVersion())) {
            return withTaints(
                    node, known.getSpec() == null ? null : known.getSpec().getTaints());
        }
        if (known != null) {
            read.remove(node.getMetadata().getName(), known); // the node changed since: what was read may be wrong
        }
        List<String> owned = ManagedKeys.parse(annotation(node)).entries().stream()
                .filter(e -> e.startsWith(ManagedKeys.taintEntry(StorageProbe.AFFECTED_TAINT, probe, "")))
                .toList();
        String effect = NodeLabelPlan.taintEffect(verdict, actions);
        List<String> wanted = effect == null
                ? List.of()
                : List.of(ManagedKeys.taintEntry(StorageProbe.AFFECTED_TAINT, probe, effect));
        if (!owned.equals(wanted)) {
            return null;
        }
        // The plan keeps this probe's own taint and touches no other: these stand for the node's taints.
        return withTaints(
                node,
                effect == null
                        ? null
                        : List.of(new TaintBuilder()
                                .withKey(StorageProbe.AFFECTED_TAINT)
                                .withValue(probe)
                                .withEffect(effect)
                                .build()));
    }

    /** The node as the API server has it now, or null if it is gone; its taints are kept for planning. */
    public Node read(String name) {
        Node node = client.nodes().withName(name).get();
        if (node == null) {
            read.remove(name);
            return null;
        }
        read.put(
                name,
                new NodeBuilder()
                        .withNewMetadata()
                        .withName(name)
                        .withResourceVersion(node.getMetadata().getResourceVersion())
                        .endMetadata()
                        .withNewSpec()
                        .withTaints(
                                node.getSpec() == null ? null : node.getSpec().getTaints())
                        .endSpec()
                        .build());
        return node;
    }

    private static String annotation(Node node) {
        Map<String, String> annotations = node.getMetadata().getAnnotations();
        return annotations == null ? null : annotations.get(StorageProbe.MANAGED_LABELS_ANNOTATION);
    }

    private static Node withTaints(Node node, List<Taint> taints) {
        if (taints == null || taints.isEmpty()) {
            return node;
        }
        // A copy: the informer's node is shared by every reconcile.
        return new NodeBuilder()
                .withApiVersion(node.getApiVersion())
                .withKind(node.getKind())
                .withMetadata(node.getMetadata())
                .withNewSpec()
                .withTaints(taints)
                .endSpec()
                .build();
    }
}
