package io.storageprobe.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.ValidationRule;
import io.fabric8.generator.annotation.Size;
import java.util.List;

/** Globs over the block device names in /sys/block (e.g. {@code nvme*n*}); no slashes. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(value = "!has(self.include) || self.include.all(g, g.matches('^[A-Za-z0-9_.:*?\\\\[\\\\]!-]{1,64}$'))",
        fieldPath = ".include",
        message = "spec.targets.devices.include must hold device name globs: letters, digits, _ . : - and * ? [ ] !, no slashes")
@ValidationRule(value = "!has(self.exclude) || self.exclude.all(g, g.matches('^[A-Za-z0-9_.:*?\\\\[\\\\]!-]{1,64}$'))",
        fieldPath = ".exclude",
        message = "spec.targets.devices.exclude must hold device name globs: letters, digits, _ . : - and * ? [ ] !, no slashes")
public record DeviceTargets(
        @JsonPropertyDescription("Globs of device names to probe (*, ? and [...] as in a shell). Default: whole disks nvme*n*, sd*, vd*, xvd*, dm-*.")
        @Size(max = 32)
        List<String> include,

        @JsonPropertyDescription("Globs of device names never probed, even when included. Default: loop*, ram*, zram*, sr*.")
        @Size(max = 32)
        List<String> exclude) {

    public static final List<String> DEFAULT_INCLUDE = List.of("nvme*n*", "sd*", "vd*", "xvd*", "dm-*");
    public static final List<String> DEFAULT_EXCLUDE = List.of("loop*", "ram*", "zram*", "sr*");
}
