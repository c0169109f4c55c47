package io.storageprobe.api.result;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * Everything known about one probed target.
 *
 * @param kind       device, path or file
 * @param name       the target as the user named it or discovery found it (e.g. {@code sda}, {@code /var/lib/kubelet})
 * @param path       the path that was opened (for a directory target, its temporary file)
 * @param filesystem filesystem type of a path or file target (e.g. ext4, xfs, btrfs, tmpfs); null for devices
 * @param device     the block device holding the target, where one could be found (e.g. {@code nvme0n1})
 * @param facts      the measured facts; null when probing could not start
 * @param rules      the outcome of each selected rule
 * @param verdict    the target's verdict
 * @param reason     why the verdict is not Compatible; null when it is
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record TargetResult(
        TargetKind kind,
        String name,
        String path,
        String filesystem,
        String device,
        TargetFacts facts,
        List<RuleOutcome> rules,
        Verdict verdict,
        String reason) {
}
