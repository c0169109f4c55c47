package io.storageprobe.api.qemu;

/**
 * What a rule's failure means for VMs: which QEMU versions it breaks, and the source of that range.
 *
 * @param name    the rule's name (API)
 * @param checks  what the rule checks, one sentence
 * @param fixedIn the first QEMU release its failure no longer breaks, or null when it breaks every release
 * @param source  where the range comes from (commits, bug reports)
 */
public record RuleInfo(String name, String checks, QemuVersion fixedIn, String source) {

    /** Whether a failure of this rule breaks VMs run by {@code qemu}; an unknown QEMU (null) counts as broken. */
    public boolean breaks(QemuVersion qemu) {
        return fixedIn == null || qemu == null || qemu.isOlderThan(fixedIn);
    }

    /** For help texts: "QEMU before 7.2" or "every QEMU". */
    public String breaksText() {
        return fixedIn == null ? "every QEMU" : "QEMU before " + fixedIn;
    }
}
