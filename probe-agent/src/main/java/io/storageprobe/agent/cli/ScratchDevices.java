package io.storageprobe.agent.cli;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Loop devices with 512- and 4096-byte logical sectors, and a file on ext4 on the 4K one, made for
 * one check and taken down afterwards: {@link #close()} undoes exactly what was done, in reverse,
 * and a shutdown hook does the same on Ctrl-C. Images live in /var/tmp because the loop driver's
 * direct I/O needs a backing filesystem that has it (/tmp may be tmpfs).
 */
public final class ScratchDevices implements AutoCloseable {
    private static final long IMAGE_BYTES = 64L << 20;

    private final Deque<Runnable> undo = new ArrayDeque<>();
    private final Thread hook = new Thread(this::undoAll, "scratch-cleanup");
    private final List<String> devices = new ArrayList<>();
    private String file;

    private ScratchDevices() {
        Runtime.getRuntime().addShutdownHook(hook);
    }

    /** Sets everything up, or undoes what was done and throws with the step that failed. */
    public static ScratchDevices create() throws IOException {
        ScratchDevices scratch = new ScratchDevices();
        try {
            scratch.setUp();
            return scratch;
        } catch (IOException | RuntimeException e) {
            scratch.close();
            throw e;
        }
    }

    public List<String> devices() {
        return devices;
    }

    public String file() {
        return file;
    }

    private void setUp() throws IOException {
        Path dir = Files.createTempDirectory(Path.of("/var/tmp"), "storageprobe-scratch-");
        undo.push(() -> deleteQuietly(dir));
        devices.add(loop(dir.resolve("sector512.img"), 512));
        String loop4k = loop(dir.resolve("sector4096.img"), 4096);
        devices.add(loop4k);
        run("mkfs.ext4", "-q", "-F", "-b", "4096", loop4k);
        Path mnt = Files.createDirectory(dir.resolve("mnt"));
        undo.push(() -> deleteQuietly(mnt));
        run("mount", "-t", "ext4", loop4k, mnt.toString());
        undo.push(() -> runQuietly("umount", mnt.toString()));
        Path data = mnt.resolve("disk.img");
        Files.write(data, pattern(1 << 20));
        run("sync", "-f", data.toString());
        file = data.toString();
    }

    private String loop(Path image, int sectorSize) throws IOException {
        try (RandomAccessFile f = new RandomAccessFile(image.toFile(), "rw")) {
            f.setLength(IMAGE_BYTES);
        }
        undo.push(() -> deleteQuietly(image));
        String device = run("losetup", "--find", "--show", "--sector-size", String.valueOf(sectorSize),
                "--direct-io=on", image.toString()).trim();
        undo.push(() -> runQuietly("losetup", "-d", device));
        return device;
    }

    private static byte[] pattern(int size) {
        byte[] data = new byte[size];
        for (int i = 0; i < size; i++) {
            data[i] = (byte) (i * 31 + 7);
        }
        return data;
    }

    /** Runs a command, returning its output; a failure names the command and what it printed. */
    static String run(String... command) throws IOException {
        Process p;
        try {
            p = new ProcessBuilder(command).redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new IOException(command[0] + " is not installed (needed by --scratch)");
        }
        try {
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException(String.join(" ", command) + " did not finish within 60 s");
            }
            if (p.exitValue() != 0) {
                throw new IOException(String.join(" ", command) + " failed: " + out.strip());
            }
            return out;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(String.join(" ", command) + " was interrupted");
        }
    }

    private static void runQuietly(String... command) {
        try {
            run(command);
        } catch (IOException e) {
            System.err.println("storageprobe: cleanup: " + e.getMessage());
        }
    }

    private static void deleteQuietly(Path path) {
        try {
            Files.deleteIfExists(path);
        } catch (IOException e) {
            System.err.println("storageprobe: cleanup: cannot delete " + path + ": " + e.getMessage());
        }
    }

    private synchronized void undoAll() {
        while (!undo.isEmpty()) {
            undo.pop().run();
        }
    }

    @Override
    public void close() {
        undoAll();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException ignored) {
            // Already shutting down: the hook is running or has run undoAll, which is idempotent.
        }
    }
}
