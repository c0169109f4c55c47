package io.storageprobe.operator.qemu;

import io.storageprobe.api.result.QemuInForce;
import io.storageprobe.api.v1alpha1.ProbeCondition;

/**
 * The QEMU a probe is judged for, and what its {@code QemuResolved} condition says about it.
 *
 * @param inForce the QEMU in force (status.qemu)
 * @param current whether it comes from spec.qemu or from the release the last KubeVirt lookup read
 * @param reason  the condition's reason
 * @param message the condition's message: no times in it, so that a repeated finding writes no status
 */
public record ResolvedQemu(QemuInForce inForce, boolean current, String reason, String message) {
    public static final String CONDITION = ProbeCondition.QEMU_RESOLVED;
    /** The reason whose arrival is also recorded as a Warning Event. */
    public static final String UNREADABLE = "KubeVirtReleaseUnreadable";
}
