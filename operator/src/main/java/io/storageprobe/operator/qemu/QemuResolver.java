package io.storageprobe.operator.qemu;

import io.storageprobe.api.qemu.QemuVersion;
import io.storageprobe.api.result.QemuInForce;
import io.storageprobe.api.v1alpha1.StorageProbeSpec;

/** spec.qemu made concrete: an explicit version as given, auto from the installed KubeVirt. */
public final class QemuResolver {
    private QemuResolver() {
    }

    public static QemuInForce resolve(StorageProbeSpec spec, KubeVirtRelease kubevirt) {
        String wanted = spec == null || spec.qemu() == null ? StorageProbeSpec.QEMU_AUTO : spec.qemu();
        if (!StorageProbeSpec.QEMU_AUTO.equals(wanted)) {
            return new QemuInForce(QemuVersion.parse(wanted).toString(), QemuInForce.SPEC, "spec.qemu");
        }
        if (kubevirt == null) {
            return QemuInForce.unknown("KubeVirt has not been looked up yet: every rule counts");
        }
        if (kubevirt.version() == null) {
            return QemuInForce.unknown(kubevirt.problem() + ": every rule counts");
        }
        return KubeVirtQemuTable.qemuOf(kubevirt.version());
    }
}
