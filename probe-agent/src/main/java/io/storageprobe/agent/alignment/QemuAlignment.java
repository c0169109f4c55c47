package io.storageprobe.agent.alignment;

import io.storageprobe.agent.nativeio.DirectFile;
import io.storageprobe.agent.nativeio.Errno;
import io.storageprobe.agent.nativeio.LibC;

/**
 * How QEMU's raw_probe_alignment (block/file-posix.c) reads an O_DIRECT pread: only EINVAL means
 * "misaligned"; success and every other error count as aligned, because QEMU wants to ignore real
 * I/O errors while probing. That is why dm-crypt's EIO fools it.
 */
final class QemuAlignment {
    /** QEMU's max_align: MAX(MAX_BLOCKSIZE, page size), 4096 on x86_64, 65536 on 64K-page arm64. */
    static final int MAX_ALIGN = Math.max(4096, LibC.getpagesize());

    static final int[] CANDIDATES = {1, 512, 1024, 2048, 4096};

    private QemuAlignment() {}

    static boolean looksAligned(DirectFile.Outcome outcome) {
        return outcome.ok() || outcome.errno() != Errno.EINVAL;
    }
}
