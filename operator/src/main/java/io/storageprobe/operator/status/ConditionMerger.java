package io.storageprobe.operator.status;

import io.storageprobe.api.v1alpha1.ProbeCondition;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;

/**
 * Keeps a condition's lastTransitionTime when its status did not change, as Kubernetes
 * conventions ask; a new time would make every reconcile a status write.
 */
final class ConditionMerger {
    private ConditionMerger() {}

    static ProbeCondition merge(
            List<ProbeCondition> previous,
            String type,
            String status,
            String reason,
            String message,
            long generation,
            Instant now) {
        String since = previous == null
                ? null
                : previous.stream()
                        .filter(c -> type.equals(c.type()) && status.equals(c.status()))
                        .map(ProbeCondition::lastTransitionTime)
                        .findFirst()
                        .orElse(null);
        if (since == null) {
            since = now.truncatedTo(ChronoUnit.SECONDS).toString();
        }
        return new ProbeCondition(type, status, reason, message, since, generation);
    }
}
