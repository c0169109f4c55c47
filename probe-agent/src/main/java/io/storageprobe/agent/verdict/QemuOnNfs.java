package io.storageprobe.agent.verdict;

/**
 * QEMU opens files on NFS with no alignment at all: block/file-posix.c's dio_byte_aligned() is
 * true for NFS_SUPER_MAGIC, so raw_needs_alignment() is false and raw_probe_alignment() probes
 * nothing and sets request and buffer alignment to 1. Guest requests reach NFS as they come, and
 * statx(STATX_DIOALIGN), which newer NFS clients answer with mem 4 / offset PAGE_SIZE, is
 * never asked. The rules judge NFS targets as QEMU treats them (kernel-facts.md section 10).
 */
final class QemuOnNfs {
    static final String WHY =
            "QEMU opens files on NFS with no alignment (file-posix.c dio_byte_aligned: NFS_SUPER_MAGIC)";

    private QemuOnNfs() {}

    /** The name Filesystems gives statfs's NFS_SUPER_MAGIC (0x6969), NFS v2 to v4.2 alike. */
    static boolean applies(String filesystem) {
        return "nfs".equals(filesystem);
    }
}
