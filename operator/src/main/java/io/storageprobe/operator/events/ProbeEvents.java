package io.storageprobe.operator.events;

import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.ObjectReference;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.storageprobe.api.v1alpha1.StorageProbe;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records the operator's Events, each labelled with its StorageProbe so that they can be listed
 * and removed with it. An Event is informative: failing to record one is logged, never thrown,
 * so it cannot fail a reconcile.
 */
public final class ProbeEvents {
    private static final Logger LOG = LoggerFactory.getLogger(ProbeEvents.class);
    private static final String COMPONENT = "storageprobe-operator";
    private final KubernetesClient client;
    private final String namespace;

    public ProbeEvents(KubernetesClient client, String namespace) {
        this.client = client;
        this.namespace = namespace;
    }

    /** @param type "Normal" or "Warning" */
    public void record(String probe, ObjectReference about, String reason, String type, String message) {
        String now = Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
        try {
            client.v1()
                    .events()
                    .inNamespace(namespace)
                    .resource(new EventBuilder()
                            .withNewMetadata()
                            .withGenerateName("storageprobe-" + probe + "-")
                            .withNamespace(namespace)
                            .addToLabels(StorageProbe.PROBE_LABEL, probe)
                            .endMetadata()
                            .withInvolvedObject(about)
                            .withReason(reason)
                            .withMessage(message)
                            .withType(type)
                            .withNewSource()
                            .withComponent(COMPONENT)
                            .endSource()
                            .withReportingComponent(COMPONENT)
                            .withReportingInstance(COMPONENT)
                            .withFirstTimestamp(now)
                            .withLastTimestamp(now)
                            .withCount(1)
                            .build())
                    .create();
        } catch (KubernetesClientException e) {
            LOG.warn(
                    "could not record event {} for {} {}: {}",
                    reason,
                    about.getKind(),
                    about.getName(),
                    e.getMessage());
        }
    }
}
