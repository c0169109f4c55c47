package io.storageprobe.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import io.storageprobe.api.qemu.RuleCatalog;
import java.util.List;
import java.util.Map;

/**
 * What a StorageProbe asks for. Every field is optional; the defaults are documented on each
 * field and applied by the API server (schema defaults) and again by the operator and agent,
 * so that a missing field means the same everywhere.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
        value = "!has(self.nodeSelector) || self.nodeSelector.all(k, k.size() <= 317)",
        fieldPath = ".nodeSelector",
        message = "spec.nodeSelector keys must be at most 317 characters")
@ValidationRule(
        value = "!has(self.rules) || self.rules.all(r, r in " + RuleCatalog.NAMES_CEL + ")",
        fieldPath = ".rules",
        message = "spec.rules may only name " + RuleCatalog.NAMES_TEXT)
@ValidationRule(
        value = "!has(self.rules) || self.rules.all(r, self.rules.exists_one(x, x == r))",
        fieldPath = ".rules",
        message = "spec.rules must not name a rule twice")
@ValidationRule(
        value = "!has(self.interval) || duration(self.interval) >= duration('1m')",
        fieldPath = ".interval",
        message = "spec.interval must be at least 1m")
public record StorageProbeSpec(
        @JsonPropertyDescription(
                "Labels a node must carry to run the agent, as in a Pod's nodeSelector. Default: every node.")
        Map<String, @Size(max = 63) String> nodeSelector,

        @JsonPropertyDescription(
                "Taints the agent tolerates, as in a Pod's tolerations; storageprobe.io/affected is always tolerated, so a tainted node keeps its agent and can recover. Default: tolerate every taint, so that every node is probed.")
        @Size(max = 64)
        List<ProbeToleration> tolerations,

        @JsonPropertyDescription("Which storage of each node is probed.")
        Targets targets,

        @JsonPropertyDescription("Names of the conformance rules that decide the verdict. Default: all built-in rules. "
                + "qemu-legacy-dio breaks QEMU before 7.2 only (fixed by QEMU commits a7c5f67a7856 and 25474d90aa50); "
                + "qemu-alignment-probe, dio-write-alignment and image-size-alignment break every QEMU; "
                + "dio-alignment-honest and dio-not-buffered break none (informational: QEMU never asks statx; "
                + "btrfs's buffered fallback, VMs run). "
                + "A failing rule that cannot break the QEMU in force (see qemu) is a latent finding, not Affected.")
        @Size(max = 16)
        List<@Size(max = 63) String> rules,

        @JsonPropertyDescription(
                "How often each node re-probes, as a duration of hours, minutes and seconds (e.g. 30m, 6h, 1h30m), at least 1m. A node also re-probes after a reboot. Default: 6h.")
        @Default("6h")
        @Pattern("^([0-9]{1,6}(h|m|s))+$")
        String interval,

        @JsonPropertyDescription("What the operator does to a node with the node's verdict.")
        NodeActions nodeActions,

        @JsonPropertyDescription("How the agent pods run: image, resources, priority class, kubelet's root directory.")
        AgentSpec agent,

        @JsonPropertyDescription(
                "The QEMU whose VMs this probe protects: auto, or a version such as 7.2 or 9.1.0. "
                        + "auto reads the installed KubeVirt (status.observedKubeVirtVersion of the KubeVirt resource, group kubevirt.io) "
                        + "and maps its release to the QEMU it ships; without KubeVirt, or for a release the operator does not know, "
                        + "every rule counts. Set a version where a distribution backported the QEMU 7.2 fix. status.qemu shows what is in force. Default: auto.")
        @Default("auto")
        @Pattern("^(auto|[0-9]{1,3}\\.[0-9]{1,3}(\\.[0-9]{1,3})?)$")
        String qemu) {

    /** The interval used when spec.interval is absent. */
    public static final String DEFAULT_INTERVAL = "6h";

    /** The names of the built-in rules (design.md section 3); spec.rules may name only these. */
    public static final List<String> BUILT_IN_RULES = RuleCatalog.names();

    /** spec.qemu's value asking the operator to find the QEMU from the installed KubeVirt. */
    public static final String QEMU_AUTO = "auto";
}
