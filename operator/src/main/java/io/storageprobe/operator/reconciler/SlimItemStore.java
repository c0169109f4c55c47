package io.storageprobe.operator.reconciler;

import io.fabric8.kubernetes.api.model.ContainerStateBuilder;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolume;
import io.fabric8.kubernetes.api.model.PersistentVolumeBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.informers.cache.BasicItemStore;
import io.fabric8.kubernetes.client.informers.cache.Cache;
import io.fabric8.kubernetes.client.informers.cache.ItemStore;
import io.storageprobe.api.result.NodeResult;
import io.storageprobe.api.result.TargetResult;
import io.storageprobe.api.v1alpha1.StorageProbeResult;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

/**
 * An informer cache holding only what the operator reads of each object. A real Node's status
 * (images, conditions, addresses) is 10-40 KB of JSON, a result's measured facts are 40% of a
 * one-disk result, a PersistentVolume's spec carries its CSI attributes; kept whole, 5,000 of
 * each dominate the operator's heap.
 */
final class SlimItemStore<T extends HasMetadata> implements ItemStore<T> {
    private final BasicItemStore<T> items = new BasicItemStore<>(Cache::metaNamespaceKeyFunc);
    private final UnaryOperator<T> slim;

    private SlimItemStore(UnaryOperator<T> slim) {
        this.slim = slim;
    }

    static SlimItemStore<Node> nodes() {
        return new SlimItemStore<>(SlimItemStore::slim);
    }

    static SlimItemStore<PersistentVolume> persistentVolumes() {
        return new SlimItemStore<>(SlimItemStore::slim);
    }

    static SlimItemStore<Pod> agentPods() {
        return new SlimItemStore<>(SlimItemStore::slim);
    }

    static SlimItemStore<StorageProbeResult> results() {
        return new SlimItemStore<>(SlimItemStore::slim);
    }

    /** The nodes of {@link NodeTaintsSource}: name, resourceVersion and taints. */
    static SlimItemStore<Node> nodeTaints() {
        return new SlimItemStore<>(SlimItemStore::taintsOnly);
    }

    /**
     * Name, uid, resourceVersion (a node patch's precondition), labels and annotations: the
     * metadata the Node informer receives ({@link NodeMetadataOnly}). Never the taints, also where
     * the API server sent a whole Node (the fabric8 mock server of the tests ignores the metadata-only
     * Accept header): what the operator reads must not depend on the server.
     */
    static Node slim(Node node) {
        var meta = node.getMetadata();
        // kind: the API server calls these PartialObjectMetadata.
        return new NodeBuilder()
                .withApiVersion("v1")
                .withKind("Node")
                .withNewMetadata()
                .withName(meta.getName())
                .withUid(meta.getUid())
                .withResourceVersion(meta.getResourceVersion())
                .withLabels(meta.getLabels())
                .withAnnotations(meta.getAnnotations())
                .endMetadata()
                .build();
    }

    static Node taintsOnly(Node node) {
        var meta = node.getMetadata();
        NodeBuilder slim = new NodeBuilder()
                .withApiVersion("v1")
                .withKind("Node")
                .withNewMetadata()
                .withName(meta.getName())
                .withUid(meta.getUid())
                .withResourceVersion(meta.getResourceVersion())
                .endMetadata();
        if (node.getSpec() != null && node.getSpec().getTaints() != null) {
            slim.withNewSpec().withTaints(node.getSpec().getTaints()).endSpec();
        }
        return slim.build();
    }

