package io.storageprobe.operator.qemu;

/**
 * What the cluster says about its KubeVirt: the release it runs, or why none was found.
 *
 * @param version  status.observedKubeVirtVersion of the KubeVirt resource (e.g. v1.5.2), or null
 * @param resource namespace/name of that resource, or null
 * @param problem  why no release is known (no KubeVirt, not allowed to read it, not deployed yet), or null
 */
public record KubeVirtRelease(String version, String resource, String problem) {
    static KubeVirtRelease none(String problem) {
        return new KubeVirtRelease(null, null, problem);
    }
}
