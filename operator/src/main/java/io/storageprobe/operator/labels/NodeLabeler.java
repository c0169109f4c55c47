package io.storageprobe.operator.labels;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.storageprobe.api.result.Verdict;
import io.storageprobe.api.v1alpha1.NodeActions;
import io.storageprobe.api.v1alpha1.StorageProbe;
import java.util.HashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Applies a {@link NodeLabelPlan} to a node, and records an Event when its verdict changes. */
public final class NodeLabeler {
    private static final Logger LOG = LoggerFactory.getLogger(NodeLabeler.class);
    private final KubernetesClient client;
    private final VerdictEvents events;

    public NodeLabeler(KubernetesClient client, VerdictEvents events) {
        this.client = client;
        this.events = events;
    }

    /** @param verdict the node's verdict, or null to remove this probe's entries from the node */
    public void apply(Node node, String probe, Verdict verdict, NodeActions actions) {
        events.observe(node, probe, verdict);
        NodeLabelPlan plan = NodeLabelPlan.plan(node, probe, verdict, actions);
        if (!plan.changed()) {
            return;
        }
        try {
            client.nodes().withName(node.getMetadata().getName()).edit(n -> {
                // Re-plan on the node as the server has it now: another probe may have written in between.
                NodeLabelPlan fresh = NodeLabelPlan.plan(n, probe, verdict, actions);
                n.getMetadata().setLabels(fresh.labels());
                Map<String, String> annotations = new HashMap<>(n.getMetadata().getAnnotations() == null ? Map.of() : n.getMetadata().getAnnotations());
                if (fresh.annotation() == null) {
                    annotations.remove(StorageProbe.MANAGED_LABELS_ANNOTATION);
                } else {
                    annotations.put(StorageProbe.MANAGED_LABELS_ANNOTATION, fresh.annotation());
                }
                n.getMetadata().setAnnotations(annotations);
                if (n.getSpec() != null || !fresh.taints().isEmpty()) {
                    if (n.getSpec() == null) {
                        n.setSpec(new io.fabric8.kubernetes.api.model.NodeSpec());
                    }
                    n.getSpec().setTaints(fresh.taints().isEmpty() ? null : fresh.taints());
                }
                return n;
            });
        } catch (KubernetesClientException e) {
            if (e.getCode() == 404) {
                LOG.debug("node {} is gone", node.getMetadata().getName());
                return;
            }
            throw e;
        }
    }
}
