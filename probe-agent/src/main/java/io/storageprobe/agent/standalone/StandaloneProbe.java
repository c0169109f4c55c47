package io.storageprobe.agent.standalone;

import io.storageprobe.agent.discovery.DeviceDiscovery;
import io.storageprobe.agent.discovery.FoundTargets;
import io.storageprobe.agent.discovery.TargetSelection;
import io.storageprobe.agent.run.NodeProbe;
import io.storageprobe.agent.verdict.RuleSet;
import io.storageprobe.api.result.NodeResult;
import io.storageprobe.api.result.QemuInForce;

/**
 * One probe run of this host, the way {@code check} selects targets: the named ones, else the
 * whole disks found in /sys/block at the time of the run (a disk added later is probed next run).
 */
record StandaloneProbe(String probe, String node, TargetSelection selection, RuleSet rules, QemuInForce qemu) {

    FoundTargets targets() {
        return DeviceDiscovery.targets(selection);
    }

    NodeResult run() {
        FoundTargets found = targets();
        return rules.judge(
                NodeProbe.inChildProcesses(NodeProbe.DEFAULT_TIMEOUT)
                        .run(probe, node, found.targets())
                        .plus(found.problems()),
                qemu);
    }
}
