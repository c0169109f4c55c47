package io.storageprobe.operator.labels;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.storageprobe.api.result.Verdict;
import io.storageprobe.api.v1alpha1.StorageProbe;
import io.storageprobe.operator.events.ProbeEvents;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Records an Event on a node when its verdict for a probe changes. The previous verdict comes
 * from memory, or after an operator restart from the node's verdict label, so a restart alone
 * does not produce a burst of events.
 */
public final class VerdictEvents {
    private final ProbeEvents events;
    private final Map<String, Verdict> last = new ConcurrentHashMap<>();

    public VerdictEvents(KubernetesClient client, String namespace) {
        this.events = new ProbeEvents(client, namespace);
    }

    /** @param verdict the node's verdict now, or null when the probe has none for it (it is forgotten) */
    public void observe(Node node, String probe, Verdict verdict) {
        String key = probe + "/" + node.getMetadata().getName();
        if (verdict == null) {
            last.remove(key);
            return;
        }
        Verdict before = last.computeIfAbsent(key, k -> fromLabel(node, probe));
        last.put(key, verdict);
        // A first Compatible verdict is no news; on a large cluster it would be one event per node.
        if (before == verdict || before == null && verdict == Verdict.Compatible) {
            return;
        }
        String message = String.format(
                "StorageProbe %s: node verdict %s",
                probe, before == null ? "is " + verdict : "changed from " + before + " to " + verdict);
        events.record(
                probe,
                new ObjectReferenceBuilder()
                        .withApiVersion("v1")
                        .withKind("Node")
                        .withName(node.getMetadata().getName())
                        .withUid(node.getMetadata().getUid())
                        .build(),
                "Verdict" + verdict,
                verdict == Verdict.Affected || verdict == Verdict.Error ? "Warning" : "Normal",
                message);
    }

    private static Verdict fromLabel(Node node, String probe) {
        Map<String, String> labels = node.getMetadata().getLabels();
        String value = labels == null ? null : labels.get(StorageProbe.verdictLabel(probe));
        for (Verdict v : Verdict.values()) {
            if (v.name().toLowerCase(Locale.ROOT).equals(value == null ? null : value.toLowerCase(Locale.ROOT))) {
                return v;
            }
        }
        return null;
    }
}
