package io.storageprobe.agent.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Loop devices with 512- and 4096-byte logical sectors, and a file on ext4 on the 4K one, made for
 * one check and taken down afterwards, also on Ctrl-C or SIGTERM (a shutdown hook). Images live in
 * /var/tmp because the loop driver's direct I/O needs a backing filesystem that has it (/tmp may
 * be tmpfs), in a directory named after this process: {@link ScratchSweep} takes down whatever
 * belongs to that directory, and the next run removes it if this one is killed outright
 * ({@link StaleScratch}).
 *
 * <p>Setup steps and the cleanup exclude each other: once cleanup has begun no step starts, so
 * nothing is made after the sweep that would outlive the process.
 */
public final class ScratchDevices implements AutoCloseable {
    private static final long IMAGE_BYTES = 64L << 20;
    static final Path PARENT = Path.of("/var/tmp");

    private final Thread hook = new Thread(this::onSignal, "scratch-cleanup");
    private final PrintStream err;
    private final List<String> devices = new ArrayList<>();
    private Path dir;
    private String file;
    private boolean closing;

    private ScratchDevices(PrintStream err) {
        this.err = err;
        Runtime.getRuntime().addShutdownHook(hook);
    }

    /**
     * Removes what killed earlier runs left, then sets everything up, or takes down what was made
     * and throws with the step that failed.
     */
    public static ScratchDevices create(PrintStream err) throws IOException {
        StaleScratch.removeAll(PARENT).forEach(line -> err.println("storageprobe check: " + line));
        ScratchDevices scratch = new ScratchDevices(err);
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
        step(() -> dir = Files.createTempDirectory(PARENT, StaleScratch.prefixForThisProcess()));
        step(() -> devices.add(loop(dir.resolve("sector512.img"), 512)));
        step(() -> devices.add(loop(dir.resolve("sector4096.img"), 4096)));
        String loop4k = devices.get(1);
        Path mnt = dir.resolve("mnt");
        step(() -> run("mkfs.ext4", "-q", "-F", "-b", "4096", loop4k));
        step(() -> Files.createDirectory(mnt));
        step(() -> run("mount", "-t", "ext4", loop4k, mnt.toString()));
        Path data = mnt.resolve("disk.img");
        step(() -> {
            Files.write(data, pattern(1 << 20));
            run("sync", "-f", data.toString());
        });
        file = data.toString();
    }

    private interface Step {
        void run() throws IOException;
    }

    /** One setup step, unless cleanup has begun: then nothing more is made. */
    private synchronized void step(Step step) throws IOException {
        if (closing) {
            throw new IOException("interrupted while setting up");
        }
        step.run();
    }

    private static String loop(Path image, int sectorSize) throws IOException {
        try (RandomAccessFile f = new RandomAccessFile(image.toFile(), "rw")) {
            f.setLength(IMAGE_BYTES);
        }
        return run(
                        "losetup",
                        "--find",
                        "--show",
                        "--sector-size",
                        String.valueOf(sectorSize),
                        "--direct-io=on",
                        image.toString())
                .trim();
    }

    private static byte[] pattern(int size) {
        byte[] data = new byte[size];
        for (int i = 0; i < size; i++) {
            data[i] = (byte) (i * 31 + 7);
        }
        return data;
    }

    /** Runs a command, returning its output; a failure says what really happened to it. */
    static String run(String... command) throws IOException {
        String name = String.join(" ", command);
        Process p;
        try {
            p = new ProcessBuilder(command).redirectErrorStream(true).start();
        } catch (IOException e) {
            // Only a missing program means "not installed"; anything else (ENOMEM, EAGAIN...) is said as is.
            throw new IOException(
                    e.getMessage() != null && e.getMessage().contains("error=2,")
                            ? command[0] + " is not installed (needed by --scratch)"
                            : "cannot run " + command[0] + ": " + e.getMessage());
        }
        try {
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException(name + " did not finish within 60 s");
            }
            int code = p.exitValue();
            if (code > 128) {
                throw new IOException(
                        name + " was killed by signal " + (code - 128) + (out.isBlank() ? "" : ": " + out.strip()));
            }
            if (code != 0) {
                throw new IOException(name + " failed (exit code " + code + "): " + out.strip());
            }
            return out;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            p.destroyForcibly();
            throw new IOException(name + " was interrupted");
        }
    }

    /**
     * Ctrl-C or SIGTERM. Our children go first (probe processes with the scratch file open, a
     * setup command half-way): a file open on the mount would make it busy. Then the same sweep
     * as a normal close.
     */
    private void onSignal() {
        ProcessHandle.current().descendants().forEach(ProcessHandle::destroyForcibly);
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
        for (ProcessHandle child : ProcessHandle.current().descendants().toList()) {
            try {
                child.onExit().get(Math.max(0, until - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (Exception stillThere) {
                // Stuck in the kernel: the sweep detaches the mount lazily.
            }
        }
        cleanUp();
    }

    private synchronized void cleanUp() {
        closing = true;
        if (dir == null) {
            return;
        }
        ScratchSweep.sweep(dir).forEach(line -> err.println("storageprobe check: cleanup: " + line));
        dir = null;
    }

    @Override
    public void close() {
        cleanUp();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException ignored) {
            // Already shutting down: the hook is running or has run cleanUp, which is idempotent.
        }
    }
}
