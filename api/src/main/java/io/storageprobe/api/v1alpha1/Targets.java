package io.storageprobe.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.List;

/** Which storage of a node is probed: block devices, directories, files and the volumes kubelet attached. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
        value = "!has(self.paths) || self.paths.all(p, !p.contains('/../') && !p.endsWith('/..'))",
        fieldPath = ".paths",
        message = "spec.targets.paths must not contain '..' segments")
@ValidationRule(
        value = "!has(self.files) || self.files.all(p, !p.contains('/../') && !p.endsWith('/..'))",
        fieldPath = ".files",
        message = "spec.targets.files must not contain '..' segments")
public record Targets(
        @JsonPropertyDescription("Block devices, chosen by name from /sys/block. Devices are always opened read-only.")
        DeviceTargets devices,

        @JsonPropertyDescription(
                "Directories whose filesystem matters, e.g. where VM disk images live (/var/lib/kubelet). The agent creates one small temporary file in each, probes it and deletes it. Default: none.")
        @Size(max = 32)
        List<@Size(min = 1, max = 1024) @Pattern("^/") String> paths,

        @JsonPropertyDescription("Existing files probed read-only, by absolute path. Default: none.") @Size(max = 32)
        List<@Size(min = 1, max = 1024) @Pattern("^/") String> files,

        @JsonPropertyDescription(
                "Probe the volumes kubelet attached to the node (block and filesystem PersistentVolumes), read-only. Default: false.")
        Boolean volumes,

        @JsonPropertyDescription(
                "Whether volume targets count toward the node verdict, and so its label, taint and the node alerts. Default: false: volumes are reported per StorageClass only, since a PersistentVolume of one bad StorageClass says nothing about the node's own disks or the other classes, and must not taint the node.")
        Boolean volumesInNodeVerdict) {

    @JsonIgnore
    public boolean volumesCountForNodes() {
        return Boolean.TRUE.equals(volumes) && Boolean.TRUE.equals(volumesInNodeVerdict);
    }
}
