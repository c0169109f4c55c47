package io.storageprobe.operator.reconciler;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Only the Node informer's LIST and WATCH ask for metadata; a single node, and every write, get whole Nodes. */
class NodeMetadataOnlyTest {
    @Test
    void listsAndWatchesOfNodesAskForMetadataOnly() {
        assertThat(NodeMetadataOnly.accept("GET", "/api/v1/nodes", "resourceVersion=0")).isEqualTo(NodeMetadataOnly.LIST);
        assertThat(NodeMetadataOnly.accept("GET", "/api/v1/nodes", null)).isEqualTo(NodeMetadataOnly.LIST);
        assertThat(NodeMetadataOnly.accept("GET", "/api/v1/nodes", "allowWatchBookmarks=true&watch=true&resourceVersion=5"))
                .isEqualTo(NodeMetadataOnly.WATCH);
        assertThat(NodeMetadataOnly.accept("GET", "/api/v1/nodes", "watch=1")).isEqualTo(NodeMetadataOnly.WATCH);
        assertThat(NodeMetadataOnly.LIST).contains("as=PartialObjectMetadataList;g=meta.k8s.io;v=v1");
        assertThat(NodeMetadataOnly.WATCH).contains("as=PartialObjectMetadata;g=meta.k8s.io;v=v1");
    }

    @Test
    void everythingElseIsLeftAsItIs() {
        assertThat(NodeMetadataOnly.accept("GET", "/api/v1/nodes/worker-1", null)).isNull();
        assertThat(NodeMetadataOnly.accept("PATCH", "/api/v1/nodes/worker-1", null)).isNull();
        assertThat(NodeMetadataOnly.accept("GET", "/api/v1/namespaces/x/pods", "watch=true")).isNull();
        assertThat(NodeMetadataOnly.accept("GET", "/apis/storageprobe.io/v1alpha1/storageprobes", null)).isNull();
    }
}
