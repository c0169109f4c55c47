package io.storageprobe.agent.cli;

import io.storageprobe.agent.nativeio.Abi;
import io.storageprobe.agent.run.AgentVersion;
import io.storageprobe.agent.run.MeasurementJson;
import io.storageprobe.agent.target.Target;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;

/** Entry point: {@code storageprobe check|agent|version}. */
public final class Main {
    static final String USAGE = """
            Usage: storageprobe <command> [flags]

            Commands:
              check     probe this host's disks and filesystems once and print a verdict
              agent     the node daemon the StorageProbe DaemonSet runs; with --standalone, the
                        same daemon on a host without Kubernetes (flags: agent --standalone --help)
              judge     judge a saved result (check --output json) again for another QEMU,
                        without probing: judge --qemu VERSION [FILE]
              version   print the version

            Run 'storageprobe check --help' for the flags of check.
            """;

    private Main() {}

    public static void main(String[] args) {
        System.exit(run(args));
    }

    static int run(String[] args) {
        if (args.length == 0 || args[0].equals("-h") || args[0].equals("--help") || args[0].equals("help")) {
            System.out.print(USAGE);
            return args.length == 0 ? CheckCommand.USAGE : CheckCommand.COMPATIBLE;
        }
        String[] rest = java.util.Arrays.copyOfRange(args, 1, args.length);
        switch (args[0]) {
            case "version", "--version" -> {
                System.out.println("storageprobe " + AgentVersion.get());
                return CheckCommand.COMPATIBLE;
            }
            case "check" -> {
                try {
                    Abi.check();
                } catch (UnsupportedOperationException e) {
                    System.err.println("storageprobe: " + e.getMessage());
                    return CheckCommand.PROBE_ERROR;
                }
                return new CheckCommand(System.out, System.err).run(rest);
            }
            case "judge" -> {
                return new JudgeCommand(System.in, System.out, System.err).run(rest);
            }
            case "probe-targets" -> {
                // Hidden: the child process NodeProbe runs targets' I/O in.
                return ProbeTargetsCommand.run(
                        new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)),
                        System.out,
                        System.err);
            }
            case "aot-training" -> {
                // Hidden: the image build's AOT training run (JDK 25, -XX:AOTCacheOutput, one JVM),
                // `aot-training FILE`: what `--help`, `check --file FILE` and its probe-targets child
                // load, in one process, so that the cache serves both the CLI and the children.
                if (rest.length != 1) {
                    System.err.println("storageprobe aot-training: needs one file");
                    return CheckCommand.USAGE;
                }
                run(new String[] {"--help"});
                int check = run(new String[] {"check", "--file", rest[0]});
                int child = ProbeTargetsCommand.run(
                        new BufferedReader(new StringReader(MeasurementJson.write(Target.file(rest[0])))),
                        System.out,
                        System.err);
                return check <= CheckCommand.RULE_FAILED ? child : check;
            }
            case "agent" -> {
                // Decided here, before AgentCommand (and with it the API client) is loaded:
                // a standalone agent must not look for a kubeconfig or a service account.
                return java.util.Arrays.asList(rest).contains("--standalone")
                        ? io.storageprobe.agent.standalone.StandaloneCommand.run(rest)
                        : io.storageprobe.agent.daemon.AgentCommand.run(rest);
            }
            default -> {
                System.err.println("storageprobe: unknown command " + args[0]);
                System.err.print(USAGE);
                return CheckCommand.USAGE;
            }
        }
    }
}
