package io.storageprobe.agent.probe;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The mounts this process sees, from /proc/self/mountinfo (procfs: reading it never waits on a
 * mounted filesystem, unlike a stat of the mount point, which hangs on a dead NFS server). For
 * each mount point it keeps the filesystem's device number and the directory of that filesystem
 * mounted there: two mounts with the same pair show the same files (kubelet bind-mounts one
 * volume into each pod that uses it), so they are one volume.
 */
final class MountTable {
    private final Map<Path, String> sources;

    private MountTable(Map<Path, String> sources) {
        this.sources = sources;
    }

    static MountTable read(Path mountinfo) {
        Map<Path, String> sources = new HashMap<>();
        try {
            for (String line : Files.readAllLines(mountinfo)) {
                // "36 35 98:0 /mnt1 /mnt/parent rw,noatime master:1 - ext3 /dev/root rw": id, parent,
                // st_dev as MAJ:MIN, the root of the mount within its filesystem, the mount point.
                String[] fields = line.split(" ");
                if (fields.length > 4) {
                    // A later line is mounted over an earlier one at the same place: it is what is seen.
                    sources.put(Path.of(unescape(fields[4])), fields[2] + ":" + unescape(fields[3]));
                }
            }
        } catch (IOException | RuntimeException e) {
            // No mount table (not Linux, no /proc): nothing counts as mounted.
        }
        return new MountTable(sources);
    }

    /** "MAJ:MIN:ROOT" of what is mounted exactly at {@code mountPoint}, or empty when nothing is. */
    Optional<String> source(Path mountPoint) {
        return Optional.ofNullable(sources.get(mountPoint.toAbsolutePath().normalize()));
    }

    /** The kernel writes space, tab, newline and backslash as \040, \011, \012 and \134 (octal). */
    private static String unescape(String field) {
        if (field.indexOf('\\') < 0) {
            return field;
        }
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < field.length(); i++) {
            char c = field.charAt(i);
            if (c == '\\' && i + 3 < field.length() && field.substring(i + 1, i + 4).matches("[0-7]{3}")) {
                b.append((char) Integer.parseInt(field.substring(i + 1, i + 4), 8));
                i += 3;
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }
}
