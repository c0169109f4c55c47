package io.storageprobe.operator.qemu;

import io.storageprobe.api.qemu.QemuVersion;
import io.storageprobe.api.result.QemuInForce;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Which QEMU each KubeVirt release ships in its virt-launcher image. Sources (kernel-facts.md
 * section 9): v0.59 is the first with QEMU 7.2 (kubevirt/kubevirt#9267); v1.4 ships 9.0.0; v1.5
 * to v1.7 ship 9.1.0 (#13641, #16291); v1.8 ships 10.1 (#18142). Between v0.59 and v1.3 only
 * "7.2 or newer" is known, which is all the rules need. A release newer than the table, or an
 * unparsable one, is unknown: every rule counts until the table or spec.qemu says otherwise.
 */
public final class KubeVirtQemuTable {
    private static final QemuVersion FIRST_WITH_7_2 = new QemuVersion(0, 59, 0);
    private static final QemuVersion NEWEST_KNOWN = new QemuVersion(1, 8, 0);
    private static final Pattern RELEASE = Pattern.compile("^v?([0-9]+)\\.([0-9]+)(?:\\.([0-9]+))?");

    private KubeVirtQemuTable() {
    }

    /** The QEMU a KubeVirt release runs VMs with; {@code release} is e.g. v1.5.2. */
    public static QemuInForce qemuOf(String release) {
        QemuVersion kv = releaseOf(release);
        if (kv == null) {
            return QemuInForce.unknown("KubeVirt reports release '" + release + "', which is not vX.Y.Z: every rule counts");
        }
        String known = "KubeVirt " + release + " ships QEMU ";
        if (kv.isOlderThan(FIRST_WITH_7_2)) {
            return QemuInForce.unknown(known + "older than 7.2 (7.2 came with v0.59, kubevirt#9267): every rule counts");
        }
        if (kv.major() == 0 || kv.major() == 1 && kv.minor() <= 3) {
            return new QemuInForce("7.2", QemuInForce.KUBEVIRT, known + "7.2 or newer (7.2 since v0.59, kubevirt#9267)");
        }
        if (kv.major() == 1 && kv.minor() == 4) {
            return new QemuInForce("9.0.0", QemuInForce.KUBEVIRT, known + "9.0.0");
        }
        if (kv.major() == 1 && kv.minor() <= 7) {
            return new QemuInForce("9.1.0", QemuInForce.KUBEVIRT, known + "9.1.0 (kubevirt#13641, #16291)");
        }
        if (kv.major() == 1 && kv.minor() == 8) {
            return new QemuInForce("10.1", QemuInForce.KUBEVIRT, known + "10.1 (kubevirt#18142)");
        }
        return QemuInForce.unknown("KubeVirt " + release + " is newer than the releases this operator knows (up to v"
                + NEWEST_KNOWN.major() + "." + NEWEST_KNOWN.minor() + "): every rule counts; set spec.qemu to the QEMU it ships");
    }

    /** major.minor.micro of a KubeVirt release string, or null. */
    static QemuVersion releaseOf(String release) {
        Matcher m = release == null ? null : RELEASE.matcher(release);
        if (m == null || !m.find()) {
            return null;
        }
        return new QemuVersion(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)),
                m.group(3) == null ? 0 : Integer.parseInt(m.group(3)));
    }
}
