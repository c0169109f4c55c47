package io.storageprobe.agent.daemon;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.storageprobe.agent.kube.ApiException;
import io.storageprobe.agent.kube.KubeApi;
import io.storageprobe.api.result.NodeResult;
import io.storageprobe.api.v1alpha1.StorageProbe;
import io.storageprobe.api.v1alpha1.StorageProbeResult;
import java.net.HttpURLConnection;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * Writes this node's StorageProbeResult when it changed, when the last write is older than the
 * interval (so the operator can tell a live agent from a dead one by probeTime), or when the
 * kubelet replaced the writer token (so the result always carries one that is still valid).
 *
 * The agent never reads results: it may only create and patch them (charts' agent-rbac.yaml).
 * Reading them would let a taken-over agent copy another node's writer token. So it writes
 * without a resourceVersion: a create, and once the result exists a JSON patch that replaces
 * everything the agent owns (spec, labels, owner, annotations) as an update did. A restarted
 * agent (a new Pod, a new token) writes once at its first result, whatever is stored.
 */
final class ResultWriter {
    private static final String PLURAL = "storageproberesults";
    private final KubeApi client;
    private final String probe;
    private final String node;
    private final WriterToken token;
    private NodeResult lastWritten;
    private Instant lastWriteTime;
    private String lastToken;
    private boolean exists;

    ResultWriter(KubeApi client, String probe, String node) {
        this(client, probe, node, WriterToken.NONE);
    }

    ResultWriter(KubeApi client, String probe, String node, WriterToken token) {
        this.client = client;
        this.probe = probe;
        this.node = node;
        this.token = token;
    }

    String name() {
        return StorageProbeResult.nameFor(probe, node);
    }

    /** Whether the token differs from the one in the last write: the result must then be written again. */
    boolean tokenChanged() {
        return lastWritten != null && !Objects.equals(lastToken, token.current());
    }

    /** @return whether a write was made; throws ApiException when the API server cannot be reached */
    boolean writeIfNeeded(NodeResult result, ProbeSettings settings, Duration interval, Instant now) {
        String currentToken = token.current();
        boolean changed = lastWritten == null
                || !withoutTime(lastWritten).equals(withoutTime(result))
                || !Objects.equals(lastToken, currentToken);
        boolean stale = lastWriteTime == null || !lastWriteTime.plus(interval).isAfter(now);
        if (!changed && !stale) {
            return false;
        }
        StorageProbeResult object = new StorageProbeResult();
        ObjectMetaBuilder meta = new ObjectMetaBuilder().withName(name()).addToLabels(StorageProbe.PROBE_LABEL, probe);
        if (StorageProbeResult.nodeLabelValue(node) != null) {
            meta.addToLabels(StorageProbe.NODE_LABEL, node);
        }
        if (currentToken != null) {
            meta.addToAnnotations(StorageProbeResult.WRITER_TOKEN_ANNOTATION, currentToken);
        }
        object.setMetadata(meta.addNewOwnerReferenceLike(new OwnerReferenceBuilder()
                        .withApiVersion(StorageProbe.GROUP + "/" + StorageProbe.VERSION)
                        .withKind("StorageProbe")
                        .withName(probe)
                        .withUid(settings.uid())
                        .build())
                .endOwnerReference()
                .build());
        object.setSpec(result);
        write(object);
        lastWritten = result;
        lastWriteTime = now;
        lastToken = currentToken;
        return true;
    }

    /** Patch when it is known to exist, else create; either answer saying otherwise switches to the other. */
    private void write(StorageProbeResult object) {
        try {
            if (exists) {
                patch(object);
            } else {
                create(object);
            }
        } catch (ApiException e) {
            if (exists && e.code() == HttpURLConnection.HTTP_NOT_FOUND) {
                create(object); // deleted meanwhile (by the operator, or with its probe)
            } else if (!exists && e.code() == HttpURLConnection.HTTP_CONFLICT) {
                patch(object); // written before this process started
            } else {
                throw e;
            }
        }
        exists = true;
    }

    private void create(StorageProbeResult object) {
        client.create(KubeApi.path(StorageProbe.GROUP, StorageProbe.VERSION, PLURAL, null), object);
    }

    private void patch(StorageProbeResult object) {
        ObjectMeta meta = object.getMetadata();
        ArrayNode ops = JsonNodeFactory.instance.arrayNode();
        add(client, ops, "/spec", object.getSpec());
        add(client, ops, "/metadata/labels", meta.getLabels());
        add(client, ops, "/metadata/ownerReferences", meta.getOwnerReferences());
        // Replaces every annotation: a token of an earlier Pod must not stay behind.
        add(
                client,
                ops,
                "/metadata/annotations",
                meta.getAnnotations() == null ? java.util.Map.of() : meta.getAnnotations());
        client.jsonPatch(KubeApi.path(StorageProbe.GROUP, StorageProbe.VERSION, PLURAL, name()), ops.toString());
    }

    /** "add" sets a member whether or not it exists (RFC 6902), so no read is needed first. */
    private static void add(KubeApi client, ArrayNode ops, String path, Object value) {
        ObjectNode op = ops.addObject();
        op.put("op", "add");
        op.put("path", path);
        op.set("value", client.json().valueToTree(value));
    }

    private static NodeResult withoutTime(NodeResult r) {
        return new NodeResult(
                r.probe(),
                r.node(),
                r.kernelRelease(),
                r.bootId(),
                r.osImage(),
                null,
                r.agentVersion(),
                r.targets(),
                r.verdict(),
                r.qemu());
    }
}
