package io.storageprobe.agent.testing;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.TimeUnit;

/**
 * A real loop device over a sparse file in /var/tmp, with direct I/O on and the given logical
 * sector size, optionally formatted and mounted. {@link #close()} unmounts, detaches and deletes
 * exactly what this object made, in reverse order, also after a failed step.
 */
public final class LoopDevice implements AutoCloseable {
    private final Deque<String[]> undoCommands = new ArrayDeque<>();
    private final Path dir;
    private final String device;
    private Path mountPoint;

    private LoopDevice(int sectorSize, long bytes, boolean partitioned) throws IOException {
        this(sectorSize, bytes, partitioned, null);
    }

    /** @param backing an existing file to attach (kept), or null for a new image in a temp folder */
    private LoopDevice(int sectorSize, long bytes, boolean partitioned, Path backing) throws IOException {
        dir = Files.createTempDirectory(Path.of("/var/tmp"), "storageprobe-test-");
        Path image = backing != null ? backing : dir.resolve("disk.img");
        if (backing == null) {
            try (RandomAccessFile f = new RandomAccessFile(image.toFile(), "rw")) {
                f.setLength(bytes);
                if (partitioned) {
                    writeMbrWithOnePartition(f, sectorSize, bytes);
                }
            }
        }
        try {
            // The last line: losetup warns first about images smaller than a sector.
            String[] out = run(
                            "losetup",
                            "--find",
                            "--show",
                            "--sector-size",
                            String.valueOf(sectorSize),
                            "--direct-io=on",
                            partitioned ? "--partscan" : "--nooverlap",
                            image.toString())
                    .strip()
                    .split("\n");
            device = out[out.length - 1].strip();
        } catch (IOException e) {
            deleteTree();
            throw e;
        }
        undoCommands.push(new String[] {"losetup", "-d", device});
        if (partitioned && !Files.exists(Path.of(device + "p1"))) {
            // Some kernels skip the partition scan at attach time; partx asks for it explicitly.
            run("partx", "-a", device);
        }
    }

    public static LoopDevice create(int sectorSize) throws IOException {
        // Sparse, so the size costs nothing; mkfs.xfs refuses anything under 300 MB.
        return new LoopDevice(sectorSize, 320L << 20, false);
    }

    /** A device over an image of exactly {@code bytes} (0 makes an empty device). */
    public static LoopDevice createOfBytes(int sectorSize, long bytes) throws IOException {
        return new LoopDevice(sectorSize, bytes, false);
    }

    /**
     * A device over an existing file (left in place on close), asked for direct I/O. Where the
     * file's filesystem cannot do {@code sectorSize} with O_DIRECT (512 over a 4K filesystem) the
     * kernel attaches it anyway, running buffered: losetup exits 0 and loop/dio stays 0.
     */
    public static LoopDevice overFile(Path file, int sectorSize) throws IOException {
        return new LoopDevice(sectorSize, 0, false, file);
    }

    /** A device whose MBR holds one Linux partition from 1 MiB to the end: it appears as {@code <device>p1}. */
    public static LoopDevice createPartitioned(int sectorSize) throws IOException {
        return new LoopDevice(sectorSize, 64L << 20, true);
    }

    /** An MBR (sector 0) with one type-0x83 entry; LBAs count logical sectors of the loop device. */
    private static void writeMbrWithOnePartition(RandomAccessFile f, int sectorSize, long bytes) throws IOException {
        java.nio.ByteBuffer entry = java.nio.ByteBuffer.allocate(16).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        long first = (1L << 20) / sectorSize;
        entry.put(4, (byte) 0x83).putInt(8, (int) first).putInt(12, (int) (bytes / sectorSize - first));
        f.seek(446);
        f.write(entry.array());
        f.seek(510);
        f.write(new byte[] {0x55, (byte) 0xAA});
    }

    public String device() {
        return device;
    }

    /** Name in /sys/block, e.g. loop3. */
    public String name() {
        return Path.of(device).getFileName().toString();
    }

    /** Makes a filesystem (ext4 with 4K blocks, or xfs) and mounts it; returns the mount point. */
    public Path mount(String filesystem) throws IOException {
        switch (filesystem) {
            case "ext4" -> run("mkfs.ext4", "-q", "-F", "-b", "4096", device);
            case "xfs" -> run("mkfs.xfs", "-q", "-f", device);
            case "btrfs" -> run("mkfs.btrfs", "-q", "-f", device);
            default -> throw new IllegalArgumentException(filesystem);
        }
        mountPoint = Files.createDirectory(dir.resolve("mnt"));
        run("mount", "-t", filesystem, device, mountPoint.toString());
        undoCommands.push(new String[] {"umount", mountPoint.toString()});
        return mountPoint;
    }

    /** A file of {@code bytes} non-zero bytes on the mounted filesystem, flushed to the device. */
    public Path writeFile(String name, int bytes) throws IOException {
        byte[] data = new byte[bytes];
        java.util.Arrays.fill(data, (byte) 0x3c);
        Path file = Files.write(mountPoint.resolve(name), data);
        run("sync", "-f", file.toString());
        return file;
    }

    public static String run(String... command) throws IOException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        try {
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IOException(String.join(" ", command) + " failed: " + out);
            }
            return out;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    @Override
    public void close() throws IOException {
        IOException first = null;
        while (!undoCommands.isEmpty()) {
            try {
                run(undoCommands.pop());
            } catch (IOException e) {
                first = first == null ? e : first;
            }
        }
        deleteTree();
        if (first != null) {
            throw first;
        }
    }

    private void deleteTree() throws IOException {
        try (var paths = Files.walk(dir)) {
            for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
