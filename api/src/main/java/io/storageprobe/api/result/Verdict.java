package io.storageprobe.api.result;

/**
 * What a target or a node means for VMs whose disks live there, ordered from harmless to worst
 * so that a node's verdict is the maximum of its targets' verdicts.
 */
public enum Verdict {
    /** Every selected rule passed: QEMU with cache=none works here. */
    Compatible,
    /** O_DIRECT cannot be used here, so KubeVirt falls back to a cached mode; nothing to break. */
    Unsupported,
    /** Probing failed (missing device, I/O error, timeout): nothing is known. */
    Error,
    /** A selected rule failed: VMs with cache=none can fail on this storage. */
    Affected;

    public Verdict worst(Verdict other) {
        return other.ordinal() > ordinal() ? other : this;
    }
}
