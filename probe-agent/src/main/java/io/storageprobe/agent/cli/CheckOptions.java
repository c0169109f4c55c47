package io.storageprobe.agent.cli;

import io.storageprobe.agent.probe.NodeProbe;
import io.storageprobe.api.qemu.QemuVersion;
import io.storageprobe.api.v1alpha1.StorageProbeSpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** The flags of {@code storageprobe check}, parsed by hand to keep start-up small. */
public record CheckOptions(List<String> devices, List<String> paths, List<String> files, List<String> rules,
                           Output output, Duration timeout, boolean scratch, boolean help, String qemu) {

    public enum Output { TABLE, JSON }

    public static final String USAGE = """
            Usage: storageprobe check [--device NAME]... [--path DIR]... [--file FILE]...
                                      [--rules RULE,...] [--qemu VERSION] [--output table|json]
                                      [--timeout SECONDS] [--scratch]

            Probes how this host's disks and filesystems treat O_DIRECT, the way QEMU does, and says
            whether VMs with cache=none will work there. With no targets it probes the whole disks in
            /sys/block (nvme*n*, sd*, vd*, xvd*, dm-*). Devices are only ever read.

              --device NAME     a block device: sda, /dev/nvme0n1, /dev/mapper/data (repeatable)
              --path DIR        a directory where VM disk images live; one temporary file is made there
              --file FILE       an existing file, read only (at least 8 KiB)
              --rules R,...     rules that decide the verdict (default: all; see Rules below)
              --qemu VERSION    judge for this QEMU, e.g. 7.2 or 5.2 (default: the local qemu-img's
                                version; with no QEMU installed every rule counts). A failing rule
                                that cannot break that QEMU is shown as latent, not Affected
              --output FORMAT   table (default) or json (the StorageProbeResult shape)
              --timeout SECS    give up on a target after this long (default 30)
              --scratch         make loop devices with 512- and 4096-byte sectors (and a file on ext4 on
                                the 4K one), probe them (not the host's disks) and remove them: shows how
                                this kernel treats 4K-sector disks even without one (needs root, losetup,
                                mkfs.ext4)

            Exit codes: 0 compatible or only unsupported, 1 a rule failed, 2 usage error, 3 probing error.

            Rules, and the QEMU versions their failure breaks:
            """ + RuleHelp.text();

    public static CheckOptions parse(String... args) throws UsageException {
        List<String> devices = new ArrayList<>(), paths = new ArrayList<>(), files = new ArrayList<>();
        List<String> rules = new ArrayList<>();
        Output output = Output.TABLE;
        Duration timeout = NodeProbe.DEFAULT_TIMEOUT;
        boolean scratch = false, help = false;
        String qemu = null;
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            String flag = arg.contains("=") ? arg.substring(0, arg.indexOf('=')) : arg;
            String inline = arg.contains("=") ? arg.substring(arg.indexOf('=') + 1) : null;
            switch (flag) {
                case "--device" -> devices.add(value(args, ++i, flag, inline));
                case "--path" -> paths.add(value(args, ++i, flag, inline));
                case "--file" -> files.add(value(args, ++i, flag, inline));
                case "--rules" -> rules.addAll(Arrays.stream(value(args, ++i, flag, inline).split(","))
                        .map(String::trim).filter(s -> !s.isEmpty()).toList());
                case "--output" -> output = output(value(args, ++i, flag, inline));
                case "--timeout" -> timeout = timeout(value(args, ++i, flag, inline));
                case "--scratch" -> scratch = noValue(flag, inline);
                case "--qemu" -> qemu = qemu(value(args, ++i, flag, inline));
                case "-h", "--help" -> help = noValue(flag, inline);
                default -> throw new UsageException(arg.startsWith("-")
                        ? "unknown flag " + arg : "unexpected argument " + arg);
            }
            if (inline != null) {
                i--;
            }
        }
        return new CheckOptions(devices, paths, files, rules, output, timeout, scratch, help, qemu);
    }

    private static String value(String[] args, int i, String flag, String inline) throws UsageException {
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

    private static boolean noValue(String flag, String inline) throws UsageException {
        if (inline != null) {
            throw new UsageException(flag + " takes no value");
        }
        return true;
    }

    private static Output output(String value) throws UsageException {
        return switch (value) {
            case "table" -> Output.TABLE;
            case "json" -> Output.JSON;
            default -> throw new UsageException("--output must be table or json, not " + value);
        };
    }

    /** null for "auto": the local QEMU decides. */
    private static String qemu(String value) throws UsageException {
        if (StorageProbeSpec.QEMU_AUTO.equals(value)) {
            return null;
        }
        try {
            return QemuVersion.parse(value).toString();
        } catch (IllegalArgumentException e) {
            throw new UsageException("--qemu: " + e.getMessage());
        }
    }

    private static Duration timeout(String value) throws UsageException {
        try {
            long seconds = Long.parseLong(value);
            if (seconds < 1 || seconds > 3600) {
                throw new NumberFormatException();
            }
            return Duration.ofSeconds(seconds);
        } catch (NumberFormatException e) {
            throw new UsageException("--timeout must be a whole number of seconds from 1 to 3600, not " + value);
        }
    }
}
