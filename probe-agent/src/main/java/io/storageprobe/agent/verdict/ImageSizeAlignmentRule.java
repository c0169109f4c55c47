package io.storageprobe.agent.verdict;

import io.storageprobe.api.qemu.RuleCatalog;
import io.storageprobe.api.result.RuleOutcome;
import io.storageprobe.api.result.RuleStatus;
import io.storageprobe.api.result.TargetFacts;

/**
 * Fails where a disk image's size is not a multiple of the request alignment QEMU uses on its
 * storage. QEMU counts an image in 512-byte sectors (rounded up) and, opening it for writing
 * without the resize permission, as every VM disk is, refuses a size its request alignment does
 * not divide ("Image size is not a multiple of request alignment", block.c): the VM does not
 * start. With 512-byte alignment every size passes; on 4K storage an image of 1 MiB + 512 bytes
 * fails with every QEMU (kernel matrix, ext4 and xfs; kubevirt#5785). Files only: a device's
 * size is a multiple of its logical block size.
 */
public final class ImageSizeAlignmentRule implements ProbedAlignmentRule {
    private static final long SECTOR = 512;

    @Override
    public String name() {
        return RuleCatalog.IMAGE_SIZE_ALIGNMENT;
    }

    @Override
    public RuleOutcome evaluate(TargetFacts facts, String filesystem, int request, int buffer) {
        Long bytes = facts.imageBytes();
        if (bytes == null) {
            return outcome(RuleStatus.NotApplicable, "not a disk image file");
        }
        long qemuBytes = (bytes + SECTOR - 1) / SECTOR * SECTOR;
        if (qemuBytes % request == 0) {
            return outcome(
                    RuleStatus.Pass,
                    "the image's " + bytes + " bytes are a multiple of QEMU's request alignment " + request);
        }
        long grown = (qemuBytes + request - 1) / request * request;
        return outcome(
                RuleStatus.Fail,
                "the image holds " + bytes + " bytes"
                        + (qemuBytes != bytes ? " (" + qemuBytes + " in QEMU's 512-byte sectors)" : "")
                        + ", not a multiple of QEMU's request alignment "
                        + request
                        + ": QEMU refuses to open it writable with cache=none (\"Image size is not a multiple of"
                        + " request alignment\"); grow it to " + grown + " bytes");
    }
}
