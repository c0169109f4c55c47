package io.storageprobe.operator.reconciler;

import io.storageprobe.api.v1alpha1.StorageProbeResult;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logs each result that is not counted once per version of it: every reconcile sees it again,
 * and on a large cluster reconciles come several times a second.
 */
final class IgnoredResults {
    private static final Logger LOG = LoggerFactory.getLogger(IgnoredResults.class);
    /** A bound, not a policy: past it the set starts over and each is logged once more. */
    private static final int REMEMBERED = 10_000;
    private final Set<String> logged = ConcurrentHashMap.newKeySet();

    void report(StorageProbeResult result, String why) {
        if (logged.size() > REMEMBERED) {
            logged.clear();
        }
        if (logged.add(result.getMetadata().getName() + "@" + result.getMetadata().getResourceVersion())) {
            LOG.warn("ignoring StorageProbeResult {}: {}", result.getMetadata().getName(), why);
        }
    }
}
