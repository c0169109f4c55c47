package io.storageprobe.agent.cli;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.storageprobe.agent.flags.Flags;
import io.storageprobe.agent.flags.UsageException;
import io.storageprobe.agent.report.JsonReport;
import io.storageprobe.agent.report.TableReport;
import io.storageprobe.api.qemu.QemuJudgement;
import io.storageprobe.api.result.NodeResult;
import io.storageprobe.api.result.QemuInForce;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * {@code storageprobe judge --qemu VERSION [FILE]}: a saved result ({@code check --output json},
 * or a StorageProbeResult from the cluster) judged again for another QEMU, without probing. The
 * rule outcomes are facts about the storage; only which of them break a VM depends on QEMU, so
 * this is the same judgement {@code check --qemu} and the operator make (QemuJudgement).
 */
public final class JudgeCommand {
    static final String USAGE = """
            Usage: storageprobe judge --qemu VERSION [--output table|json] [FILE]

            Judges a saved result again for another QEMU, without probing: FILE (or standard input,
            also when FILE is -) holds what 'storageprobe check --output json' printed, or a
            StorageProbeResult read from the cluster. The measured facts and rule outcomes stay as
            they are; each target's verdict and latent findings are those for VERSION.

              --qemu VERSION    the QEMU to judge for, e.g. 5.2, 7.2 or 10.1
              --output FORMAT   table (default) or json (the StorageProbeResult shape)

            Exit codes: as for check (0 compatible or only unsupported, 1 a rule failed, 2 usage
            error or unreadable input, 3 the result holds a probing error).
            """;

    // A result written by a newer agent may carry fields this one does not know: judge what it knows.
    private static final ObjectMapper MAPPER =
            new ObjectMapper().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private final InputStream in;
    private final PrintStream out;
    private final PrintStream err;

    public JudgeCommand(InputStream in, PrintStream out, PrintStream err) {
        this.in = in;
        this.out = out;
        this.err = err;
    }

    public int run(String... args) {
        String qemu = null, file = null;
        boolean json = false;
        try {
            for (int i = 0; i < args.length; i++) {
                String arg = args[i];
                String flag = arg.contains("=") ? arg.substring(0, arg.indexOf('=')) : arg;
                String inline = arg.contains("=") ? arg.substring(arg.indexOf('=') + 1) : null;
                switch (flag) {
                    case "--qemu" -> qemu = Flags.qemu(Flags.value(args, ++i, flag, inline));
                    case "--output" -> json = json(Flags.value(args, ++i, flag, inline));
                    case "-h", "--help" -> {
                        out.print(USAGE);
                        return CheckCommand.COMPATIBLE;
                    }
                    default -> {
                        if (arg.startsWith("-") && !arg.equals("-") || file != null) {
                            throw new UsageException(
                                    arg.startsWith("-") ? "unknown flag " + arg : "unexpected argument " + arg);
                        }
                        file = arg;
                    }
                }
                if (inline != null) {
                    i--;
                }
            }
            if (qemu == null) {
                throw new UsageException("--qemu VERSION is required: the QEMU to judge for");
            }
        } catch (UsageException e) {
            err.println("storageprobe judge: " + e.getMessage());
            err.print(USAGE);
            return CheckCommand.USAGE;
        }
        NodeResult saved;
        String source = file == null || file.equals("-") ? "standard input" : file;
        try (InputStream input = source.equals("standard input") ? in : Files.newInputStream(Path.of(file))) {
            saved = read(input);
        } catch (IOException | IllegalArgumentException e) {
            err.println("storageprobe judge: cannot read a result from " + source + ": " + e.getMessage());
            return CheckCommand.USAGE;
        }
        NodeResult result = QemuJudgement.judge(saved, new QemuInForce(qemu, QemuInForce.FLAG, "--qemu " + qemu));
        out.print(json ? JsonReport.render(result) + "\n" : TableReport.render(result));
        return CheckCommand.exitCode(result.verdict());
    }

    /** The node result in a StorageProbeResult document (its spec), or a bare one. */
    static NodeResult read(InputStream input) throws IOException {
        JsonNode doc = MAPPER.readTree(input);
        if (doc == null || !doc.isObject()) {
            throw new IllegalArgumentException("not a JSON object");
        }
        JsonNode spec = doc.has("spec") ? doc.get("spec") : doc;
        NodeResult result = MAPPER.treeToValue(spec, NodeResult.class);
        if (result.targets() == null || result.verdict() == null) {
            throw new IllegalArgumentException(
                    "no targets and verdict: not the output of storageprobe check --output json");
        }
        return result;
    }

    private static boolean json(String value) throws UsageException {
        return switch (value) {
            case "table" -> false;
            case "json" -> true;
            default -> throw new UsageException("--output must be table or json, not " + value);
        };
    }
}
