package io.storageprobe.agent.discovery;

import io.storageprobe.agent.target.Measurement;
import io.storageprobe.agent.target.Target;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What {@link VolumeDiscovery} found in kubelet's directory.
 *
 * @param targets the volumes to probe, each once; none when the scan was not for probing them
 * @param devices every block device seen backing a PersistentVolume, by device number: also those
 *                of volumes that are not probed (other plugins, staging mounts), since a disk that
 *                backs any PersistentVolume is not the node's own
 * @param problems what stopped the scan for volumes to probe (kubelet's root is not where the agent
 *                 looks), each the Error the user sees in place of the volumes
 */
public record KubeletVolumes(
        List<Target> targets, Map<DeviceNumber, PersistentVolumeDevice> devices, List<Measurement> problems) {
    public KubeletVolumes {
        targets = List.copyOf(targets);
        devices = Map.copyOf(devices);
        problems = List.copyOf(problems);
    }

    public static KubeletVolumes none() {
        return new KubeletVolumes(List.of(), Map.of(), List.of());
    }

    Optional<PersistentVolumeDevice> backing(DeviceNumber device) {
        return Optional.ofNullable(devices.get(device));
    }

    /** Whether a target probes this PersistentVolume. */
    boolean probes(String persistentVolume) {
        return persistentVolume != null
                && targets.stream().anyMatch(t -> persistentVolume.equals(t.persistentVolume()));
    }
}
