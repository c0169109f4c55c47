package io.storageprobe.agent.daemon;

import io.storageprobe.agent.probe.DeviceDiscovery;
import io.storageprobe.agent.probe.HungTargets;
import io.storageprobe.agent.probe.NodeProbe;
import io.storageprobe.agent.probe.Target;
import io.storageprobe.agent.probe.VolumeDiscovery;
import io.storageprobe.agent.verdict.RuleSet;
import io.storageprobe.api.qemu.QemuJudgement;
import io.storageprobe.api.result.NodeResult;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Probes this node's real targets with the probe engine. */
public final class EngineProbeRunner implements ProbeRunner {
    /**
     * Probe children at once: each is a JVM of about 17-30 MiB, charged to the agent's pod, whose
     * agent runs at about 89 MiB of its 192 MiB limit (docs/performance.md).
     */
    static final int CONCURRENT_PROBES = 2;

    private final Duration timeout;
    /** Kept across runs: a target whose probe is still stuck is reported, not read again. */
    private final HungTargets hung = new HungTargets();

    public EngineProbeRunner() {
        this(NodeProbe.DEFAULT_TIMEOUT);
    }

    public EngineProbeRunner(Duration perTargetTimeout) {
        this.timeout = perTargetTimeout;
    }

    /** How many earlier probes are stuck in the kernel right now. */
    public int stuckProbes() {
        return hung.count();
    }

    @Override
    public NodeResult run(String probe, String node, ProbeSettings settings) {
        // Devices by glob, plus every path and file: unlike the check command, naming a path does
        // not switch device discovery off (design.md section 1 lists them as independent fields).
        List<Target> targets = new ArrayList<>();
        new DeviceDiscovery().wholeDisks(settings.deviceInclude(), settings.deviceExclude())
                .forEach(d -> targets.add(Target.device(d)));
        settings.paths().forEach(p -> targets.add(Target.path(p)));
        settings.files().forEach(f -> targets.add(Target.file(f)));
        if (settings.volumes()) {
            targets.addAll(VolumeDiscovery.fromEnvironment().volumes());
        }
        return QemuJudgement.judge(new NodeProbe(RuleSet.named(settings.rules()), timeout, hung)
                .withMaxConcurrent(CONCURRENT_PROBES)
                .run(probe, node, targets), settings.qemu());
    }
}
