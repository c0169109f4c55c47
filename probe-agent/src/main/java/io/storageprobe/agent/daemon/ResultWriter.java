package io.storageprobe.agent.daemon;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.NonDeletingOperation;
import io.storageprobe.api.result.NodeResult;
import io.storageprobe.api.v1alpha1.StorageProbe;
import io.storageprobe.api.v1alpha1.StorageProbeResult;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;

/**
 * Writes this node's StorageProbeResult when it changed or the last write is older than the
 * interval, so that a stable cluster causes few writes yet the operator can tell a live agent
 * from a dead one by probeTime.
 */
final class ResultWriter {
    private final KubernetesClient client;
    private final String probe;
    private final String node;
    private NodeResult lastWritten;
    private Instant lastWriteTime;
    private boolean loadedFromServer;

    ResultWriter(KubernetesClient client, String probe, String node) {
        this.client = client;
        this.probe = probe;
        this.node = node;
    }

    String name() {
        return StorageProbeResult.nameFor(probe, node);
    }

    /** @return whether a write was made; throws KubernetesClientException when the API server cannot be reached */
    boolean writeIfNeeded(NodeResult result, ProbeSettings settings, Duration interval, Instant now) {
        if (!loadedFromServer) {
            // After a restart, the result already on the server counts as the last write.
            StorageProbeResult existing = client.resources(StorageProbeResult.class).withName(name()).get();
            if (existing != null && existing.getSpec() != null) {
                lastWritten = existing.getSpec();
                lastWriteTime = parse(existing.getSpec().probeTime());
            }
            loadedFromServer = true;
        }
        boolean changed = lastWritten == null || !withoutTime(lastWritten).equals(withoutTime(result));
        boolean stale = lastWriteTime == null || !lastWriteTime.plus(interval).isAfter(now);
        if (!changed && !stale) {
            return false;
        }
        StorageProbeResult object = new StorageProbeResult();
        ObjectMetaBuilder meta = new ObjectMetaBuilder().withName(name()).addToLabels(StorageProbe.PROBE_LABEL, probe);
        if (StorageProbeResult.nodeLabelValue(node) != null) {
            meta.addToLabels(StorageProbe.NODE_LABEL, node);
        }
        object.setMetadata(meta
                .addNewOwnerReferenceLike(new OwnerReferenceBuilder()
                        .withApiVersion(StorageProbe.GROUP + "/" + StorageProbe.VERSION)
                        .withKind("StorageProbe").withName(probe).withUid(settings.uid())
                        .build()).endOwnerReference()
                .build());
        object.setSpec(result);
        client.resources(StorageProbeResult.class).resource(object).createOr(NonDeletingOperation::update);
        lastWritten = result;
        lastWriteTime = now;
        return true;
    }

    private static NodeResult withoutTime(NodeResult r) {
        return new NodeResult(r.probe(), r.node(), r.kernelRelease(), r.bootId(), r.osImage(), null,
                r.agentVersion(), r.targets(), r.verdict(), r.qemu());
    }

    private static Instant parse(String time) {
        try {
            return time == null ? null : Instant.parse(time);
        } catch (DateTimeParseException e) {
            return null;
        }
    }
}
