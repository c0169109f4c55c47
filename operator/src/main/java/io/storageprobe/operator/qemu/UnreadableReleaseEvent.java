package io.storageprobe.operator.qemu;

import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.storageprobe.api.v1alpha1.ProbeCondition;
import io.storageprobe.api.v1alpha1.StorageProbe;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Warning Event on the StorageProbe when KubeVirt starts reporting a release the operator cannot
 * read: the one finding only an admin can settle, by setting spec.qemu. Recorded when the
 * QemuResolved condition turns to that reason or names another release, judged against the
 * stored status rather than memory, so an operator restart records no second Event.
 */
public final class UnreadableReleaseEvent {
    private static final Logger LOG = LoggerFactory.getLogger(UnreadableReleaseEvent.class);
    private final KubernetesClient client;
    private final String namespace;

    public UnreadableReleaseEvent(KubernetesClient client, String namespace) {
        this.client = client;
        this.namespace = namespace;
    }

    /** @param before the probe's conditions as stored, or null; @param after those about to be written */
    public void recordIfNew(StorageProbe probe, List<ProbeCondition> before, List<ProbeCondition> after) {
        if (!isNew(before, after)) {
            return;
        }
        ProbeCondition now = find(after);
        String time = Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
        try {
            client.v1().events().inNamespace(namespace).resource(new EventBuilder()
                    .withNewMetadata()
                        .withGenerateName("storageprobe-" + probe.getMetadata().getName() + "-")
                        .withNamespace(namespace)
                        .addToLabels(StorageProbe.PROBE_LABEL, probe.getMetadata().getName())
                    .endMetadata()
                    .withNewInvolvedObject()
                        .withApiVersion(probe.getApiVersion()).withKind(probe.getKind())
                        .withName(probe.getMetadata().getName()).withUid(probe.getMetadata().getUid())
                    .endInvolvedObject()
                    .withReason(ResolvedQemu.UNREADABLE)
                    .withMessage(now.message())
                    .withType("Warning")
                    .withNewSource().withComponent("storageprobe-operator").endSource()
                    .withReportingComponent("storageprobe-operator")
                    .withReportingInstance("storageprobe-operator")
                    .withFirstTimestamp(time).withLastTimestamp(time).withCount(1)
                    .build()).create();
        } catch (KubernetesClientException e) {
            // An event is informative; the condition says the same, and failing here must not fail the reconcile.
            LOG.warn("could not record event for StorageProbe {}: {}", probe.getMetadata().getName(), e.getMessage());
        }
    }

    /** Whether {@code after} reports an unreadable release that {@code before} did not report (or named another). */
    static boolean isNew(List<ProbeCondition> before, List<ProbeCondition> after) {
        ProbeCondition now = find(after);
        if (now == null || !ResolvedQemu.UNREADABLE.equals(now.reason())) {
            return false;
        }
        ProbeCondition was = find(before);
        return was == null || !now.reason().equals(was.reason()) || !Objects.equals(now.message(), was.message());
    }

    private static ProbeCondition find(List<ProbeCondition> conditions) {
        return conditions == null ? null : conditions.stream()
                .filter(c -> ResolvedQemu.CONDITION.equals(c.type())).findFirst().orElse(null);
    }
}
