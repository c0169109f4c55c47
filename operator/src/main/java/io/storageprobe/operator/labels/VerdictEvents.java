package io.storageprobe.operator.labels;

import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.storageprobe.api.result.Verdict;
import io.storageprobe.api.v1alpha1.StorageProbe;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records an Event on a node when its verdict for a probe changes. The previous verdict comes
 * from memory, or after an operator restart from the node's verdict label, so a restart alone
 * does not produce a burst of events.
 */
public final class VerdictEvents {
    private static final Logger LOG = LoggerFactory.getLogger(VerdictEvents.class);
    private final KubernetesClient client;
    private final String namespace;
    private final Map<String, Verdict> last = new ConcurrentHashMap<>();

    public VerdictEvents(KubernetesClient client, String namespace) {
        this.client = client;
        this.namespace = namespace;
    }

    void observe(Node node, String probe, Verdict verdict) {
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
        String message = String.format("StorageProbe %s: node verdict %s", probe,
                before == null ? "is " + verdict : "changed from " + before + " to " + verdict);
        String now = Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
        try {
            client.v1().events().inNamespace(namespace).resource(new EventBuilder()
                    .withNewMetadata()
                        .withGenerateName("storageprobe-" + probe + "-")
                        .withNamespace(namespace)
                        .addToLabels(StorageProbe.PROBE_LABEL, probe)
                    .endMetadata()
                    .withNewInvolvedObject()
                        .withApiVersion("v1").withKind("Node")
                        .withName(node.getMetadata().getName()).withUid(node.getMetadata().getUid())
                    .endInvolvedObject()
                    .withReason("Verdict" + verdict)
                    .withMessage(message)
                    .withType(verdict == Verdict.Affected || verdict == Verdict.Error ? "Warning" : "Normal")
                    .withNewSource().withComponent("storageprobe-operator").endSource()
                    .withReportingComponent("storageprobe-operator")
                    .withReportingInstance("storageprobe-operator")
                    .withFirstTimestamp(now).withLastTimestamp(now).withCount(1)
                    .build()).create();
        } catch (KubernetesClientException e) {
            // An event is informative; failing to record one must not fail the reconcile.
            LOG.warn("could not record event for node {}: {}", node.getMetadata().getName(), e.getMessage());
        }
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
