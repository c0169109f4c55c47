package io.storageprobe.api.qemu;

/**
 * What a rule's failure means for VMs: which QEMU versions it breaks, and the source of that range.
 *
 * @param name      the rule's name (API)
 * @param checks    what the rule checks, one sentence
 * @param breaksVms false for an informational rule: its failure is worth knowing but no VM fails
 *                  because of it (measured with qemu-io in the kernel matrix), so it is always latent
 * @param fixedIn   the first QEMU release its failure no longer breaks, or null when it breaks every release
 * @param source    where the range comes from (commits, bug reports, measurements)
 */
public record RuleInfo(String name, String checks, boolean breaksVms, QemuVersion fixedIn, String source) {

    static RuleInfo breaksEveryQemu(String name, String checks, String source) {
        return new RuleInfo(name, checks, true, null, source);
    }

    static RuleInfo breaksQemuBefore(QemuVersion fixedIn, String name, String checks, String source) {
        return new RuleInfo(name, checks, true, fixedIn, source);
    }

    static RuleInfo informational(String name, String checks, String source) {
        return new RuleInfo(name, checks, false, null, source);
    }

    /**
     * Whether a failure of this rule breaks VMs run by {@code qemu}. An unknown QEMU (null) counts
     * as broken by every rule that can break some QEMU.
     */
    public boolean breaks(QemuVersion qemu) {
        return breaksVms && (fixedIn == null || qemu == null || qemu.isOlderThan(fixedIn));
    }

    /** For help texts: "QEMU before 7.2", "every QEMU" or "no QEMU (informational)". */
    public String breaksText() {
        if (!breaksVms) {
            return "no QEMU (informational)";
        }
        return fixedIn == null ? "every QEMU" : "QEMU before " + fixedIn;
    }

    /** Why a failure of this rule is latent for {@code qemu}, e.g. "QEMU 9.1 is not affected (fixed in 7.2)". */
    public String latentBecause(String qemu) {
        return breaksVms
                ? "QEMU " + qemu + " is not affected (fixed in " + fixedIn + ")"
                : "it breaks no QEMU (informational: VMs with cache=none run here)";
    }
}
