package io.storageprobe.agent.target;

import java.util.ArrayList;
import java.util.List;

/**
 * What one run measured on a node, before any rule looked at it: {@code RuleSet} judges it for a QEMU.
 *
 * @param probe         the StorageProbe (or "check") the run belongs to
 * @param node          the node's name
 * @param kernelRelease the running kernel
 * @param bootId        the boot the measurements belong to
 * @param osImage       the host's PRETTY_NAME
 * @param probeTime     when the run started
 * @param agentVersion  the agent that measured
 * @param targets       one measurement per distinct target, in the order asked
 */
public record NodeMeasurement(
        String probe,
        String node,
        String kernelRelease,
        String bootId,
        String osImage,
        String probeTime,
        String agentVersion,
        List<Measurement> targets) {
    public NodeMeasurement {
        targets = List.copyOf(targets);
    }

    /** These measurements followed by {@code more} (e.g. what discovery could not find, each an Error). */
    public NodeMeasurement plus(List<Measurement> more) {
        List<Measurement> all = new ArrayList<>(targets);
        all.addAll(more);
        return new NodeMeasurement(probe, node, kernelRelease, bootId, osImage, probeTime, agentVersion, all);
    }
}
