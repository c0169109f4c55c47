package io.storageprobe.agent.discovery;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The mounts this process sees, from /proc/self/mountinfo (procfs: reading it never waits on a
 * mounted filesystem, unlike a stat of the mount point, which hangs on a dead NFS server). For
 * each mount point it keeps the filesystem's device number and the directory of that filesystem
 * mounted there: two mounts with the same pair show the same files (kubelet bind-mounts one
 * volume into each pod that uses it), so they are one volume. It also keeps what the mount was
 * made from (its source: /dev/sdb1, /dev/mapper/vg-lv), so that the block device behind a
 * filesystem whose st_dev is anonymous (btrfs) can still be named.
 */
final class MountTable {
    /**
     * One mount as this process sees it.
     *
     * @param device st_dev of the mounted filesystem as "MAJ:MIN"
     * @param root   the directory of that filesystem mounted here ("/" for a whole filesystem)
     * @param source what was mounted, as mount(8) was given it: a device path, "tmpfs", "server:/export"
     */
    record Mount(Path point, String device, String root, String source) {}

    /** By mount point; a later line is mounted over an earlier one at the same place: it is what is seen. */
    private final Map<Path, Mount> mounts;

    private MountTable(Map<Path, Mount> mounts) {
        this.mounts = mounts;
    }

    static MountTable read(Path mountinfo) {
        Map<Path, Mount> mounts = new LinkedHashMap<>();
        try {
            for (String line : Files.readAllLines(mountinfo)) {
                parse(line).ifPresent(m -> {
                    mounts.remove(m.point());
                    mounts.put(m.point(), m);
                });
            }
        } catch (IOException | RuntimeException e) {
            // No mount table (not Linux, no /proc): nothing counts as mounted.
        }
        return new MountTable(mounts);
    }

    /**
     * "36 35 98:0 /mnt1 /mnt/parent rw,noatime master:1 - ext3 /dev/root rw": id, parent, st_dev as
     * MAJ:MIN, the root of the mount within its filesystem, the mount point, options, optional
     * fields up to "-", then the filesystem type and the source.
     */
    private static Optional<Mount> parse(String line) {
        String[] fields = line.split(" ");
        if (fields.length <= 4) {
            return Optional.empty();
        }
        int separator = List.of(fields).indexOf("-");
        String source = separator > 0 && separator + 2 < fields.length ? unescape(fields[separator + 2]) : "";
        return Optional.of(new Mount(Path.of(unescape(fields[4])), fields[2], unescape(fields[3]), source));
    }

    /** "MAJ:MIN:ROOT" of what is mounted exactly at {@code mountPoint}, or empty when nothing is. */
    Optional<String> source(Path mountPoint) {
        return Optional.ofNullable(mounts.get(mountPoint.toAbsolutePath().normalize()))
                .map(m -> m.device() + ":" + m.root());
    }

    /** The mounts strictly below {@code dir}, in the order they were mounted. */
    List<Mount> under(Path dir) {
        Path base = dir.toAbsolutePath().normalize();
        List<Mount> below = new ArrayList<>();
        for (Mount m : mounts.values()) {
            if (m.point().startsWith(base) && !m.point().equals(base)) {
                below.add(m);
            }
        }
        return below;
    }

    /** The kernel writes space, tab, newline and backslash as \040, \011, \012 and \134 (octal). */
    private static String unescape(String field) {
        if (field.indexOf('\\') < 0) {
            return field;
        }
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < field.length(); i++) {
            char c = field.charAt(i);
            if (c == '\\'
                    && i + 3 < field.length()
                    && field.substring(i + 1, i + 4).matches("[0-7]{3}")) {
                b.append((char) Integer.parseInt(field.substring(i + 1, i + 4), 8));
                i += 3;
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }
}
