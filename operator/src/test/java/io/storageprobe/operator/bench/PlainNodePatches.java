package io.storageprobe.operator.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.storageprobe.api.result.Verdict;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The server's speed for the operator's labelling (issue 22): a plain fabric8 client makes the
 * node patches the operator makes, as many at once: one JSON patch per node with the node's
 * resourceVersion as precondition, a label, the managed-keys annotation and, on Affected nodes,
 * a taint, each on its own keys (bench.storageprobe.io/...) so that the operator finds the
 * nodes as unlabelled as before. A 409 (the node changed since it was listed) is answered
 * like the operator does: GET the node, patch again.
 */
final class PlainNodePatches {
    private static final ObjectMapper JSON = new ObjectMapper();
    static final String KEY = "bench.storageprobe.io/baseline";

    record Result(double seconds, int patches, int conflicts) {}

    private PlainNodePatches() {}

    static Result run(KubernetesClient client, List<Node> nodes, int atOnce) throws Exception {
        AtomicInteger conflicts = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(atOnce);
        long start = System.nanoTime();
        try {
            List<Future<?>> done = new ArrayList<>();
            for (Node node : nodes) {
                done.add(pool.submit(() -> {
                    try {
                        client.nodes().resource(node).patch(PatchContext.of(PatchType.JSON), patch(node));
                    } catch (KubernetesClientException e) {
                        if (e.getCode() != 409) {
                            throw e;
                        }
                        conflicts.incrementAndGet();
                        Node fresh = client.nodes()
                                .withName(node.getMetadata().getName())
                                .get();
                        client.nodes().resource(fresh).patch(PatchContext.of(PatchType.JSON), patch(fresh));
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
        } finally {
            pool.shutdownNow(); // after a failure: the queued patches must not keep the bench alive
        }
        return new Result((System.nanoTime() - start) / 1e9, nodes.size(), conflicts.get());
    }

    private static String patch(Node node) throws Exception {
        String name = node.getMetadata().getName();
        int i = Integer.parseInt(name.substring(name.lastIndexOf('-') + 1));
        Verdict verdict = FleetData.verdictOf(i);
        List<Map<String, Object>> ops = new ArrayList<>();
        ops.add(op("replace", "/metadata/resourceVersion", node.getMetadata().getResourceVersion()));
        ops.add(op("add", "/metadata/labels/" + escape(KEY), verdict.name()));
        String managed = KEY + (verdict == Verdict.Affected ? ",taint:" + KEY + "=vmdisks:NoSchedule" : "");
        Map<String, String> annotations = node.getMetadata().getAnnotations();
        ops.add(
                annotations == null || annotations.isEmpty()
                        ? op("add", "/metadata/annotations", Map.of(KEY, managed))
                        : op("add", "/metadata/annotations/" + escape(KEY), managed));
        if (verdict == Verdict.Affected) {
            ops.add(op("add", "/spec/taints", List.of(Map.of("key", KEY, "value", "vmdisks", "effect", "NoSchedule"))));
        }
        return JSON.writeValueAsString(ops);
    }

    private static Map<String, Object> op(String op, String path, Object value) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("op", op);
        m.put("path", path);
        m.put("value", value);
        return m;
    }

    private static String escape(String key) {
        return key.replace("~", "~0").replace("/", "~1");
    }
}
