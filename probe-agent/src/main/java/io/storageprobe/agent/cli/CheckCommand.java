package io.storageprobe.agent.cli;

import io.storageprobe.agent.discovery.DeviceDiscovery;
import io.storageprobe.agent.discovery.FoundTargets;
import io.storageprobe.agent.discovery.TargetSelection;
import io.storageprobe.agent.flags.UsageException;
import io.storageprobe.agent.localqemu.LocalQemu;
import io.storageprobe.agent.metrics.AgentMetrics;
import io.storageprobe.agent.nativeio.LibC;
import io.storageprobe.agent.report.AtomicFile;
import io.storageprobe.agent.report.JsonReport;
import io.storageprobe.agent.report.PrometheusReport;
import io.storageprobe.agent.report.TableReport;
import io.storageprobe.agent.run.NodeProbe;
import io.storageprobe.agent.target.Measurement;
import io.storageprobe.agent.target.Target;
import io.storageprobe.agent.verdict.RuleSet;
import io.storageprobe.api.result.NodeResult;
import io.storageprobe.api.result.QemuInForce;
import io.storageprobe.api.result.Verdict;
import java.io.IOException;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** {@code storageprobe check}: probe this host once and print the result. */
public final class CheckCommand {
    public static final int COMPATIBLE = 0, RULE_FAILED = 1, USAGE = 2, PROBE_ERROR = 3;

    private final PrintStream out;
    private final PrintStream err;

    public CheckCommand(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    public int run(String... args) {
        CheckOptions options;
        RuleSet rules;
        try {
            options = CheckOptions.parse(args);
            rules = RuleSet.named(options.rules());
        } catch (UsageException | IllegalArgumentException e) {
            err.println("storageprobe check: " + e.getMessage());
            err.print(CheckOptions.USAGE);
            return USAGE;
        }
        if (options.help()) {
            out.print(CheckOptions.USAGE);
            return COMPATIBLE;
        }
        TargetSelection selection =
                new TargetSelection(null, null, options.devices(), options.paths(), options.files(), options.volumes());
        // Scratch mode probes its own devices plus what is named, never the discovered disks.
        FoundTargets found = options.scratch() && !selection.namesTargets()
                ? new FoundTargets(List.of(), List.of())
                : DeviceDiscovery.targets(selection);
        List<Target> targets = new ArrayList<>(found.targets());
        List<Measurement> problems = found.problems();
        // Only --scratch needs root up front (losetup, mount). Devices are tried: a user allowed to
        // read them (group disk) can probe them, and anyone else gets the open's real error.
        if (options.scratch() && LibC.geteuid() != 0) {
            err.println("storageprobe check: making loop devices (--scratch) needs root; run it as root,"
                    + " or leave --scratch out");
            return PROBE_ERROR;
        }
        if (!options.scratch() && targets.isEmpty() && problems.isEmpty() && options.volumes()) {
            err.println("storageprobe check: no volume attached by kubelet found (see the log above for what was"
                    + " skipped); name other targets with --device, --path or --file");
            return PROBE_ERROR;
        }
        if (!options.scratch() && targets.isEmpty() && problems.isEmpty()) {
            err.println("storageprobe check: no block device in /sys/block matches "
                    + String.join(" ", TargetSelection.DEFAULT_INCLUDE)
                    + "; name targets with --device, --path or --file");
            return PROBE_ERROR;
        }
        QemuInForce qemu = options.qemu() != null
                ? new QemuInForce(options.qemu(), QemuInForce.FLAG, "--qemu " + options.qemu())
                : LocalQemu.detect();
        if (!options.scratch()) {
            return probeAndReport(rules, targets, problems, qemu, options);
        }
        try (ScratchDevices scratch = ScratchDevices.create(err)) {
            scratch.devices().forEach(d -> targets.add(Target.device(d)));
            targets.add(Target.file(scratch.file()));
            return probeAndReport(rules, targets, problems, qemu, options);
        } catch (IOException e) {
            err.println("storageprobe check: cannot set up scratch devices: " + e.getMessage());
            return PROBE_ERROR;
        }
    }

    private int probeAndReport(
            RuleSet rules, List<Target> targets, List<Measurement> problems, QemuInForce qemu, CheckOptions options) {
        long start = System.nanoTime();
        NodeResult result = rules.judge(
                NodeProbe.inChildProcesses(options.timeout())
                        .run("check", null, targets)
                        .plus(problems),
                qemu);
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        String text = switch (options.output()) {
            case TABLE -> TableReport.render(result);
            case JSON -> JsonReport.render(result) + "\n";
            case PROMETHEUS ->
                PrometheusReport.render(
                        result,
                        AgentMetrics.STANDALONE_PROBE,
                        took,
                        Instant.now().getEpochSecond());
        };
        if (options.outputFile() == null) {
            out.print(text);
        } else {
            try {
                AtomicFile.replace(options.outputFile(), text);
            } catch (IOException e) {
                // The previous file, if any, is untouched: node_exporter keeps serving the last good run.
                err.println("storageprobe check: cannot write " + options.outputFile() + ": " + e);
                return PROBE_ERROR;
            }
        }
        return exitCode(result.verdict());
    }

    /** The exit code of a node verdict, the same for check and judge. */
    static int exitCode(Verdict verdict) {
        return switch (verdict) {
            case Affected -> RULE_FAILED;
            case Error -> PROBE_ERROR;
            case Compatible, Unsupported -> COMPATIBLE;
        };
    }
}
