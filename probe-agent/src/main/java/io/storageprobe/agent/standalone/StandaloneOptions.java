package io.storageprobe.agent.standalone;

import io.storageprobe.agent.daemon.AgentOptions;
import io.storageprobe.agent.flags.Flags;
import io.storageprobe.agent.flags.UsageException;
import io.storageprobe.agent.metrics.AgentMetrics;
import io.storageprobe.api.v1alpha1.ProbeInterval;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Flags of {@code storageprobe agent --standalone}: what a StorageProbe's spec says in a cluster,
 * given on the command line instead.
 *
 * @param qemu     the QEMU to judge for; null: the local one, as {@code check} does
 * @param interval between probe runs (default 6h, at least 1m, the syntax of spec.interval)
 * @param probe    the {@code probe} label of every series (default {@code standalone})
 */
public record StandaloneOptions(
        List<String> devices,
        List<String> paths,
        List<String> files,
        List<String> rules,
        String qemu,
        Duration interval,
        int metricsPort,
        String probe,
        boolean help,
        boolean volumes) {
    static final String USAGE = """
            Usage: storageprobe agent --standalone [--device NAME]... [--path DIR]... [--file FILE]... [--volumes]
                                      [--rules RULE,...] [--qemu VERSION] [--interval DURATION]
                                      [--metrics-port PORT] [--probe NAME]

            The node daemon without Kubernetes: probes this host at start and every interval and
            serves /metrics and /healthz with the same series as in a cluster (node = the host name),
            so the chart's alerts and dashboard work unchanged. Targets and rules as for check; with no
            target flag, the whole disks in /sys/block. Devices are only ever read.
              --device NAME         a block device (repeatable)
              --path DIR            a directory where VM disk images live; a temporary file is made there
              --file FILE           an existing file, read only
              --volumes             the PersistentVolumes kubelet attached to this host, read only
              --rules R,...         rules that decide the verdict (default: all)
              --qemu VERSION        judge for this QEMU (default: the local qemu-img's version, read at
                                    start; with no QEMU installed every rule counts)
              --interval DURATION   between probe runs, like 30m, 6h or 1h30m (default 6h, at least 1m)
              --metrics-port PORT   port of /metrics and /healthz (default 9402)
              --probe NAME          the probe label of every series (default standalone)
            """;

    public static StandaloneOptions parse(String... args) throws UsageException {
        List<String> devices = new ArrayList<>(), paths = new ArrayList<>(), files = new ArrayList<>();
        List<String> rules = new ArrayList<>();
        String qemu = null;
        Duration interval = ProbeInterval.parse(null);
        int port = AgentOptions.DEFAULT_METRICS_PORT;
        String probe = AgentMetrics.STANDALONE_PROBE;
        boolean help = false, volumes = false;
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            String flag = arg.contains("=") ? arg.substring(0, arg.indexOf('=')) : arg;
            String inline = arg.contains("=") ? arg.substring(arg.indexOf('=') + 1) : null;
            switch (flag) {
                case "--standalone" -> Flags.noValue(flag, inline);
                case "--device" -> devices.add(Flags.value(args, ++i, flag, inline));
                case "--path" -> paths.add(Flags.value(args, ++i, flag, inline));
                case "--file" -> files.add(Flags.value(args, ++i, flag, inline));
                case "--volumes" -> volumes = Flags.noValue(flag, inline);
                case "--rules" -> rules.addAll(Flags.rules(Flags.value(args, ++i, flag, inline)));
                case "--qemu" -> qemu = Flags.qemu(Flags.value(args, ++i, flag, inline));
                case "--interval" -> interval = interval(Flags.value(args, ++i, flag, inline));
                case "--metrics-port" -> port = port(Flags.value(args, ++i, flag, inline));
                case "--probe" -> probe = probe(Flags.value(args, ++i, flag, inline));
                case "-h", "--help" -> help = Flags.noValue(flag, inline);
                default ->
                    throw new UsageException(
                            arg.startsWith("-") ? "unknown flag " + arg : "unexpected argument " + arg);
            }
            if (inline != null) {
                i--;
            }
        }
        return new StandaloneOptions(devices, paths, files, rules, qemu, interval, port, probe, help, volumes);
    }

    private static Duration interval(String value) throws UsageException {
        try {
            return ProbeInterval.parse(value);
        } catch (IllegalArgumentException e) {
            throw new UsageException("--interval: " + e.getMessage());
        }
    }

    private static int port(String value) throws UsageException {
        try {
            int port = Integer.parseInt(value);
            if (port < 0 || port > 65535) {
                throw new NumberFormatException();
            }
            return port;
        } catch (NumberFormatException e) {
            throw new UsageException("--metrics-port must be a port number, not " + value);
        }
    }

    /** A label value, and the name a StorageProbe could have: keep it a DNS label. */
    private static String probe(String value) throws UsageException {
        if (!value.matches("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?")) {
            throw new UsageException("--probe must be a lower-case DNS label like standalone or vmdisks, not " + value);
        }
        return value;
    }
}
