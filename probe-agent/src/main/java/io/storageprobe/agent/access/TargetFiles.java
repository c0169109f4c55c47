package io.storageprobe.agent.access;

import io.storageprobe.agent.nativeio.DirectFile;
import io.storageprobe.agent.nativeio.Errno;
import io.storageprobe.agent.nativeio.LibC;
import io.storageprobe.agent.nativeio.NativeError;
import io.storageprobe.agent.nativeio.Statx;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/** Resolving, stat-ing and opening a target's path, each failure turned into a one-line {@link TargetError}. */
final class TargetFiles {
    private TargetFiles() {}

    static DirectFile open(String path) throws TargetError {
        try {
            return DirectFile.open(path);
        } catch (NativeError e) {
            throw new TargetError(openFailure(path, e.errno()));
        }
    }

    static String openFailure(String path, int errno) {
        return switch (errno) {
            case Errno.EACCES, Errno.EPERM ->
                "cannot open " + path + ": permission denied"
                        + (LibC.geteuid() == 0
                                ? " to root (a container's device cgroup or a security module forbids it)"
                                : " to uid " + LibC.geteuid() + " (run as root, or as a user who may read it"
                                        + group(path) + ")");
            case Errno.ENOMEDIUM -> "cannot open " + path + ": no medium";
            default -> "cannot open " + path + " with O_DIRECT: " + Errno.name(errno);
        };
    }

    /** ", such as a member of group disk", from the device's group; empty when it cannot be read. */
    private static String group(String path) {
        try {
            return ", such as a member of group "
                    + Files.readAttributes(Path.of(path), java.nio.file.attribute.PosixFileAttributes.class)
                            .group()
                            .getName();
        } catch (IOException | RuntimeException e) {
            return "";
        }
    }

    static Path realPath(String path, String missing) throws TargetError {
        try {
            return Path.of(path).toRealPath();
        } catch (NoSuchFileException e) {
            throw new TargetError(missing + ": " + path);
        } catch (java.nio.file.FileSystemException e) {
            throw new TargetError(
                    "cannot resolve " + path + ": " + (e.getReason() != null ? e.getReason() : e.getMessage()));
        } catch (IOException | java.nio.file.InvalidPathException e) {
            throw new TargetError("cannot resolve " + path + ": " + e.getMessage());
        }
    }

    static Statx statx(String path) throws TargetError {
        try {
            return Statx.of(path);
        } catch (NativeError e) {
            throw new TargetError("cannot stat " + path + ": " + Errno.describe(e.errno()));
        }
    }

    static long size(Path file) throws TargetError {
        try {
            return Files.size(file);
        } catch (IOException e) {
            throw new TargetError("cannot read the size of " + file + ": " + ioReason(e));
        }
    }

    static String ioReason(IOException e) {
        if (e instanceof java.nio.file.FileSystemException fs && fs.getReason() != null) {
            return fs.getReason(); // the errno's text, e.g. "Transport endpoint is not connected"
        }
        return e.getMessage() == null
                ? e.getClass().getSimpleName()
                : e.getClass().getSimpleName() + " " + e.getMessage();
    }
}
