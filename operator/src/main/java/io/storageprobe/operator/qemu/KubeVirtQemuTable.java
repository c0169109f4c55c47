package io.storageprobe.operator.qemu;

import io.storageprobe.api.qemu.QemuVersion;
import io.storageprobe.api.result.QemuInForce;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Which QEMU each KubeVirt release ships in its virt-launcher image.
 *
 * <p>Sources: {@code qemu-kvm-core} in the {@code launcherbase_x86_64*} rpmtrees of kubevirt's
 * {@code rpm/BUILD.bazel}, read at the tags v0.59.0 (7.2.0-6.el9), v1.0.0 (7.2.0-14.el9), v1.1.0
 * and v1.2.0 (8.0.0-13.el9), v1.3.0 (8.2.0-11.el9), v1.4.0 (9.0.0-10.el9), v1.5.0 to v1.7.0
 * (9.1.0-12 to -20.el9), v1.8.0 (10.1.0-10.el9 / -13.el10) and v1.9.0-rc.2 = v1.9.0
 * (10.1.0-20.el9 / -21.el10); the 9.1.0 rpm those files also list belongs to the
 * libguestfs-tools image, not virt-launcher. Patch releases were not read: only the .0 tags.
 * Pull requests: kubevirt#9267 (7.2, v0.59), #13641 and #16291 (9.1), #18142 (10.1).
 * v0.59 and v1.0 stay "7.2 or newer", which is all the rules need.
 *
 * <p>virt-launcher's QEMU has never gone backwards between releases, and every release since
 * v0.59 ships 7.2 or newer. So a release newer than this table is judged for the newest QEMU the
 * table knows: a lower bound, which at worst misses a rule that only a newer QEMU escapes, never
 * one the real QEMU is exposed to. Treating it as unknown instead made every 6.0-6.17 node with a
 * 4K disk Affected (and tainted) on each KubeVirt upgrade the table had not caught up with.
 */
public final class KubeVirtQemuTable {
    /** The first release of a row of KubeVirt minors and the QEMU they ship; sorted by release. */
    private record Row(QemuVersion firstRelease, String qemu, String how) {}

    private static final List<Row> ROWS = List.of(
            new Row(new QemuVersion(0, 59, 0), "7.2", "7.2 or newer (7.2 since v0.59, kubevirt#9267)"),
            new Row(new QemuVersion(1, 1, 0), "8.0.0", "8.0.0 (rpm/BUILD.bazel at v1.1.0, v1.2.0)"),
            new Row(new QemuVersion(1, 3, 0), "8.2.0", "8.2.0 (rpm/BUILD.bazel at v1.3.0)"),
            new Row(new QemuVersion(1, 4, 0), "9.0.0", "9.0.0"),
            new Row(new QemuVersion(1, 5, 0), "9.1.0", "9.1.0 (kubevirt#13641, #16291)"),
            new Row(new QemuVersion(1, 8, 0), "10.1", "10.1 (kubevirt#18142)"),
            new Row(new QemuVersion(1, 9, 0), "10.1", "10.1 (rpm/BUILD.bazel at v1.9.0-rc.2)"));
    /** The newest KubeVirt minor the table knows. */
    static final QemuVersion NEWEST_KNOWN = ROWS.get(ROWS.size() - 1).firstRelease();

    private static final Pattern RELEASE = Pattern.compile("^v?([0-9]+)\\.([0-9]+)(?:\\.([0-9]+))?");

    private KubeVirtQemuTable() {}

    /**
     * The QEMU a KubeVirt release runs VMs with; {@code release} is e.g. v1.5.2. Empty when the
     * release is not vX.Y[.Z] ({@code latest}, a digest, a downstream tag): what to do then is
     * {@link KubeVirtQemuState}'s business, not the table's.
     */
    public static Optional<QemuInForce> qemuOf(String release) {
        QemuVersion kv = releaseOf(release);
        if (kv == null) {
            return Optional.empty();
        }
        String known = "KubeVirt " + release + " ships QEMU ";
        if (kv.isOlderThan(ROWS.get(0).firstRelease())) {
            return Optional.of(QemuInForce.unknown(
                    known + "older than 7.2 (7.2 came with v0.59, kubevirt#9267): every rule counts"));
        }
        Row newest = ROWS.get(ROWS.size() - 1);
        if (new QemuVersion(kv.major(), kv.minor(), 0).compareTo(NEWEST_KNOWN) > 0) {
            return Optional.of(new QemuInForce(
                    newest.qemu(),
                    QemuInForce.KUBEVIRT,
                    "KubeVirt " + release
                            + " is newer than this operator's table (up to " + minor(NEWEST_KNOWN)
                            + "); judged for QEMU "
                            + newest.qemu() + ", the newest it knows (virt-launcher's QEMU never went backwards);"
                            + " set spec.qemu to the QEMU it ships to judge for exactly that"));
        }
        Row row = ROWS.stream()
                .filter(r -> !kv.isOlderThan(r.firstRelease()))
                .reduce((a, b) -> b)
                .orElseThrow();
        return Optional.of(new QemuInForce(row.qemu(), QemuInForce.KUBEVIRT, known + row.how()));
    }

    /** major.minor.micro of a KubeVirt release string, or null. */
    static QemuVersion releaseOf(String release) {
        Matcher m = release == null ? null : RELEASE.matcher(release);
        if (m == null || !m.find()) {
            return null;
        }
        try {
            return new QemuVersion(
                    Integer.parseInt(m.group(1)),
                    Integer.parseInt(m.group(2)),
                    m.group(3) == null ? 0 : Integer.parseInt(m.group(3)));
        } catch (NumberFormatException e) {
            return null; // more digits than an int: not a release anyone ships
        }
    }

    private static String minor(QemuVersion release) {
        return "v" + release.major() + "." + release.minor();
    }
}
