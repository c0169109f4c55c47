package io.storageprobe.operator.qemu;

import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.storageprobe.api.v1alpha1.ProbeCondition;
import io.storageprobe.api.v1alpha1.StorageProbe;
import io.storageprobe.operator.events.ProbeEvents;
import java.util.List;
import java.util.Objects;

/**
 * A Warning Event on the StorageProbe when KubeVirt starts reporting a release the operator cannot
 * read: the one finding only an admin can settle, by setting spec.qemu. Recorded when the
 * QemuResolved condition turns to that reason or names another release, judged against the
 * stored status rather than memory, so an operator restart records no second Event.
 */
public final class UnreadableReleaseEvent {
    private final ProbeEvents events;

    public UnreadableReleaseEvent(KubernetesClient client, String namespace) {
        this.events = new ProbeEvents(client, namespace);
    }

    /** @param before the probe's conditions as stored, or null; @param after those about to be written */
    public void recordIfNew(StorageProbe probe, List<ProbeCondition> before, List<ProbeCondition> after) {
        if (!isNew(before, after)) {
            return;
        }
        ProbeCondition now = find(after);
        events.record(
                probe.getMetadata().getName(),
                new ObjectReferenceBuilder()
                        .withApiVersion(probe.getApiVersion())
                        .withKind(probe.getKind())
                        .withName(probe.getMetadata().getName())
                        .withUid(probe.getMetadata().getUid())
                        .build(),
                ResolvedQemu.UNREADABLE,
                "Warning",
                now.message());
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
        return conditions == null
                ? null
                : conditions.stream()
                        .filter(c -> ResolvedQemu.CONDITION.equals(c.type()))
                        .findFirst()
                        .orElse(null);
    }
}
