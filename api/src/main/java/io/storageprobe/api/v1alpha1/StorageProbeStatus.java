package io.storageprobe.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.storageprobe.api.result.QemuInForce;
import java.util.List;

/** What the operator last concluded from the agents' results. Written only by the operator. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record StorageProbeStatus(
        @JsonPropertyDescription("The metadata.generation of the spec this status describes.")
        Long observedGeneration,

        @JsonPropertyDescription(
                "Ready: agents rolled out and every targeted node reported. Conformant: False when any node fails a selected rule.")
        List<ProbeCondition> conditions,

        @JsonPropertyDescription("Node counts: targeted, reported, and per verdict.")
        Summary summary,

        @JsonPropertyDescription("Nodes whose verdict is Affected, sorted by name, at most 50.")
        List<AffectedNode> affectedNodes,

        @JsonPropertyDescription("True when more nodes are Affected than affectedNodes lists.")
        Boolean affectedNodesTruncated,

        @JsonPropertyDescription("The newest probeTime among the results (RFC 3339).")
        String lastProbeTime,

        @JsonPropertyDescription(
                "The QEMU the verdicts are judged for, and where it came from (spec.qemu, or the installed KubeVirt).")
        QemuInForce qemu,

        @JsonPropertyDescription(
                "Nodes that are not Affected but fail a rule that cannot break the QEMU in force (latent findings), sorted by name, at most 50; summary.latent counts them all.")
        List<AffectedNode> latentNodes,

        @JsonPropertyDescription(
                "Per StorageClass, the volumes the agents probed (spec.targets.volumes), sorted by class, at most 100.")
        List<StorageClassSummary> storageClasses,

        @JsonPropertyDescription("True when more StorageClasses had volumes probed than storageClasses lists.")
        Boolean storageClassesTruncated,

        @JsonPropertyDescription(
                "Results that are not counted (they label, taint and alert nothing), sorted by name, at most 50: malformed ones, and those the probe's agent on their node did not write (the writer check, docs/design.md).")
        List<RefusedResult> refusedResults) {

    /** How many affected nodes the status lists; the rest are counted, not named. */
    public static final int MAX_AFFECTED_NODES = 50;
    /** How many refused results the status lists; the operator's log and Events name every one. */
    public static final int MAX_REFUSED_RESULTS = 50;

    /** This status listing {@code refused} (already sorted and cut to {@link #MAX_REFUSED_RESULTS}). */
    public StorageProbeStatus withRefusedResults(List<RefusedResult> refused) {
        return new StorageProbeStatus(
                observedGeneration,
                conditions,
                summary,
                affectedNodes,
                affectedNodesTruncated,
                lastProbeTime,
                qemu,
                latentNodes,
                storageClasses,
                storageClassesTruncated,
                refused);
    }
}
