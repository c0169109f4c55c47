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
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Applies a {@link NodeLabelPlan} to a node (the Events on a verdict change are {@link VerdictEvents}'). */
public final class NodeLabeler {
    private static final Logger LOG = LoggerFactory.getLogger(NodeLabeler.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private final KubernetesClient client;
    private final OwnNodeWrites writes;

    public NodeLabeler(KubernetesClient client, OwnNodeWrites writes) {
        this.client = client;
        this.writes = writes;
    }

    /**
     * @param plan    {@link NodeLabelPlan#plan} of this node for {@code probe}, {@code verdict} and {@code actions},
     *                which are given again to plan anew on the server's copy if the cached one is stale
     * @param verdict the node's verdict, or null to remove this probe's entries from the node
     * @return whether the node was patched
     */
    public boolean apply(Node node, NodeLabelPlan plan, String probe, Verdict verdict, NodeActions actions) {
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
                writes.record(
                        client.nodes().resource(node).patch(PatchContext.of(PatchType.JSON), jsonPatch(node, plan)));
            } catch (KubernetesClientException e) {
                // 409: the resourceVersion is stale. 422: an operation did not apply to the node as it is
                // now (e.g. removing a label someone already removed), also a sign of a stale copy.
                if (e.getCode() != 409 && e.getCode() != 422) {
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

    /**
     * A JSON patch (RFC 6902) of only what the plan changes: our label, the managed-keys annotation,
     * the taints. It also sets the cached resourceVersion, which makes the API server refuse it
     * with 409 if the node changed since. (Not a merge patch: the mock API server of the tests
     * stores a merge patch's nulls instead of removing the keys.)
     */
    static String jsonPatch(Node node, NodeLabelPlan plan) {
        List<Map<String, Object>> ops = new ArrayList<>();
        ops.add(op("replace", "/metadata/resourceVersion", node.getMetadata().getResourceVersion()));
        Map<String, String> before = node.getMetadata().getLabels();
        // fabric8 reads an absent map as an empty one, and the API server never stores an empty
        // map: empty means absent, where an add under /metadata/labels/ is refused with 422.
        if (before == null || before.isEmpty()) {
            ops.add(op("add", "/metadata/labels", plan.labels()));
        } else {
            plan.labels().forEach((k, v) -> {
                if (!v.equals(before.get(k))) {
                    ops.add(op("add", "/metadata/labels/" + escape(k), v));
                }
            });
            before.keySet().stream()
                    .filter(k -> !plan.labels().containsKey(k))
                    .forEach(k -> ops.add(op("remove", "/metadata/labels/" + escape(k), null)));
        }
        Map<String, String> annotations = node.getMetadata().getAnnotations();
        String managed = annotations == null ? null : annotations.get(StorageProbe.MANAGED_LABELS_ANNOTATION);
        if (!Objects.equals(managed, plan.annotation())) {
            String path = "/metadata/annotations/" + escape(StorageProbe.MANAGED_LABELS_ANNOTATION);
            if (plan.annotation() == null) {
                ops.add(op("remove", path, null));
            } else if (annotations == null || annotations.isEmpty()) {
                ops.add(op(
                        "add",
                        "/metadata/annotations",
                        Map.of(StorageProbe.MANAGED_LABELS_ANNOTATION, plan.annotation())));
            } else {
                ops.add(op("add", path, plan.annotation()));
            }
        }
        List<Taint> taints = node.getSpec() == null || node.getSpec().getTaints() == null
                ? List.of()
                : node.getSpec().getTaints();
        if (!taints.equals(plan.taints())) {
            if (plan.taints().isEmpty()) {
                ops.add(op("remove", "/spec/taints", null));
            } else if (node.getSpec() == null) {
                ops.add(op("add", "/spec", Map.of("taints", plan.taints())));
            } else {
                ops.add(op(
                        "add",
                        "/spec/taints",
                        plan.taints())); // replaces the list whole: the resourceVersion guards it
            }
        }
        try {
            return JSON.writeValueAsString(ops);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Map<String, Object> op(String op, String path, Object value) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("op", op);
        m.put("path", path);
        if (!op.equals("remove")) {
            m.put("value", value);
        }
        return m;
    }

    /** JSON pointer escaping of a key: ~ and / */
    private static String escape(String key) {
        return key.replace("~", "~0").replace("/", "~1");
    }

    private void editFresh(String name, String probe, Verdict verdict, NodeActions actions) {
        Node written = client.nodes().withName(name).edit(n -> {
            // Re-plan on the node as the server has it now: another probe may have written in between.
            NodeLabelPlan fresh = NodeLabelPlan.plan(n, probe, verdict, actions);
            n.getMetadata().setLabels(fresh.labels());
            Map<String, String> annotations = new HashMap<>(
                    n.getMetadata().getAnnotations() == null
                            ? Map.of()
                            : n.getMetadata().getAnnotations());
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
        writes.record(written);
    }
}
