package io.storageprobe.operator.reconciler;

import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.storageprobe.api.v1alpha1.RefusedResult;
import io.storageprobe.api.v1alpha1.StorageProbeResult;
import io.storageprobe.api.v1alpha1.StorageProbeStatus;
import io.storageprobe.operator.events.ProbeEvents;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reports each result that is not counted once per version of it, in the log and as a Warning
 * Event on the result: every reconcile sees it again, and on a large cluster reconciles come
 * several times a second. The status lists them too ({@link #inStatus}).
 */
final class IgnoredResults {
    private static final Logger LOG = LoggerFactory.getLogger(IgnoredResults.class);
    /** The Event's reason: kubectl get events --field-selector reason=ResultRefused finds them. */
    static final String EVENT_REASON = "ResultRefused";
    /** A bound, not a policy: past it the set starts over and each is logged once more. */
    private static final int REMEMBERED = 10_000;

    private final Set<String> logged = ConcurrentHashMap.newKeySet();

    void report(StorageProbeResult result, String why, String probe, ProbeEvents events) {
        if (logged.size() > REMEMBERED) {
            logged.clear();
        }
        if (logged.add(
                result.getMetadata().getName() + "@" + result.getMetadata().getResourceVersion())) {
            LOG.warn("ignoring StorageProbeResult {}: {}", result.getMetadata().getName(), why);
            events.record(
                    probe,
                    new ObjectReferenceBuilder()
                            .withApiVersion(result.getApiVersion())
                            .withKind(result.getKind())
                            .withName(result.getMetadata().getName())
                            .withUid(result.getMetadata().getUid())
                            .withResourceVersion(result.getMetadata().getResourceVersion())
                            .build(),
                    EVENT_REASON,
                    "Warning",
                    "not counted: " + why);
        }
    }

    /** The status' list of them: sorted by name, at most {@link StorageProbeStatus#MAX_REFUSED_RESULTS}. */
    static List<RefusedResult> inStatus(Map<StorageProbeResult, String> ignored) {
        return ignored.entrySet().stream()
                .map(e -> new RefusedResult(
                        e.getKey().getMetadata().getName(),
                        e.getKey().getSpec() == null
                                ? null
                                : e.getKey().getSpec().node(),
                        e.getValue()))
                .sorted(Comparator.comparing(RefusedResult::name))
                .limit(StorageProbeStatus.MAX_REFUSED_RESULTS)
                .toList();
    }
}
