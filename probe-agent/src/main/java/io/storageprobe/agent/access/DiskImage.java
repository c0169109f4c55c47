package io.storageprobe.agent.access;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Comparator;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The file a filesystem volume is probed through: KubeVirt's {@code disk.img} at the volume's top
 * (where its disk image volumes keep the VM disk), else the largest regular file there of at least
 * {@link ReadProbes#MIN_FILE_BYTES}. Only the top level is looked at, and symlinks are never
 * followed: a link could lead out of the volume, onto the host.
 */
final class DiskImage {
    static final String KUBEVIRT_NAME = "disk.img";

    private DiskImage() {}

    static Optional<Path> find(Path volume) throws TargetError {
        Path kubevirt = volume.resolve(KUBEVIRT_NAME);
        if (size(kubevirt) >= ReadProbes.MIN_FILE_BYTES) {
            return Optional.of(kubevirt);
        }
        try (Stream<Path> entries = Files.list(volume)) {
            return entries.map(p -> Map.entry(p, size(p)))
                    .filter(e -> e.getValue() >= ReadProbes.MIN_FILE_BYTES)
                    .max(Comparator.<Map.Entry<Path, Long>>comparingLong(Map.Entry::getValue)
                            .thenComparing(e -> e.getKey().getFileName().toString(), Comparator.reverseOrder()))
                    .map(Map.Entry::getKey);
        } catch (IOException | java.io.UncheckedIOException e) {
            throw new TargetError("cannot list " + volume + ": " + e.getMessage());
        }
    }

    /** The size of a regular file that is not a symlink, else -1. */
    private static long size(Path file) {
        try {
            BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            return a.isRegularFile() ? a.size() : -1;
        } catch (IOException e) {
            return -1;
        }
    }
}
