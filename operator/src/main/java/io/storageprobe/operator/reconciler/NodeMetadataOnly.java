package io.storageprobe.operator.reconciler;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonSetter;
import com.fasterxml.jackson.annotation.Nulls;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.http.BasicBuilder;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.Interceptor;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.util.List;

/**
 * Asks the API server for Nodes as metadata only (meta.k8s.io/v1 PartialObjectMetadata): the Node
 * informer's LIST and WATCH. The operator reads a node's name, labels and annotations; a real
 * Node's spec and status (images, conditions, addresses) are 10-40 KB of JSON that the operator
 * would receive and parse on every list and every kubelet status update, only to drop them
 * ({@link SlimItemStore}): 80 MB at 5,000 nodes (docs/performance.md). The taints, where a probe
 * needs them, are read by GET ({@code labels.NodeTaints}) or by a taint informer started only for
 * probes that name tolerations ({@link NodeTaintsSource}).
 *
 * fabric8 has no metadata-only informer; this interceptor sets the Accept header of the
 * collection requests of the client the Node informer alone uses. The object comes back as
 * kind PartialObjectMetadata, which fabric8 reads into a Node without spec and status.
 */
final class NodeMetadataOnly implements Interceptor {
    static final String LIST = "application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1,application/json";
    static final String WATCH = "application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1,application/json";
    private static final String NODES = "/api/v1/nodes";

    /** A client for the Node informer and the node patches: the operator's configuration, metadata-only answers. */
    static KubernetesClient client(KubernetesClient operatorClient) {
        return new KubernetesClientBuilder()
                .withConfig(operatorClient.getConfiguration())
                .withKubernetesSerialization(serialization())
                .withHttpClientBuilderConsumer(
                        b -> b.addOrReplaceInterceptor("node-metadata-only", new NodeMetadataOnly()))
                .build();
    }

    /**
     * fabric8's, but a JSON null where a list belongs reads as an empty list: the API server
     * answers a metadata list of no nodes with {@code "items": null} (Go's nil slice), on which
     * fabric8's informer fails and the operator stops (a cluster of no nodes: the test clusters).
     * And a node's managedFields are skipped, not read: who wrote which field is most of a Node's
     * metadata (kubelet's status fields alone, several KB of nested maps), comes with every watch
     * event and patch answer, and nothing here reads it ({@link SlimItemStore} drops it).
     */
    static KubernetesSerialization serialization() {
        ObjectMapper mapper = new ObjectMapper();
        mapper.configOverride(List.class).setSetterInfo(JsonSetter.Value.forValueNulls(Nulls.AS_EMPTY));
        mapper.addMixIn(ObjectMeta.class, WithoutManagedFields.class);
        return new KubernetesSerialization(mapper, true);
    }

    @JsonIgnoreProperties("managedFields")
    private abstract static class WithoutManagedFields {}

    @Override
    public void before(BasicBuilder builder, HttpRequest request, RequestTags tags) {
        String accept =
                accept(request.method(), request.uri().getPath(), request.uri().getQuery());
        if (accept != null) {
            builder.setHeader("Accept", accept);
        }
    }

    /**
     * The Accept header for a request, or null to leave it as it is (a single node's GET, other
     * resources). A node patch's answer is the node's metadata too: the labeler needs only its new
     * resourceVersion, and a whole Node is 10-40 KB that the API server would encode and the
     * operator parse, 5,000 times when a fleet is first labelled.
     */
    static String accept(String method, String path, String query) {
        if ("PATCH".equals(method)
                && path != null
                && path.startsWith(NODES + "/")
                && path.indexOf('/', NODES.length() + 1) < 0) {
            return WATCH;
        }
        if (!"GET".equals(method) || path == null || !path.endsWith(NODES)) {
            return null;
        }
        // A watch sends single objects, a list a list: the server refuses a media type of the wrong one.
        return query != null && query.matches("(^|.*&)watch=(true|1)(&.*|$)") ? WATCH : LIST;
    }
}
