package io.storageprobe.api.result;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.List;

/**
 * Everything known about one probed target.
 *
 * @param kind       device, path, file or volume
 * @param name       the target as the user named it or discovery found it (e.g. {@code sda}, {@code /var/lib/kubelet})
 * @param path       the path that was opened (for a directory target, its temporary file)
 * @param filesystem filesystem type of a path or file target (e.g. ext4, xfs, btrfs, tmpfs); null for devices
 * @param device     the block device holding the target, where one could be found (e.g. {@code nvme0n1})
 * @param facts      the measured facts; null when probing could not start
 * @param rules      the outcome of each selected rule
 * @param verdict    the target's verdict
 * @param reason     why the verdict is not Compatible; null when it is
 * @param latentFindings failing rules that cannot break the QEMU judged for, each with why
 * @param persistentVolume the PersistentVolume of a volume target; null for other kinds
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record TargetResult(
        @JsonPropertyDescription("Device, path, file or volume (a PersistentVolume kubelet attached to the node).")
        TargetKind kind,

        @JsonPropertyDescription("The target as the user named it or discovery found it (e.g. sda, /var/lib/kubelet).")
        String name,

        @JsonPropertyDescription("The path that was opened (for a directory target, its temporary file).")
        String path,

        @JsonPropertyDescription(
                "Filesystem type of a path or file target (e.g. ext4, xfs, btrfs, tmpfs); null for devices.")
        String filesystem,

        @JsonPropertyDescription("The block device holding the target, where one could be found (e.g. nvme0n1).")
        String device,

        @JsonPropertyDescription("The measured facts; null when probing could not start.")
        TargetFacts facts,

        @JsonPropertyDescription("The outcome of each selected rule.")
        List<RuleOutcome> rules,

        @JsonPropertyDescription("The target's verdict.") Verdict verdict,

        @JsonPropertyDescription("Why the verdict is not Compatible; null when it is.")
        String reason,

        @JsonPropertyDescription(
                "Rules that fail here but cannot break the QEMU judged for (e.g. qemu-legacy-dio with QEMU 7.2 or newer), each with why. They do not make the target Affected.")
        List<String> latentFindings,

        @JsonPropertyDescription("The PersistentVolume a volume target belongs to; null for other kinds.")
        String persistentVolume) {

    /** This target judged again: the same facts and rule outcomes with another verdict, reason and latent findings. */
    public TargetResult judged(Verdict verdict, String reason, List<String> latentFindings) {
        return new TargetResult(
                kind, name, path, filesystem, device, facts, rules, verdict, reason, latentFindings, persistentVolume);
    }
}
