package io.storageprobe.operator.status;

import io.storageprobe.api.result.NodeResult;
import io.storageprobe.api.v1alpha1.StorageProbeStatus;
import io.storageprobe.operator.qemu.ResolvedQemu;
import io.storageprobe.operator.spec.SpecProblem;
import java.time.Instant;
import java.util.List;

/**
 * Everything the status is computed from; nothing else is read, so the aggregation is pure.
 *
 * @param generation     metadata.generation of the probe
 * @param specProblem    what is wrong with the spec, or null when it is valid
 * @param targetedNodes  names of the nodes the agent should run on
 * @param counted        the results that count, one per targeted node at most, each judged for {@code qemu}
 *                       (the reconciler's CountedResults decides which: nothing here filters them again)
 * @param rollout        the agent DaemonSet's rollout
 * @param previous       the status as it is now (for lastTransitionTime), or null
 * @param now            the time a changed condition records
 * @param qemu           the QEMU the results are judged for, with its condition (null with an invalid spec)
 * @param storageClasses the probed volumes per StorageClass ({@link StorageClassAggregator})
 */
public record AggregationInput(
        long generation,
        SpecProblem specProblem,
        List<String> targetedNodes,
        List<NodeResult> counted,
        RolloutState rollout,
        StorageProbeStatus previous,
        Instant now,
        ResolvedQemu qemu,
        StorageClassReport storageClasses) {}
