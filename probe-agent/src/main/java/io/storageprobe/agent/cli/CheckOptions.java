package io.storageprobe.agent.cli;

import io.storageprobe.agent.flags.Flags;
import io.storageprobe.agent.flags.UsageException;
import io.storageprobe.agent.run.NodeProbe;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** The flags of {@code storageprobe check}, parsed by hand to keep start-up small. */
public record CheckOptions(
        List<String> devices,
        List<String> paths,
        List<String> files,
        List<String> rules,
        Output output,
        Duration timeout,
        boolean scratch,
        boolean help,
        String qemu,
        Path outputFile,
        boolean volumes) {

    /** PROMETHEUS: the agent's series in the text exposition format, for node_exporter's textfile collector. */
    public enum Output {
        TABLE,
        JSON,
        PROMETHEUS
    }

    public static final String USAGE = """
            Usage: storageprobe check [--device NAME]... [--path DIR]... [--file FILE]... [--volumes]
                                      [--rules RULE,...] [--qemu VERSION]
                                      [--output table|json|prometheus] [--output-file PATH]
                                      [--timeout SECONDS] [--scratch]

            Probes how this host's disks and filesystems treat O_DIRECT, the way QEMU does, and says
            whether VMs with cache=none will work there. With no targets it probes the whole disks in
            /sys/block (nvme*n*, sd*, vd*, xvd*, dm-*). Devices are only ever read.

              --device NAME     a block device: sda, /dev/nvme0n1, /dev/mapper/data (repeatable)
              --path DIR        a directory where VM disk images live; one temporary file is made there
              --file FILE       an existing file, read only (at least 8 KiB)
              --volumes         the PersistentVolumes kubelet attached to this node, read only: block
                                volumes like devices, filesystem volumes through the disk image in them
                                (disk.img, else the largest file); nothing in a volume is written.
                                Looks in kubelet's root $STORAGEPROBE_KUBELET_ROOT (default
                                /var/lib/kubelet) under $STORAGEPROBE_HOST_ROOT (default /)
              --rules R,...     rules that decide the verdict (default: all; see Rules below)
              --qemu VERSION    judge for this QEMU, e.g. 7.2 or 5.2 (default: the local qemu-img's
                                version; with no QEMU installed every rule counts). A failing rule
                                that cannot break that QEMU is shown as latent, not Affected
              --output FORMAT   table (default), json (the StorageProbeResult shape) or prometheus
                                (the agent's metrics in the text format, probe="standalone", for
                                node_exporter's textfile collector)
              --output-file PATH
                                write the output to PATH instead of stdout, atomically: a temporary
                                file in the same directory, synced, then renamed over PATH
              --timeout SECS    give up on a target after this long (default 30), counted from when
                                its probe process is up (which may take one timeout more)
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
        boolean scratch = false, help = false, volumes = false;
        String qemu = null;
        Path outputFile = null;
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            String flag = arg.contains("=") ? arg.substring(0, arg.indexOf('=')) : arg;
            String inline = arg.contains("=") ? arg.substring(arg.indexOf('=') + 1) : null;
            switch (flag) {
                case "--device" -> devices.add(Flags.value(args, ++i, flag, inline));
                case "--path" -> paths.add(Flags.value(args, ++i, flag, inline));
                case "--file" -> files.add(Flags.value(args, ++i, flag, inline));
                case "--volumes" -> volumes = Flags.noValue(flag, inline);
                case "--rules" -> rules.addAll(Flags.rules(Flags.value(args, ++i, flag, inline)));
                case "--output" -> output = output(Flags.value(args, ++i, flag, inline));
                case "--output-file" -> outputFile = outputFile(Flags.value(args, ++i, flag, inline));
                case "--timeout" -> timeout = timeout(Flags.value(args, ++i, flag, inline));
                case "--scratch" -> scratch = Flags.noValue(flag, inline);
                case "--qemu" -> qemu = Flags.qemu(Flags.value(args, ++i, flag, inline));
                case "-h", "--help" -> help = Flags.noValue(flag, inline);
                default ->
                    throw new UsageException(
                            arg.startsWith("-") ? "unknown flag " + arg : "unexpected argument " + arg);
            }
            if (inline != null) {
                i--;
            }
        }
        return new CheckOptions(
                devices, paths, files, rules, output, timeout, scratch, help, qemu, outputFile, volumes);
    }

    private static Output output(String value) throws UsageException {
        return switch (value) {
            case "table" -> Output.TABLE;
            case "json" -> Output.JSON;
            case "prometheus" -> Output.PROMETHEUS;
            default -> throw new UsageException("--output must be table, json or prometheus, not " + value);
        };
    }

    private static Path outputFile(String value) throws UsageException {
        Path file = Path.of(value);
        if (file.getFileName() == null || value.endsWith("/")) {
            throw new UsageException("--output-file must name a file, not " + value);
        }
        return file;
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
