package io.storageprobe.operator.reconciler;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeList;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import org.junit.jupiter.api.Test;

/** The Node informer's LIST and WATCH and the node patches ask for metadata; a single node's GET, and other writes, get whole Nodes. */
class NodeMetadataOnlyTest {
    @Test
    void listsAndWatchesOfNodesAskForMetadataOnly() {
        assertThat(NodeMetadataOnly.accept("GET", "/api/v1/nodes", "resourceVersion=0"))
                .isEqualTo(NodeMetadataOnly.LIST);
        assertThat(NodeMetadataOnly.accept("GET", "/api/v1/nodes", null)).isEqualTo(NodeMetadataOnly.LIST);
        assertThat(NodeMetadataOnly.accept(
                        "GET", "/api/v1/nodes", "allowWatchBookmarks=true&watch=true&resourceVersion=5"))
                .isEqualTo(NodeMetadataOnly.WATCH);
        assertThat(NodeMetadataOnly.accept("GET", "/api/v1/nodes", "watch=1")).isEqualTo(NodeMetadataOnly.WATCH);
        assertThat(NodeMetadataOnly.LIST).contains("as=PartialObjectMetadataList;g=meta.k8s.io;v=v1");
        assertThat(NodeMetadataOnly.WATCH).contains("as=PartialObjectMetadata;g=meta.k8s.io;v=v1");
    }

    @Test
    void aMetadataListOfNoNodesReadsAsEmpty() {
        // What kube-apiserver 1.20 answers a metadata-only LIST of nodes with when there are none.
        String none = "{\"kind\":\"PartialObjectMetadataList\",\"apiVersion\":\"meta.k8s.io/v1\","
                + "\"metadata\":{\"resourceVersion\":\"42\"},\"items\":null}";
        NodeList list = NodeMetadataOnly.serialization().unmarshal(none, NodeList.class);
        assertThat(list.getItems()).isNotNull().isEmpty();
        assertThat(list.getMetadata().getResourceVersion()).isEqualTo("42");
        String one = "{\"kind\":\"PartialObjectMetadataList\",\"apiVersion\":\"meta.k8s.io/v1\",\"metadata\":{},"
                + "\"items\":[{\"kind\":\"PartialObjectMetadata\",\"apiVersion\":\"meta.k8s.io/v1\","
                + "\"metadata\":{\"name\":\"n1\",\"labels\":{\"a\":\"b\"}}}]}";
        assertThat(NodeMetadataOnly.serialization()
                        .unmarshal(one, NodeList.class)
                        .getItems())
                .singleElement()
                .satisfies(n -> assertThat(n.getMetadata().getLabels()).containsEntry("a", "b"));
    }

    @Test
    void aNodesManagedFieldsAreSkipped() {
        String node = "{\"kind\":\"PartialObjectMetadata\",\"apiVersion\":\"meta.k8s.io/v1\",\"metadata\":{"
                + "\"name\":\"n1\",\"resourceVersion\":\"7\",\"labels\":{\"a\":\"b\"},\"managedFields\":[{"
                + "\"manager\":\"kubelet\",\"operation\":\"Update\",\"apiVersion\":\"v1\",\"fieldsType\":\"FieldsV1\","
                + "\"fieldsV1\":{\"f:status\":{\"f:conditions\":{\"k:{\\\"type\\\":\\\"Ready\\\"}\":{\".\":{}}}}}}]}}";
        Node read = NodeMetadataOnly.serialization().unmarshal(node, Node.class);
        assertThat(read.getMetadata().getManagedFields()).isEmpty();
        assertThat(read.getMetadata().getLabels()).containsEntry("a", "b");
        assertThat(read.getMetadata().getResourceVersion()).isEqualTo("7");
        assertThat(new KubernetesSerialization()
                        .unmarshal(node, Node.class)
                        .getMetadata()
                        .getManagedFields())
                .as("fabric8's own serialization reads them")
                .hasSize(1);
    }

    @Test
    void aNodePatchIsAnsweredWithTheNodesMetadata() {
        assertThat(NodeMetadataOnly.accept("PATCH", "/api/v1/nodes/worker-1", null))
                .isEqualTo(NodeMetadataOnly.WATCH);
    }

    @Test
    void everythingElseIsLeftAsItIs() {
        assertThat(NodeMetadataOnly.accept("GET", "/api/v1/nodes/worker-1", null))
                .isNull();
        assertThat(NodeMetadataOnly.accept("PATCH", "/api/v1/nodes/worker-1/status", null))
                .isNull();
        assertThat(NodeMetadataOnly.accept("PUT", "/api/v1/nodes/worker-1", null))
                .isNull();
        assertThat(NodeMetadataOnly.accept("GET", "/api/v1/namespaces/x/pods", "watch=true"))
                .isNull();
        assertThat(NodeMetadataOnly.accept("GET", "/apis/storageprobe.io/v1alpha1/storageprobes", null))
                .isNull();
    }
}
