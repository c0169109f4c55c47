package io.storageprobe.agent.daemon;

import io.storageprobe.agent.discovery.DeviceDiscovery;
import io.storageprobe.agent.discovery.KubeletVolumes;
import io.storageprobe.agent.run.HungTargets;
import io.storageprobe.agent.run.NodeProbe;
import io.storageprobe.agent.target.NodeMeasurement;
import io.storageprobe.agent.target.Target;
import io.storageprobe.agent.verdict.RuleSet;
import io.storageprobe.api.result.NodeResult;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Probes this node's real targets with the probe engine. */
public final class EngineProbeRunner implements ProbeRunner {
    private final Duration timeout;
    private final DeviceDiscovery discovery;
    /** Kept across runs: a target whose probe is still stuck is reported, not read again. */
    private final HungTargets hung;

    public EngineProbeRunner() {
        this(NodeProbe.DEFAULT_TIMEOUT, new DeviceDiscovery(), new HungTargets());
    }

    /**
     * @param discovery where the node's disks and kubelet's volumes are found
     * @param hung      the probes still stuck in the kernel, kept across runs
     */
    public EngineProbeRunner(Duration perTargetTimeout, DeviceDiscovery discovery, HungTargets hung) {
        this.timeout = perTargetTimeout;
        this.discovery = discovery;
        this.hung = hung;
    }

    @Override
    public NodeResult run(String probe, String node, ProbeSettings settings) {
        // Devices by glob, plus every path and file: unlike the check command, naming a path does
        // not switch device discovery off (design.md section 1 lists them as independent fields).
        // Kubelet's directory is read even without volumes: a disk backing a PersistentVolume is
        // not one of the node's disks either way.
        KubeletVolumes kubelet = discovery.kubeletVolumes(settings.volumes());
        List<Target> targets =
                new ArrayList<>(discovery.nodeDisks(settings.deviceInclude(), settings.deviceExclude(), kubelet));
        settings.paths().forEach(p -> targets.add(Target.path(p)));
        settings.files().forEach(f -> targets.add(Target.file(f)));
        if (settings.volumes()) {
            targets.addAll(kubelet.targets());
        }
        // The default limits: two children at once (the second only when targets wait), and two stuck ones at most,
        // since their memory
        // is charged to the agent's pod and its limit (docs/performance.md has the figures).
        NodeMeasurement measured = NodeProbe.inChildProcesses(timeout, hung)
                .run(probe, node, targets)
                .plus(settings.volumes() ? kubelet.problems() : List.of());
        return RuleSet.named(settings.rules()).judge(measured, settings.qemu());
    }
}
