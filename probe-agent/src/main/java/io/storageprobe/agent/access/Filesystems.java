package io.storageprobe.agent.access;

import java.util.Map;
import java.util.Set;

/** Filesystem names for statfs f_type magic numbers (include/uapi/linux/magic.h, and ZFS's own). */
public final class Filesystems {
    private static final Map<Long, String> NAMES = Map.ofEntries(
            Map.entry(0xEF53L, "ext4"),
            Map.entry(0x58465342L, "xfs"),
            Map.entry(0x9123683EL, "btrfs"),
            Map.entry(0x2FC12FC1L, "zfs"),
            Map.entry(0xF2F52010L, "f2fs"),
            Map.entry(0xCA451A4EL, "bcachefs"),
            Map.entry(0x01021994L, "tmpfs"),
            Map.entry(0x858458F6L, "ramfs"),
            Map.entry(0x6969L, "nfs"),
            Map.entry(0xFE534D42L, "smb2"),
            Map.entry(0xFF534D42L, "cifs"),
            Map.entry(0x65735546L, "fuse"),
            Map.entry(0x794C7630L, "overlay"),
            Map.entry(0xE0F5E1E2L, "erofs"),
            Map.entry(0x73717368L, "squashfs"),
            Map.entry(0x4D44L, "vfat"),
            Map.entry(0x5346544EL, "ntfs"),
            Map.entry(0x00C36400L, "ceph"),
            Map.entry(0x1021997L, "9p"));

    /**
     * Filesystems without a device beneath: they accept O_DIRECT (tmpfs since Linux 6.6) but serve it
     * from memory, so there is no direct I/O to judge and QEMU's cache=none means nothing there.
     */
    private static final Set<String> NO_DIRECT_IO = Set.of("tmpfs", "ramfs");

    /** Filesystems whose O_DIRECT legitimately has no alignment needs (QEMU treats NFS as byte aligned). */
    private static final Set<String> BYTE_ALIGNED_DIRECT_IO = Set.of("nfs", "cifs", "smb2", "ceph", "9p", "fuse");

    private Filesystems() {}

    public static String name(long magic) {
        return NAMES.getOrDefault(magic & 0xFFFFFFFFL, String.format("0x%x", magic));
    }

    public static boolean hasNoDirectIo(String filesystem) {
        return NO_DIRECT_IO.contains(filesystem);
    }

    public static boolean isByteAlignedDirectIo(String filesystem) {
        return BYTE_ALIGNED_DIRECT_IO.contains(filesystem);
    }
}
