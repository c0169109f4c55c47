package io.storageprobe.agent.daemon;

import io.storageprobe.api.result.QemuInForce;
import io.storageprobe.api.v1alpha1.DeviceTargets;
import io.storageprobe.api.v1alpha1.ProbeInterval;
import io.storageprobe.api.v1alpha1.StorageProbe;
import io.storageprobe.api.v1alpha1.StorageProbeSpec;
import io.storageprobe.api.v1alpha1.Targets;
import java.time.Duration;
import java.util.List;

/**
 * What the agent takes from its StorageProbe, defaults applied (design.md section 1).
 *
 * @param uid        the probe's uid, for the results' owner reference
 * @param generation the probe's generation: a new one means probe again now
 * @param qemu       the QEMU to judge for: the operator's status.qemu, else an explicit spec.qemu, else unknown
 * @param volumes    spec.targets.volumes: also probe the PersistentVolumes kubelet attached to the node
 */
public record ProbeSettings(
        String uid,
        long generation,
        List<String> deviceInclude,
        List<String> deviceExclude,
        List<String> paths,
        List<String> files,
        List<String> rules,
        Duration interval,
        QemuInForce qemu,
        boolean volumes) {

    /** Throws IllegalArgumentException naming the field when the spec is unusable. */
    public static ProbeSettings of(StorageProbe probe) {
        StorageProbeSpec spec = probe.getSpec();
        Targets targets = spec == null ? null : spec.targets();
        DeviceTargets devices = targets == null ? null : targets.devices();
        Duration interval;
        try {
            interval = ProbeInterval.parse(spec == null ? null : spec.interval());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("spec.interval: " + e.getMessage());
        }
        return new ProbeSettings(
                probe.getMetadata().getUid(),
                probe.getMetadata().getGeneration() == null
                        ? 0
                        : probe.getMetadata().getGeneration(),
                devices == null || devices.include() == null ? DeviceTargets.DEFAULT_INCLUDE : devices.include(),
                devices == null || devices.exclude() == null ? DeviceTargets.DEFAULT_EXCLUDE : devices.exclude(),
                targets == null || targets.paths() == null ? List.of() : targets.paths(),
                targets == null || targets.files() == null ? List.of() : targets.files(),
                spec == null || spec.rules() == null ? List.of() : spec.rules(),
                interval,
                qemu(probe),
                targets != null && Boolean.TRUE.equals(targets.volumes()));
    }

    /**
     * The operator resolves spec.qemu (auto: from KubeVirt) into status.qemu; until it has, an
     * explicit version in the spec is used as is, and auto means unknown: every rule counts.
     */
    private static QemuInForce qemu(StorageProbe probe) {
        if (probe.getStatus() != null && probe.getStatus().qemu() != null) {
            return probe.getStatus().qemu();
        }
        String wanted = probe.getSpec() == null ? null : probe.getSpec().qemu();
        if (wanted != null && !StorageProbeSpec.QEMU_AUTO.equals(wanted)) {
            return new QemuInForce(wanted, QemuInForce.SPEC, "spec.qemu");
        }
        return QemuInForce.unknown("the operator has not resolved spec.qemu yet");
    }
}