    /**
     * Name, labels (the probe), node and each container's waiting state: what
     * {@link AgentPodStates} reads. A real pod's spec and status are several KB; one per node.
     */
    static Pod slim(Pod pod) {
        var meta = pod.getMetadata();
        PodBuilder slim = new PodBuilder()
                .withApiVersion(pod.getApiVersion())
                .withKind(pod.getKind())
                .withNewMetadata()
                .withName(meta.getName())
                .withNamespace(meta.getNamespace())
                .withUid(meta.getUid())
                .withResourceVersion(meta.getResourceVersion())
                .withLabels(meta.getLabels())
                .endMetadata();
        if (pod.getSpec() != null) {
            slim.withNewSpec().withNodeName(pod.getSpec().getNodeName()).endSpec();
        }
        if (pod.getStatus() != null && pod.getStatus().getContainerStatuses() != null) {
            slim.withNewStatus()
                    .withContainerStatuses(pod.getStatus().getContainerStatuses().stream()
                            .map(c -> new ContainerStatusBuilder()
                                    .withName(c.getName())
                                    .withState(
                                            c.getState() == null || c.getState().getWaiting() == null
                                                    ? null
                                                    : new ContainerStateBuilder()
                                                            .withWaiting(
                                                                    c.getState().getWaiting())
                                                            .build())
                                    .build())
                            .toList())
                    .endStatus();
        }
        return slim.build();
    }

    /** Name, resourceVersion, its StorageClass and the claim bound to it. */
    static PersistentVolume slim(PersistentVolume pv) {
        var meta = pv.getMetadata();
        PersistentVolumeBuilder slim = new PersistentVolumeBuilder()
                .withApiVersion(pv.getApiVersion())
                .withKind(pv.getKind())
                .withNewMetadata()
                .withName(meta.getName())
                .withUid(meta.getUid())
                .withResourceVersion(meta.getResourceVersion())
                .endMetadata();
        if (pv.getSpec() != null) {
            var claim = pv.getSpec().getClaimRef();
            slim.withNewSpec()
                    .withStorageClassName(pv.getSpec().getStorageClassName())
                    .withClaimRef(
                            claim == null
                                    ? null
                                    : new io.fabric8.kubernetes.api.model.ObjectReferenceBuilder()
                                            .withNamespace(claim.getNamespace())
                                            .withName(claim.getName())
                                            .build())
                    .endSpec();
        }
        return slim.build();
    }

    /**
     * A result without its targets' measured facts (block sizes, every probe read, statx): the
     * operator judges from the rule outcomes and never reads them.
     */
    static StorageProbeResult slim(StorageProbeResult result) {
        StorageProbeResult slim = new StorageProbeResult();
        var meta = result.getMetadata();
        slim.setMetadata(new ObjectMetaBuilder()
                .withName(meta.getName())
                .withUid(meta.getUid())
                .withResourceVersion(meta.getResourceVersion())
                .withLabels(meta.getLabels())
                .withAnnotations(writerToken(meta.getAnnotations()))
                .build());
        NodeResult r = result.getSpec();
        if (r != null) {
            slim.setSpec(new NodeResult(
                    r.probe(),
                    r.node(),
                    r.kernelRelease(),
                    r.bootId(),
                    r.osImage(),
                    r.probeTime(),
                    r.agentVersion(),
                    r.targets() == null
                            ? null
                            : r.targets().stream()
                                    .map(t -> new TargetResult(
                                            t.kind(),
                                            t.name(),
                                            t.path(),
                                            t.filesystem(),
                                            t.device(),
                                            null,
                                            t.rules(),
                                            t.verdict(),
                                            t.reason(),
                                            t.latentFindings(),
                                            t.persistentVolume()))
                                    .toList(),
                    r.verdict(),
                    r.qemu()));
        }
        return slim;
    }

    /**
     * Of a result's annotations only the writer token: the writer check reads it (about 1 KB).
     * Never null: JOSDK's informer reads the cached object's annotations without a null check.
     */
    private static java.util.Map<String, String> writerToken(java.util.Map<String, String> annotations) {
        String token = annotations == null ? null : annotations.get(StorageProbeResult.WRITER_TOKEN_ANNOTATION);
        return token == null ? java.util.Map.of() : java.util.Map.of(StorageProbeResult.WRITER_TOKEN_ANNOTATION, token);
    }

    @Override
    public String getKey(T item) {
        return items.getKey(item);
    }

    @Override
    public T put(String key, T item) {
        return items.put(key, slim.apply(item));
    }

    @Override
    public T remove(String key) {
        return items.remove(key);
    }

    @Override
    public Stream<String> keySet() {
        return items.keySet();
    }

    @Override
    public Stream<T> values() {
        return items.values();
    }

    @Override
    public int size() {
        return items.size();
    }

    @Override
    public T get(String key) {
        return items.get(key);
    }
}
