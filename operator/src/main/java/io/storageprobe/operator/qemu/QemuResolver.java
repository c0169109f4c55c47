package io.storageprobe.operator.qemu;

import io.storageprobe.api.qemu.QemuVersion;
import io.storageprobe.api.result.QemuInForce;
import io.storageprobe.api.v1alpha1.StorageProbeSpec;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicReference;

/**
 * spec.qemu made concrete: an explicit version as given, auto from the installed KubeVirt. One per
 * operator process: KubeVirt is cluster-wide, so what one probe's lookup learnt holds for all.
 */
public final class QemuResolver {
    private final AtomicReference<KubeVirtQemuState> state = new AtomicReference<>(KubeVirtQemuState.NOTHING_YET);

    /**
     * @param kubevirt the latest finding about KubeVirt, or null if none was made yet
     * @param inStatus the probe's status.qemu as stored, read back after a restart
     */
    public ResolvedQemu resolve(StorageProbeSpec spec, KubeVirtRelease kubevirt, QemuInForce inStatus, Instant now) {
        String wanted = spec == null || spec.qemu() == null ? StorageProbeSpec.QEMU_AUTO : spec.qemu();
        if (!StorageProbeSpec.QEMU_AUTO.equals(wanted)) {
            QemuInForce qemu = new QemuInForce(QemuVersion.parse(wanted).toString(), QemuInForce.SPEC, "spec.qemu");
            return new ResolvedQemu(qemu, true, "SpecQemu", "judged for QEMU " + qemu.version() + ", set in spec.qemu");
        }
        KubeVirtQemuState after = state.updateAndGet(s -> {
            KubeVirtQemuState seeded = s.readBack(inStatus);
            return kubevirt == null ? seeded : seeded.after(kubevirt, now);
        });
        return resolved(after);
    }

    /** The state as the condition reports it; pure, for tests. */
    static ResolvedQemu resolved(KubeVirtQemuState s) {
        QemuInForce qemu = s.inForce();
        if (s.current()) {
            return new ResolvedQemu(qemu, true, "KubeVirtRelease", qemu.message());
        }
        String why =
                s.trouble() == null ? "KubeVirt has not been looked up yet" : KubeVirtQemuState.detail(s.trouble());
        String judged = s.known() == null
                ? "every rule counts"
                : "still judged for the last known answer (" + s.known().message() + ")";
        return new ResolvedQemu(
                qemu,
                false,
                s.troubleReason(),
                why + ": " + judged + "; set spec.qemu to the QEMU the VMs run to judge for that instead");
    }
}
