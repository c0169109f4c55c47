package io.storageprobe.agent.testing;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * What a volume holds: every entry's relative path with the sha256 of a regular file (or "dir"),
 * and each file's mtime. Two snapshots are equal when nothing in the volume was created, deleted,
 * written or touched.
 */
public record VolumeSnapshot(Map<String, String> contents, Map<String, FileTime> mtimes) {
    public static VolumeSnapshot of(Path volume) throws IOException {
        Map<String, String> contents = new TreeMap<>();
        Map<String, FileTime> mtimes = new TreeMap<>();
        try (Stream<Path> paths = Files.walk(volume)) {
            for (Path p : paths.toList()) {
                String name = volume.relativize(p).toString();
                boolean file = Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS);
                contents.put(
                        name, file ? sha256(p) : Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS) ? "dir" : "other");
                if (file) {
                    mtimes.put(name, Files.getLastModifiedTime(p, LinkOption.NOFOLLOW_LINKS));
                }
            }
        }
        return new VolumeSnapshot(contents, mtimes);
    }

    private static String sha256(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            byte[] buffer = new byte[1 << 16];
            for (int n; (n = in.read(buffer)) > 0; ) {
                digest.update(buffer, 0, n);
            }
            return HexFormat.of().formatHex(digest.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
