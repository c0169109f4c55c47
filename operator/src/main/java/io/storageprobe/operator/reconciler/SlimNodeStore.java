package io.storageprobe.operator.reconciler;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.client.informers.cache.BasicItemStore;
import io.fabric8.kubernetes.client.informers.cache.Cache;
import io.fabric8.kubernetes.client.informers.cache.ItemStore;
import java.util.stream.Stream;

/**
 * The operator's Node cache, holding only what the operator reads of a Node: name, uid,
 * resourceVersion, labels, annotations and taints. A real node's status (images, conditions,
 * addresses) is 10-40 KB of JSON; kept whole, 5,000 of them dominate the operator's heap.
 */
final class SlimNodeStore implements ItemStore<Node> {
    private final BasicItemStore<Node> nodes = new BasicItemStore<>(Cache::metaNamespaceKeyFunc);

    static Node slim(Node node) {
        var meta = node.getMetadata();
        NodeBuilder slim = new NodeBuilder().withApiVersion(node.getApiVersion()).withKind(node.getKind())
                .withNewMetadata().withName(meta.getName()).withUid(meta.getUid())
                .withResourceVersion(meta.getResourceVersion()).withLabels(meta.getLabels())
                .withAnnotations(meta.getAnnotations()).endMetadata();
        if (node.getSpec() != null && node.getSpec().getTaints() != null) {
            slim.withNewSpec().withTaints(node.getSpec().getTaints()).endSpec();
        }
        return slim.build();
    }

    @Override
    public String getKey(Node node) {
        return nodes.getKey(node);
    }

    @Override
    public Node put(String key, Node node) {
        return nodes.put(key, slim(node));
    }

    @Override
    public Node remove(String key) {
        return nodes.remove(key);
    }

    @Override
    public Stream<String> keySet() {
        return nodes.keySet();
    }

    @Override
    public Stream<Node> values() {
        return nodes.values();
    }

    @Override
    public int size() {
        return nodes.size();
    }

    @Override
    public Node get(String key) {
        return nodes.get(key);
    }
}
