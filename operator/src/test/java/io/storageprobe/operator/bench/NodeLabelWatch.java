package io.storageprobe.operator.bench;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.fabric8.kubernetes.client.http.BasicBuilder;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.Interceptor;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * When the nodes got a label, from a watch of the nodes' metadata (the API server's
 * PartialObjectMetadata: a LIST of 5,000 whole 16 KB Nodes every poll would load the server
 * and the machine the bench measures). Also lists the nodes' metadata.
 */
final class NodeLabelWatch implements AutoCloseable {
    private final KubernetesClient client;
    private final String label;
    private final int nodes;
    private final Set<String> labelled = ConcurrentHashMap.newKeySet();
    private volatile long first;
    private volatile long all;
    private Watch watch;

    NodeLabelWatch(KubernetesClient admin, String label, int nodes) {
        this.client = new KubernetesClientBuilder()
                .withConfig(admin.getConfiguration())
                .withHttpClientBuilderConsumer(b -> b.addOrReplaceInterceptor("metadata-only", new Interceptor() {
                    @Override
                    public void before(BasicBuilder builder, HttpRequest request, RequestTags tags) {
                        if (request.uri().getPath().endsWith("/api/v1/nodes")) {
                            boolean watching = request.uri().getQuery() != null
                                    && request.uri().getQuery().contains("watch=true");
                            builder.setHeader(
                                    "Accept",
                                    "application/json;as=PartialObjectMetadata" + (watching ? "" : "List")
                                            + ";g=meta.k8s.io;v=v1,application/json");
                        }
                    }
                }))
                .build();
        this.label = label;
        this.nodes = nodes;
    }

    /** Every node's name, labels, annotations and resourceVersion. */
    List<Node> listMetadata() {
        List<Node> nodes = client.nodes().list().getItems();
        // The server calls them meta.k8s.io/v1 PartialObjectMetadata; fabric8 builds a node's URL from apiVersion.
        nodes.forEach(n -> {
            n.setApiVersion("v1");
            n.setKind("Node");
        });
        return nodes;
    }

    /**
     * Waits until no node changed for {@code quietMillis} (after a load, kube-controller-manager's
     * TTL and node lifecycle controllers write every new Node for a while: patches with the listed
     * resourceVersion would meet 409s the operator, starting later, does not meet).
     */
    List<Node> settled(long quietMillis) throws InterruptedException {
        List<Node> before = listMetadata();
        while (true) {
            Thread.sleep(quietMillis);
            List<Node> now = listMetadata();
            if (versions(now).equals(versions(before))) {
                return now;
            }
            before = now;
        }
    }

    private static java.util.Map<String, String> versions(List<Node> nodes) {
        return nodes.stream()
                .collect(java.util.stream.Collectors.toMap(
                        n -> n.getMetadata().getName(), n -> n.getMetadata().getResourceVersion()));
    }

    void start() {
        String from = client.nodes().list().getMetadata().getResourceVersion();
        watch = client.nodes().withResourceVersion(from).watch(new Watcher<>() {
            @Override
            public void eventReceived(Action action, Node node) {
                var labels = node.getMetadata().getLabels();
                if (action != Action.DELETED
                        && labels != null
                        && labels.containsKey(label)
                        && labelled.add(node.getMetadata().getName())) {
                    long now = System.nanoTime();
                    if (first == 0) {
                        first = now;
                    }
                    if (labelled.size() == nodes) {
                        all = now;
                    }
                }
            }

            @Override
            public void onClose(WatcherException cause) {
                // the bench is over, or the watch broke: all stays 0 and the bench says so
            }
        });
    }

    /** When the first node got the label (System.nanoTime()), 0 if none yet. */
    long first() {
        return first;
    }

    /** When the last one did, 0 if not all yet. */
    long all() {
        return all;
    }

    int labelled() {
        return labelled.size();
    }

    @Override
    public void close() {
        if (watch != null) {
            watch.close();
        }
        client.close();
    }
}
