package io.storageprobe.api.qemu;

import java.util.List;
import java.util.Optional;

/**
 * The built-in rules and the QEMU versions their failures break. This is the one place the ranges
 * live: the agent's verdicts, the operator's re-judging, {@code check --help} and the docs' tests
 * all read it. Facts and sources: kernel-facts.md section 9.
 */
public final class RuleCatalog {
    public static final String QEMU_LEGACY_DIO = "qemu-legacy-dio";
    public static final String QEMU_ALIGNMENT_PROBE = "qemu-alignment-probe";
    public static final String DIO_ALIGNMENT_HONEST = "dio-alignment-honest";
    public static final String DIO_NOT_BUFFERED = "dio-not-buffered";
    public static final String DIO_WRITE_ALIGNMENT = "dio-write-alignment";
    public static final String IMAGE_SIZE_ALIGNMENT = "image-size-alignment";
    /** The names as a CEL list, for the CRD's check of spec.rules (an annotation takes only constants). */
    public static final String NAMES_CEL = "['" + QEMU_LEGACY_DIO + "', '" + QEMU_ALIGNMENT_PROBE + "', '"
            + DIO_ALIGNMENT_HONEST + "', '" + DIO_NOT_BUFFERED + "', '" + DIO_WRITE_ALIGNMENT + "', '"
            + IMAGE_SIZE_ALIGNMENT + "']";
    /** The names in prose, for the message of that check. */
    public static final String NAMES_TEXT = QEMU_LEGACY_DIO + ", " + QEMU_ALIGNMENT_PROBE + ", " + DIO_ALIGNMENT_HONEST
            + ", " + DIO_NOT_BUFFERED + ", " + DIO_WRITE_ALIGNMENT + " and " + IMAGE_SIZE_ALIGNMENT;

    public static final List<RuleInfo> RULES = List.of(
            RuleInfo.breaksQemuBefore(
                    new QemuVersion(7, 2, 0),
                    QEMU_LEGACY_DIO,
                    "a preadv whose segment lengths are not multiples of the logical block size fails (Linux 6.0 to 6.17)",
                    "QEMU 7.2 checks each vector's length against the request alignment and bounces misaligned "
                            + "requests: commits a7c5f67a7856 and 25474d90aa50 (Keith Busch)"),
            RuleInfo.breaksEveryQemu(
                    QEMU_ALIGNMENT_PROBE,
                    "the alignments QEMU's probe concludes (only EINVAL means misaligned) are accepted by the kernel",
                    "raw_probe_alignment in block/file-posix.c still counts every errno but EINVAL as aligned "
                            + "(EIO: dm-crypt on 6.0, 64K-page kernels 6.18 until 9b0c3673c885)"),
            RuleInfo.informational(
                    DIO_ALIGNMENT_HONEST,
                    "reads that meet statx(STATX_DIOALIGN) succeed and reads that violate it fail",
                    "QEMU never asks statx: raw_probe_alignment in block/file-posix.c takes BLKSSZGET, then "
                            + "XFS_IOC_DIOINFO, then its own reads (unchanged through QEMU 10.x; the statx patch of "
                            + "2022-11 was not merged). A wrong STATX_DIOALIGN misleads programs that trust it, not "
                            + "QEMU; where QEMU's own reads are misled, qemu-alignment-probe fails"),
            RuleInfo.informational(
                    DIO_NOT_BUFFERED,
                    "O_DIRECT is not silently served from the page cache (btrfs, ZFS before 2.3, loop devices without direct I/O)",
                    "cache=none promises no host page cache, but btrfs's buffered fallback (968f19c5b1b7) breaks "
                            + "no VM: qemu-io of QEMU 5.2, 7.2 and 10.0 read and wrote correctly on btrfs under "
                            + "Linux 5.10, 6.1, 6.12 and 7.3 (kernel-matrix, December 2026). A loop device whose "
                            + "backing file cannot do its sector size with O_DIRECT runs buffered (loop/dio 0) although "
                            + "losetup --direct-io=on exits 0 (openebs/rawfile-localpv#39; seen with 512-byte sectors "
                            + "over a file on 4K ext4)"),
            RuleInfo.breaksEveryQemu(
                    DIO_WRITE_ALIGNMENT,
                    "O_DIRECT writes need no more alignment than the reads QEMU probes",
                    "QEMU probes reads only and writes with the same alignment; bcachefs with 4K blocks rejects "
                            + "512-byte writes (bcachefs#791). XFS copy-on-write files report a larger write alignment "
                            + "(STATX_DIO_READ_ALIGN) but serve smaller writes through the page cache instead of failing"),
            RuleInfo.breaksEveryQemu(
                    IMAGE_SIZE_ALIGNMENT,
                    "a disk image's size (rounded up to 512 bytes) is a multiple of QEMU's request alignment there",
                    "QEMU refuses to open such an image writable with cache=none: \"Cannot get 'write' permission "
                            + "without 'resize': Image size is not a multiple of request alignment\" (block.c, since "
                            + "QEMU 5.1; kubevirt#5785, fixed for cloud-init ISOs by kubevirt#6754). Reproduced by "
                            + "qemu-io of QEMU 5.2, 7.2 and 10.0 on 4K ext4 and xfs (kernel-matrix, December 2026)"));

    private RuleCatalog() {}

    public static List<String> names() {
        return RULES.stream().map(RuleInfo::name).toList();
    }

    public static Optional<RuleInfo> find(String name) {
        return RULES.stream().filter(r -> r.name().equals(name)).findFirst();
    }

    /** Whether a failure of {@code rule} breaks {@code qemu}; a rule this build does not know always counts. */
    public static boolean breaks(String rule, QemuVersion qemu) {
        return find(rule).map(r -> r.breaks(qemu)).orElse(true);
    }
}
