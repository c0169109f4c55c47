package io.storageprobe.agent.cli;

import io.storageprobe.agent.access.TargetProber;
import io.storageprobe.agent.nativeio.LibC;
import io.storageprobe.agent.run.ChildProbe;
import io.storageprobe.agent.run.MeasurementJson;
import io.storageprobe.agent.target.Measurement;
import io.storageprobe.agent.target.Target;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintStream;

/**
 * {@code storageprobe probe-targets}, not listed in the usage: the child process in which
 * NodeProbe runs targets' I/O. Reads one target per line of JSON until its input ends and prints
 * each one's measurement as one line of JSON; a target that cannot be probed is a measurement
 * too, so the exit code is 0 unless a line is not a target.
 */
final class ProbeTargetsCommand {
    private ProbeTargetsCommand() {}

    static int run(BufferedReader in, PrintStream out, PrintStream err) {
        try {
            return probe(in, out, err);
        } catch (IOException e) {
            err.println("storageprobe probe-targets: cannot read the targets: " + e.getMessage());
            return CheckCommand.PROBE_ERROR;
        }
    }

    private static int probe(BufferedReader in, PrintStream out, PrintStream err) throws IOException {
        // Load what the probe and its output need (JNA's native library, Jackson) before saying
        // "started": the parent's timeout counts from there, and is meant for the target's I/O,
        // not for class loading on a busy machine.
        LibC.geteuid();
        MeasurementJson.readTarget(MeasurementJson.write(Target.file("warm-up")));
        MeasurementJson.write(Measurement.error(Target.file("warm-up"), null, "warm-up"));
        out.println(ChildProbe.STARTED);
        out.flush();
        TargetProber prober = new TargetProber();
        for (String line; (line = in.readLine()) != null; ) {
            Target target;
            try {
                target = MeasurementJson.readTarget(line);
            } catch (IOException e) {
                err.println("storageprobe probe-targets: not a target: " + line);
                return CheckCommand.USAGE;
            }
            out.println(MeasurementJson.write(prober.measure(target)));
            out.flush();
        }
        return CheckCommand.COMPATIBLE;
    }
}
