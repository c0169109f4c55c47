package io.storageprobe.agent.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * A real FUSE mount (src/test/c/hangfs.c, built here with gcc and libfuse3) holding one file whose
 * reads never return: a reader blocks in the kernel exactly as on a dead disk or server. Closing
 * kills the daemon with SIGKILL, which aborts the connection and releases any stuck reader, then
 * removes the mount point (one it made itself).
 */
public final class HangingFilesystem implements AutoCloseable {
    private final Path dir;
    private final Path mountPoint;
    private final Process daemon;

    private HangingFilesystem(Path at, boolean hangRoot) throws IOException {
        dir = Files.createTempDirectory(Path.of("/var/tmp"), "storageprobe-hangfs-");
        Path binary = dir.resolve("hangfs");
        try {
            String flags =
                    LoopDevice.run("pkg-config", "fuse3", "--cflags", "--libs").trim();
            LoopDevice.run("sh", "-c", "gcc -o '" + binary + "' src/test/c/hangfs.c " + flags);
            mountPoint = at != null ? at : Files.createDirectory(dir.resolve("mnt"));
        } catch (IOException | RuntimeException e) {
            // Nothing is mounted yet: a failed build (no libfuse3-dev) must not leave the directory.
            LoopDevice.run("rm", "-rf", dir.toString());
            throw e;
        }
        ProcessBuilder server = new ProcessBuilder(binary.toString(), "-f", "-s", mountPoint.toString())
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("hangfs.log").toFile());
        if (hangRoot) {
            server.environment().put("HANGFS_ROOT", "hang");
        }
        daemon = server.start();
        waitForMount();
    }

    /** In a directory of its own; only reading {@link #file()} hangs. */
    public static HangingFilesystem mount() throws IOException {
        return new HangingFilesystem(null, false);
    }

    /**
     * On an existing directory, where a stat of the mount point itself hangs too: a dead NFS
     * server's volume as kubelet mounted it. The directory stays when it is closed.
     */
    public static HangingFilesystem mountDeadAt(Path mountPoint) throws IOException {
        return new HangingFilesystem(mountPoint, true);
    }

    public Path file() {
        return mountPoint.resolve("disk.img");
    }

    public Path mountPoint() {
        return mountPoint;
    }

    /** Kills the server but leaves the mount: what a crashed FUSE server leaves, answering ENOTCONN. */
    public void killServer() throws InterruptedException {
        daemon.destroyForcibly();
        daemon.waitFor(10, TimeUnit.SECONDS);
    }

    private void waitForMount() throws IOException {
        for (int i = 0; i < 100; i++) {
            if (Files.readString(Path.of("/proc/mounts")).contains(" " + mountPoint + " fuse")) {
                return;
            }
            if (!daemon.isAlive()) {
                throw new IOException("hangfs exited: " + Files.readString(dir.resolve("hangfs.log")));
            }
            sleep(50);
        }
        throw new IOException("hangfs did not mount " + mountPoint);
    }

    @Override
    public void close() throws IOException {
        daemon.destroyForcibly();
        try {
            daemon.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        // Readers released by the abort still have to exit before the mount stops being busy.
        for (int i = 0; mounted() && i < 100; i++) {
            try {
                LoopDevice.run("umount", mountPoint.toString());
            } catch (IOException busy) {
                sleep(100);
            }
        }
        if (mounted()) {
            LoopDevice.run("umount", "--lazy", mountPoint.toString());
        }
        try (var paths = Files.walk(dir)) {
            for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    private boolean mounted() throws IOException {
        return Files.readString(Path.of("/proc/mounts")).contains(" " + mountPoint + " ");
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
