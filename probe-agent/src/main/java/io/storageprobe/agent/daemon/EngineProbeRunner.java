package io.storageprobe.agent.daemon;

import io.storageprobe.agent.probe.DeviceDiscovery;
import io.storageprobe.agent.probe.NodeProbe;
import io.storageprobe.agent.probe.Target;
import io.storageprobe.agent.verdict.RuleSet;
import io.storageprobe.api.qemu.QemuJudgement;
import io.storageprobe.api.result.NodeResult;
import java.util.ArrayList;
import java.util.List;

/** Probes this node's real targets with the probe engine. */
public final class EngineProbeRunner implements ProbeRunner {
    @Override
    public NodeResult run(String probe, String node, ProbeSettings settings) {
        // Devices by glob, plus every path and file: unlike the check command, naming a path does
        // not switch device discovery off (design.md section 1 lists them as independent fields).
        List<Target> targets = new ArrayList<>();
        new DeviceDiscovery().wholeDisks(settings.deviceInclude(), settings.deviceExclude())
                .forEach(d -> targets.add(Target.device(d)));
        settings.paths().forEach(p -> targets.add(Target.path(p)));
        settings.files().forEach(f -> targets.add(Target.file(f)));
        return QemuJudgement.judge(new NodeProbe(RuleSet.named(settings.rules()), NodeProbe.DEFAULT_TIMEOUT)
                .run(probe, node, targets), settings.qemu());
    }
}
