package io.storageprobe.agent.cli;

import io.storageprobe.agent.nativeio.LibC;
import io.storageprobe.agent.probe.ChildProbe;
import io.storageprobe.agent.probe.Measurement;
import io.storageprobe.agent.probe.MeasurementJson;
import io.storageprobe.agent.probe.Target;
import io.storageprobe.agent.probe.TargetProber;
import java.io.PrintStream;

/**
 * {@code storageprobe probe-target --device|--path|--file NAME} or {@code --volume PATH PV}, not
 * listed in the usage: the child
 * process in which NodeProbe runs one target's I/O. Prints the measurement as one line of JSON;
 * a target that cannot be probed is a measurement too, so the exit code is 0 unless the usage is wrong.
 */
final class ProbeTargetCommand {
    private ProbeTargetCommand() {
    }

    static int run(String[] args, PrintStream out, PrintStream err) {
        boolean volume = args.length == 3 && args[0].equals("--volume");
        if (args.length != 2 && !volume) {
            err.println("storageprobe probe-target: needs --device, --path or --file and one name,"
                    + " or --volume, a path and its PersistentVolume");
            return CheckCommand.USAGE;
        }
        Target target = switch (args[0]) {
            case "--device" -> Target.device(args[1]);
            case "--path" -> Target.path(args[1]);
            case "--file" -> Target.file(args[1]);
            // Without a PersistentVolume: the kubelet root discovery did not find, reported as such.
            case "--volume" -> volume ? Target.volume(args[1], args[2]) : Target.missingKubeletRoot(args[1]);
            default -> null;
        };
        if (target == null) {
            err.println("storageprobe probe-target: unknown kind " + args[0]);
            return CheckCommand.USAGE;
        }
        // Load what the probe and its output need (JNA's native library, Jackson) before saying
        // "started": the parent's timeout counts from there, and is meant for the target's I/O,
        // not for class loading on a busy machine.
        LibC.geteuid();
        MeasurementJson.write(Measurement.error(target, null, "warm-up"));
        out.println(ChildProbe.STARTED);
        out.flush();
        out.println(MeasurementJson.write(new TargetProber().measure(target)));
        out.flush();
        return CheckCommand.COMPATIBLE;
    }
}
