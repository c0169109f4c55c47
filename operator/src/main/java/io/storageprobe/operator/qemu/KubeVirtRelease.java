package io.storageprobe.operator.qemu;

/**
 * What the cluster says about its KubeVirt: the release it runs, or why none was found. Compared
 * by value between polls: an unchanged finding wakes no probe.
 *
 * @param version  status.observedKubeVirtVersion of the KubeVirt resource (e.g. v1.5.2), or null
 * @param resource namespace/name of that resource, or null
 * @param problem  why no release is known (no KubeVirt, not deployed yet, the LIST failed), or null
 * @param failed   whether the LIST itself failed (refused, 5xx, timeout), as opposed to answering
 *                 that there is no release to read
 */
public record KubeVirtRelease(String version, String resource, String problem, boolean failed) {
    static KubeVirtRelease of(String version, String resource) {
        return new KubeVirtRelease(version, resource, null, false);
    }

    static KubeVirtRelease none(String problem) {
        return new KubeVirtRelease(null, null, problem, false);
    }

    static KubeVirtRelease lookupFailed(String problem) {
        return new KubeVirtRelease(null, null, problem, true);
    }
}
