package io.storageprobe.agent.daemon;

import io.storageprobe.agent.discovery.DeviceDiscovery;
import io.storageprobe.agent.run.HungTargets;
import io.storageprobe.agent.discovery.KubeletVolumes;
import io.storageprobe.agent.run.NodeProbe;
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
    private final HungTargets hung = new HungTargets();

    public EngineProbeRunner() {
        this(NodeProbe.DEFAULT_TIMEOUT);
    }

    public EngineProbeRunner(Duration perTargetTimeout) {
        this(perTargetTimeout, new DeviceDiscovery());
    }

    /** @param discovery where the node's disks and kubelet's volumes are found */
    public EngineProbeRunner(Duration perTargetTimeout, DeviceDiscovery discovery) {
        this.timeout = perTargetTimeout;
        this.discovery = discovery;
    }

    /** How many earlier probes are stuck in the kernel right now. */
    public int stuckProbes() {
        return hung.count();
    }

    @Override
    public NodeResult run(String probe, String node, ProbeSettings settings) {
        // Devices by glob, plus every path and file: unlike the check command, naming a path does
        // not switch device discovery off (design.md section 1 lists them as independent fields).
        // Kubelet's directory is read even without volumes: a disk backing a PersistentVolume is
        // not one of the node's disks either way.
        KubeletVolumes kubelet = discovery.kubeletVolumes(settings.volumes());
        List<Target> targets = new ArrayList<>(discovery.nodeDisks(settings.deviceInclude(), settings.deviceExclude(), kubelet));
        settings.paths().forEach(p -> targets.add(Target.path(p)));
        settings.files().forEach(f -> targets.add(Target.file(f)));
        if (settings.volumes()) {
            targets.addAll(kubelet.targets());
        }
        // The default limits: two children of about 17-30 MiB each at once, and two stuck ones at
        // most, charged to the agent's pod, whose agent runs at about 89 MiB of its 192 MiB limit.
        return RuleSet.named(settings.rules()).judge(NodeProbe.inChildProcesses(timeout, hung).run(probe, node, targets),
                settings.qemu());
    }
}
