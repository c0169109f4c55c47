package io.storageprobe.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;
import java.util.List;

/** Globs over the block device names in /sys/block (e.g. {@code nvme*n*}); no slashes. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record DeviceTargets(
        @JsonPropertyDescription(
                "Globs of device names to probe (*, ? and [...] as in a shell). Default: whole disks nvme*n*, sd*, vd*, xvd*, dm-*.")
        @Size(max = 32)
        List<@Pattern(GLOB) String> include,

        @JsonPropertyDescription(
                "Globs of device names never probed, even when included. Default: loop*, ram*, zram*, sr*.")
        @Size(max = 32)
        List<@Pattern(GLOB) String> exclude) {

    /** A device-name glob: no slashes, at most 64 characters. */
    public static final String GLOB = "^[A-Za-z0-9_.:*?\\[\\]!-]{1,64}$";

    public static final List<String> DEFAULT_INCLUDE = List.of("nvme*n*", "sd*", "vd*", "xvd*", "dm-*");
    public static final List<String> DEFAULT_EXCLUDE = List.of("loop*", "ram*", "zram*", "sr*");
}
