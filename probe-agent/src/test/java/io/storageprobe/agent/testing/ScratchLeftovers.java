package io.storageprobe.agent.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * What {@code check --scratch} runs have on the machine at one moment: scratch directories in
 * /var/tmp, mounts under them, loop devices backed by files in them (also deleted ones). Taken
 * before and after a run, the difference is what that run left behind; {@link #remove()} takes
 * exactly that down, so a failing test leaves nothing either.
 */
public record ScratchLeftovers(Set<String> dirs, Set<String> mounts, Set<String> loops) {
    private static final String MARK = "storageprobe-scratch-";

    public static ScratchLeftovers now() throws IOException {
        Set<String> dirs = new HashSet<>();
        try (Stream<Path> entries = Files.list(Path.of("/var/tmp"))) {
            entries.filter(p -> p.getFileName().toString().startsWith(MARK)).forEach(p -> dirs.add(p.toString()));
        }
        Set<String> mounts = new HashSet<>();
        for (String line : Files.readAllLines(Path.of("/proc/mounts"))) {
            String mountPoint = line.split(" ")[1];
            if (mountPoint.contains("/" + MARK)) {
                mounts.add(mountPoint);
            }
        }
        Set<String> loops = new HashSet<>();
        try (Stream<Path> blocks = Files.list(Path.of("/sys/block"))) {
            for (Path b : blocks.filter(b -> b.getFileName().toString().startsWith("loop"))
                    .toList()) {
                Path backing = b.resolve("loop/backing_file");
                if (Files.exists(backing) && Files.readString(backing).contains("/" + MARK)) {
                    loops.add("/dev/" + b.getFileName());
                }
            }
        } catch (IOException e) {
            // a device detached while listing
        }
        return new ScratchLeftovers(dirs, mounts, loops);
    }

    /** What is here now and was not in {@code before}. */
    public ScratchLeftovers since(ScratchLeftovers before) throws IOException {
        return new ScratchLeftovers(minus(dirs, before.dirs), minus(mounts, before.mounts), minus(loops, before.loops));
    }

    public int count() {
        return dirs.size() + mounts.size() + loops.size();
    }

    /** Unmounts, detaches and deletes these (and only these), whatever state they are in. */
    public void remove() {
        for (String m : mounts) {
            quietly("umount", "--lazy", m);
        }
        for (String l : loops) {
            quietly("losetup", "-d", l);
        }
        for (String d : dirs) {
            quietly("rm", "-rf", "--one-file-system", d);
        }
    }

    private static void quietly(String... command) {
        try {
            LoopDevice.run(command);
        } catch (IOException e) {
            // gone already
        }
    }

    private static Set<String> minus(Set<String> a, Set<String> b) {
        Set<String> r = new HashSet<>(a);
        r.removeAll(b);
        return r;
    }

    @Override
    public String toString() {
        List<String> all = new ArrayList<>(mounts);
        all.addAll(loops);
        all.addAll(dirs);
        return String.join(", ", all);
    }
}
