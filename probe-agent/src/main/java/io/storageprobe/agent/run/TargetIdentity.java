package io.storageprobe.agent.run;

import io.storageprobe.agent.target.Target;
import io.storageprobe.api.result.TargetKind;
import java.io.IOException;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * What a target really is, so that one disk named twice ({@code loop0} and {@code /dev/loop0},
 * {@code ./data} and {@code data}) is probed once. Device names are resolved in /dev (devtmpfs, never
 * hung); paths and files only lexically, since a stat on a hung mount would hang the caller, which
 * must do no I/O on its targets.
 */
public final class TargetIdentity {
    private TargetIdentity() {}

    public static String key(Target target) {
        String name = target.name();
        try {
            if (target.kind() != TargetKind.DEVICE) {
                return target.kind() + ":" + Path.of(name).toAbsolutePath().normalize();
            }
            Path device = Path.of(name.contains("/") ? name : "/dev/" + name);
            return target.kind() + ":" + (device.startsWith("/dev/") ? device.toRealPath() : device.normalize());
        } catch (IOException | InvalidPathException e) {
            // Missing or odd: the name as written; probing it says what is wrong.
            return target.kind() + ":"
                    + Path.of(name.contains("/") ? name : "/dev/" + name).normalize();
        }
    }

    /** The targets in their order, each one the first time it is named. */
    public static List<Target> distinct(List<Target> targets) {
        Set<String> seen = new LinkedHashSet<>();
        List<Target> unique = new ArrayList<>();
        for (Target t : targets) {
            if (seen.add(key(t))) {
                unique.add(t);
            }
        }
        return unique;
    }
}
