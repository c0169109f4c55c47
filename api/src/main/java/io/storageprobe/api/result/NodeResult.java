package io.storageprobe.api.result;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.List;

/**
 * One node's probe result: the spec of a StorageProbeResult, and what {@code storageprobe check
 * --output json} prints.
 *
 * @param probe         name of the StorageProbe this result belongs to ({@code check} for the command line)
 * @param node          the node's name
 * @param kernelRelease {@code uname -r} of the node (informative only: vendor kernels backport)
 * @param bootId        /proc/sys/kernel/random/boot_id, which changes on every reboot
 * @param osImage       PRETTY_NAME from /etc/os-release
 * @param probeTime     when the probes finished (RFC 3339)
 * @param agentVersion  version of the agent that measured
 * @param targets       one entry per probed target
 * @param verdict       the worst of the targets' verdicts
 * @param qemu          the QEMU the verdicts were judged for
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record NodeResult(
        @JsonPropertyDescription("Name of the StorageProbe this result belongs to (check for the command line).")
        String probe,

        @JsonPropertyDescription("The node's name.") String node,

        @JsonPropertyDescription("uname -r of the node (informative only: vendor kernels backport).")
        String kernelRelease,

        @JsonPropertyDescription("/proc/sys/kernel/random/boot_id, which changes on every reboot.")
        String bootId,

        @JsonPropertyDescription("PRETTY_NAME from /etc/os-release.")
        String osImage,

        @JsonPropertyDescription("When the probes finished (RFC 3339).")
        String probeTime,

        @JsonPropertyDescription("Version of the agent that measured.")
        String agentVersion,

        @JsonPropertyDescription("One entry per probed target.")
        List<TargetResult> targets,

        @JsonPropertyDescription("The worst of the targets' verdicts.")
        Verdict verdict,

        @JsonPropertyDescription(
                "The QEMU the verdicts were judged for; rules that cannot break it are latent findings.")
        QemuInForce qemu) {}
