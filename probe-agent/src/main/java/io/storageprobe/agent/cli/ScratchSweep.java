package io.storageprobe.agent.cli;

import com.sun.jna.LastErrorException;
import io.storageprobe.agent.access.SysFs;
import io.storageprobe.agent.nativeio.Abi;
import io.storageprobe.agent.nativeio.Errno;
import io.storageprobe.agent.nativeio.LibC;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * Removes everything a scratch directory stands for, found from the kernel's own tables rather
 * than remembered: mounts under it (/proc/self/mounts), loop devices whose backing file is in it
 * (/sys/block/loop*&#47;loop/backing_file), then the directory. So a step killed half-way (a
 * losetup that attached but never printed the name) is undone too, and a run killed outright
 * can be undone by the next one. Only system calls, no commands: a Ctrl-C sent to the whole
 * process group cannot kill the cleanup, and a failure is reported with its real errno.
 */
final class ScratchSweep {
    private final Path dir;
    private final List<String> report = new ArrayList<>();

    private ScratchSweep(Path dir) {
        this.dir = dir;
    }

    /** Sweeps {@code dir}; returns one line per thing that could not simply be removed (empty when all went). */
    static List<String> sweep(Path dir) {
        ScratchSweep s = new ScratchSweep(dir);
        s.unmountAll();
        s.detachLoops();
        s.deleteTree();
        return s.report;
    }

    /** What is still there: mount points and loop devices of {@code dir}, and the directory itself. */
    static List<String> leftovers(Path dir) {
        List<String> left = new ArrayList<>(mountsUnder(dir));
        left.addAll(loopsBackedIn(dir));
        if (Files.exists(dir)) {
            left.add(dir.toString());
        }
        return left;
    }

    private void unmountAll() {
        for (String mountPoint : mountsUnder(dir)) {
            try {
                LibC.umount2(mountPoint, 0);
            } catch (LastErrorException e) {
                if (e.getErrorCode() == Errno.EBUSY) {
                    detachLazily(mountPoint);
                } else if (e.getErrorCode() != Errno.EINVAL) {
                    report.add("cannot unmount " + mountPoint + ": " + Errno.name(e.getErrorCode()));
                }
            }
        }
    }

    /** A probe still has a file open there (stuck in the kernel?): gone from the tree now, freed when it lets go. */
    private void detachLazily(String mountPoint) {
        try {
            LibC.umount2(mountPoint, Abi.MNT_DETACH);
            report.add(mountPoint + " was busy (a process still has a file open on it): detached lazily;"
                    + " the kernel frees it and its loop device when that process ends");
        } catch (LastErrorException e) {
            report.add("cannot unmount " + mountPoint + ": " + Errno.name(e.getErrorCode()));
        }
    }

    private void detachLoops() {
        for (String device : loopsBackedIn(dir)) {
            int fd;
            try {
                fd = LibC.open(device, Abi.O_RDONLY | Abi.O_CLOEXEC);
            } catch (LastErrorException e) {
                report.add("cannot open " + device + " to detach it: " + Errno.name(e.getErrorCode()));
                continue;
            }
            try {
                // While something else holds it open, the kernel marks it autoclear and detaches it at the last close.
                LibC.ioctl(fd, Abi.LOOP_CLR_FD, 0L);
            } catch (LastErrorException e) {
                if (e.getErrorCode() != Errno.ENXIO) { // ENXIO: already detached
                    report.add("cannot detach " + device + ": " + Errno.name(e.getErrorCode()));
                }
            } finally {
                LibC.close(fd);
            }
        }
    }

    private void deleteTree() {
        if (!Files.exists(dir) || !mountsUnder(dir).isEmpty()) {
            return; // never delete into a filesystem still mounted there
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            report.add("cannot delete " + dir + ": " + e.getMessage());
        }
    }

    /** Mount points at or under {@code dir}, deepest first. */
    static List<String> mountsUnder(Path dir) {
        try {
            return Files.readAllLines(Path.of("/proc/self/mounts")).stream()
                    .map(line -> line.split(" ")[1].replace("\\040", " "))
                    .filter(mp -> Path.of(mp).startsWith(dir))
                    .sorted(Comparator.comparingInt(String::length).reversed())
                    .toList();
        } catch (IOException e) {
            return List.of();
        }
    }

    /** /dev/loopN of every loop device whose backing file is (or was, before deletion) in {@code dir}. */
    static List<String> loopsBackedIn(Path dir) {
        String prefix = dir + "/";
        try (Stream<Path> blocks = Files.list(SysFs.path("block"))) {
            return blocks.filter(b -> b.getFileName().toString().startsWith("loop"))
                    .filter(b -> backingFile(b).startsWith(prefix))
                    .map(b -> "/dev/" + b.getFileName())
                    .sorted()
                    .toList();
        } catch (IOException e) {
            return List.of();
        }
    }

    private static String backingFile(Path sysBlockLoop) {
        try {
            return Files.readString(sysBlockLoop.resolve("loop/backing_file")).strip();
        } catch (IOException e) {
            return ""; // not attached
        }
    }
}
