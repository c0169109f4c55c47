package io.storageprobe.agent.flags;

import io.storageprobe.api.qemu.QemuVersion;
import io.storageprobe.api.v1alpha1.StorageProbeSpec;
import java.util.Arrays;
import java.util.List;

/**
 * The flag values {@code check} and {@code agent --standalone} share, parsed the same way in
 * both: {@code --flag value} or {@code --flag=value}, every mistake a {@link UsageException}.
 */
public final class Flags {
    private Flags() {}

    /** The flag's value: the inline part of {@code --flag=value}, else the next argument. */
    public static String value(String[] args, int i, String flag, String inline) throws UsageException {
        if (inline != null) {
            if (inline.isEmpty()) {
                throw new UsageException(flag + " needs a value");
            }
            return inline;
        }
        if (i >= args.length || args[i].startsWith("--")) {
            throw new UsageException(flag + " needs a value");
        }
        return args[i];
    }

    public static boolean noValue(String flag, String inline) throws UsageException {
        if (inline != null) {
            throw new UsageException(flag + " takes no value");
        }
        return true;
    }

    /** {@code --rules a,b}: names, blanks dropped; RuleSet.named says which are unknown. */
    public static List<String> rules(String value) {
        return Arrays.stream(value.split(","))
                .map(String::trim)
                .filter(s -> !s.isEmpty())
                .toList();
    }

    /** The normalised version, or null for "auto": the local QEMU decides. */
    public static String qemu(String value) throws UsageException {
        if (StorageProbeSpec.QEMU_AUTO.equals(value)) {
            return null;
        }
        try {
            return QemuVersion.parse(value).toString();
        } catch (IllegalArgumentException e) {
            throw new UsageException("--qemu: " + e.getMessage());
        }
    }
}
