package io.storageprobe.agent.probe;

import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** Turns a {@link TargetSelection} into the list of targets to probe on this host. */
public final class DeviceDiscovery {
    private final Path sysBlock;

    public DeviceDiscovery() {
        this(Path.of("/sys/block"));
    }

    DeviceDiscovery(Path sysBlock) {
        this.sysBlock = sysBlock;
    }

    public static List<Target> targets(TargetSelection selection) {
        return new DeviceDiscovery().select(selection);
    }

    public List<Target> select(TargetSelection selection) {
        List<Target> targets = new ArrayList<>();
        if (selection.namesTargets()) {
            selection.devices().forEach(d -> targets.add(Target.device(d)));
        } else {
            wholeDisks(selection.deviceInclude(), selection.deviceExclude()).forEach(d -> targets.add(Target.device(d)));
        }
        selection.paths().forEach(p -> targets.add(Target.path(p)));
        selection.files().forEach(f -> targets.add(Target.file(f)));
        if (selection.volumes()) {
            targets.addAll(VolumeDiscovery.fromEnvironment().volumes());
        }
        return targets;
    }

    /** Names in /sys/block (whole disks only: partitions are not listed there) matching the globs, sorted. */
    public List<String> wholeDisks(List<String> include, List<String> exclude) {
        List<PathMatcher> in = matchers(include);
        List<PathMatcher> out = matchers(exclude);
        try (Stream<Path> entries = Files.list(sysBlock)) {
            return entries.map(Path::getFileName)
                    .filter(name -> in.stream().anyMatch(m -> m.matches(name)))
                    .filter(name -> out.stream().noneMatch(m -> m.matches(name)))
                    .map(Path::toString)
                    .sorted()
                    .toList();
        } catch (IOException e) {
            return List.of();
        }
    }

    private static List<PathMatcher> matchers(List<String> globs) {
        return globs.stream().map(g -> FileSystems.getDefault().getPathMatcher("glob:" + g)).toList();
    }
}
