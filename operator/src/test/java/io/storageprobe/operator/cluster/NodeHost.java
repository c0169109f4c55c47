package io.storageprobe.operator.cluster;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The test node's host side: its mount namespace (node-run.sh's, where kubelet and containerd run
 * and the Pods' hostPath volumes come from; the machine's own / is private, so a mount made
 * outside would never reach the node) and the machine's loop devices. Everything made here is
 * undone by {@link #close()}, newest first, also after a failure: mounts, loop devices, files.
 */
final class NodeHost implements AutoCloseable {
    private final Path nodeDir;
    private final Deque<Runnable> undo = new ArrayDeque<>();
    /** A test run cut short (Ctrl-C, a killed JVM) still unmounts, kills and detaches. */
    private final Thread onExit = new Thread(this::close, "node-host-cleanup");

    NodeHost(TestCluster cluster) {
        this.nodeDir = cluster.dir().resolve("node");
        Runtime.getRuntime().addShutdownHook(onExit);
    }

    /**
     * nsenter into the node's mount namespace and its root, from its kubelet: in a chroot (a
     * clean-root CI) the node runs in a bind of the chroot's /, and entering only the namespace
     * would put the command at the machine's real root, beside the node's files.
     */
    private List<String> nsenter(String... args) {
        try {
            String kubelet = Files.readString(nodeDir.resolve("kubelet.pid")).trim();
            List<String> command = new ArrayList<>(List.of("nsenter", "--target", kubelet, "--mount", "--root", "--"));
            command.addAll(List.of(args));
            return command;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A command in the node's mount namespace, as the node's root would run it. */
    Command.Result inNode(String... args) {
        return new Command(nsenter(args), Map.of()).run(nodeDir, 2, TimeUnit.MINUTES);
    }

    /** Starts a long-running process in the node's mount namespace (a FUSE server); killed by close(). */
    Process startInNode(Map<String, String> env, Path log, String... args) throws IOException {
        ProcessBuilder pb =
                new ProcessBuilder(nsenter(args)).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().putAll(env);
        Process p = pb.start();
        undo.push(() -> {
            // nsenter execs the server: this is its pid. SIGKILL aborts a FUSE connection, releasing stuck readers.
            p.destroyForcibly();
            try {
                p.waitFor(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        return p;
    }

    /** A loop device over a new sparse file of {@code mib} MiB with that logical block size; detached by close(). */
    String loopDevice(Path backing, int mib, int sectorSize) {
        run("truncate", "-s", mib + "M", backing.toString());
        undo.push(() -> backing.toFile().delete());
        String dev = run("losetup", "--find", "--show", "--sector-size", String.valueOf(sectorSize), backing.toString())
                .trim();
        undo.push(() -> detach(dev));
        return dev;
    }

    /** Detaches a loop device; a no-op when it is gone already. */
    void detach(String dev) {
        if (attached(dev)) {
            Command.of("losetup", "-d", dev).run(nodeDir, 1, TimeUnit.MINUTES);
        }
    }

    /** Whether the loop device has a backing file (sysfs removes loop/backing_file when it detaches). */
    static boolean attached(String dev) {
        return Files.exists(Path.of("/sys/block", Path.of(dev).getFileName().toString(), "loop/backing_file"));
    }

    /** Mounts in the node's namespace (a directory made for it there); unmounted by close() if still mounted. */
    void mount(String source, String target, String... options) {
        inNode("mkdir", "-p", target).orThrow();
        List<String> args = new ArrayList<>(List.of("mount"));
        args.addAll(List.of(options));
        args.addAll(List.of(source, target));
        inNode(args.toArray(String[]::new)).orThrow();
        undo.push(() -> unmountEventually(target));
    }

    /** From the node's mount table, never a stat of the path (a hung FUSE root would hang it). */
    boolean mounted(String target) {
        return inNode("cat", "/proc/self/mountinfo")
                .orThrow()
                .stdout()
                .lines()
                .anyMatch(l -> l.split(" ")[4].equals(target));
    }

    /**
     * Unmounts, retrying while busy (a probe may be reading that very moment; a hung reader is
     * released once its FUSE server is killed), lazily as the last resort so that nothing stays.
     */
    void unmountEventually(String target) {
        for (int i = 0; i < 30 && mounted(target); i++) {
            if (inNode("umount", target).exitCode() != 0) {
                ChartOnNode.sleep();
            }
        }
        if (mounted(target)) {
            inNode("umount", "--lazy", target);
        }
    }

    String run(String... args) {
        return Command.of(args).run(nodeDir, 2, TimeUnit.MINUTES).orThrow().stdout();
    }

    /** Registers a clean-up step, run by close() in reverse order with the others. */
    void onClose(Runnable step) {
        undo.push(step);
    }

    @Override
    public synchronized void close() {
        if (Thread.currentThread() != onExit) {
            try {
                Runtime.getRuntime().removeShutdownHook(onExit);
            } catch (IllegalStateException | IllegalArgumentException exiting) {
                // Already exiting (the hook runs or ran), or removed by an earlier close.
            }
        }
        RuntimeException first = null;
        while (!undo.isEmpty()) {
            try {
                undo.pop().run();
            } catch (RuntimeException e) {
                if (first == null) {
                    first = e;
                } else {
                    first.addSuppressed(e);
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }
}
