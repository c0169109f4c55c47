package io.storageprobe.operator.labels;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Taint;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.storageprobe.api.result.Verdict;
import io.storageprobe.api.v1alpha1.NodeActions;
import io.storageprobe.api.v1alpha1.StorageProbe;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Applies a {@link NodeLabelPlan} to a node, and records an Event when its verdict changes. */
public final class NodeLabeler {
    private static final Logger LOG = LoggerFactory.getLogger(NodeLabeler.class);
    /** Plain Jackson: it writes the nulls that remove keys in a merge patch. */
    private static final ObjectMapper JSON = new ObjectMapper();
    private final KubernetesClient client;
    private final VerdictEvents events;

    public NodeLabeler(KubernetesClient client, VerdictEvents events) {
        this.client = client;
        this.events = events;
    }

    /**
     * @param verdict the node's verdict, or null to remove this probe's entries from the node
     * @return whether the node was patched
     */
    public boolean apply(Node node, String probe, Verdict verdict, NodeActions actions) {
        events.observe(node, probe, verdict);
        NodeLabelPlan plan = NodeLabelPlan.plan(node, probe, verdict, actions);
        if (!plan.changed()) {
            return false;
        }
        String name = node.getMetadata().getName();
        try {
            try {
                // Planned on the informer's copy, so no GET: on a large cluster a GET per node doubled
                // the requests (docs/performance.md). The copy's resourceVersion is a precondition: if
                // anyone changed the node since, the API server answers 409 instead of losing their write.
                // resource(node), not withName(name): with a name only, fabric8 GETs the node before patching.
                client.nodes().resource(node).patch(PatchContext.of(PatchType.JSON_MERGE), mergePatch(node, plan));
            } catch (KubernetesClientException e) {
                if (e.getCode() != 409) {
                    throw e;
                }
                LOG.debug("node {} changed since it was cached; planning again on the server's copy", name);
                editFresh(name, probe, verdict, actions);
            }
        } catch (KubernetesClientException e) {
            if (e.getCode() == 404) {
                LOG.debug("node {} is gone", name);
                return false;
            }
            throw e;
        }
        return true;
    }

    /** A JSON merge patch of only what the plan changes: our label, the managed-keys annotation, the taints. */
    static String mergePatch(Node node, NodeLabelPlan plan) {
        Map<String, Object> metadata = new LinkedHashMap<>();
        metadata.put("resourceVersion", node.getMetadata().getResourceVersion());
        Map<String, String> before = node.getMetadata().getLabels() == null ? Map.of() : node.getMetadata().getLabels();
        Map<String, String> labels = new LinkedHashMap<>();
        plan.labels().forEach((k, v) -> {
            if (!v.equals(before.get(k))) {
                labels.put(k, v);
            }
        });
        before.keySet().stream().filter(k -> !plan.labels().containsKey(k)).forEach(k -> labels.put(k, null)); // null removes
        if (!labels.isEmpty()) {
            metadata.put("labels", labels);
        }
        Map<String, String> annotations = node.getMetadata().getAnnotations() == null ? Map.of() : node.getMetadata().getAnnotations();
        if (!Objects.equals(annotations.get(StorageProbe.MANAGED_LABELS_ANNOTATION), plan.annotation())) {
            Map<String, String> managed = new HashMap<>();
            managed.put(StorageProbe.MANAGED_LABELS_ANNOTATION, plan.annotation());
            metadata.put("annotations", managed);
        }
        Map<String, Object> patch = new LinkedHashMap<>();
        patch.put("metadata", metadata);
        List<Taint> taints = node.getSpec() == null || node.getSpec().getTaints() == null ? List.of() : node.getSpec().getTaints();
        if (!taints.equals(plan.taints())) {
            // A merge patch replaces a list whole; the resourceVersion precondition makes that safe.
            Map<String, Object> spec = new HashMap<>();
            spec.put("taints", plan.taints().isEmpty() ? null : plan.taints());
            patch.put("spec", spec);
        }
        try {
            return JSON.writeValueAsString(patch);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private void editFresh(String name, String probe, Verdict verdict, NodeActions actions) {
        client.nodes().withName(name).edit(n -> {
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
    }
}
