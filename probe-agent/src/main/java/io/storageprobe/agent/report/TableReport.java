package io.storageprobe.agent.report;

import io.storageprobe.api.result.NodeResult;
import io.storageprobe.api.result.TargetFacts;
import io.storageprobe.api.result.TargetKind;
import io.storageprobe.api.result.TargetResult;
import io.storageprobe.api.result.Verdict;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * One row per target with its alignments and verdict, and the reason under any row that is not
 * Compatible. WRITE is what O_DIRECT writes need, request/buffer, where the write probe ran (path
 * targets), for comparison with the read-probed REQ and BUF QEMU uses for writes too.
 */
public final class TableReport {
    private static final String[] HEADER = {
        "TARGET", "KIND", "FS", "LBS/PBS", "DMA", "STATX", "REQ", "BUF", "WRITE", "SPLIT-PREADV", "VERDICT"
    };

    private TableReport() {}

    public static String render(NodeResult result) {
        StringBuilder out = new StringBuilder();
        out.append("Node ").append(result.node()).append(", kernel ").append(result.kernelRelease());
        if (result.osImage() != null) {
            out.append(" (").append(result.osImage()).append(')');
        }
        out.append('\n');
        if (result.qemu() != null) {
            out.append("Judged for ").append(result.qemu().describe()).append('\n');
        }
        out.append('\n');
        List<String[]> rows = new ArrayList<>();
        rows.add(HEADER);
        result.targets().forEach(t -> rows.add(row(t)));
        int[] widths = new int[HEADER.length];
        rows.forEach(r -> {
            for (int i = 0; i < r.length; i++) {
                widths[i] = Math.max(widths[i], r[i].length());
            }
        });
        for (int i = 0; i < rows.size(); i++) {
            out.append(line(rows.get(i), widths)).append('\n');
            TargetResult target = i == 0 ? null : result.targets().get(i - 1);
            if (target != null && target.reason() != null) {
                out.append("    ").append(target.reason()).append('\n');
            }
            if (target != null && target.latentFindings() != null) {
                target.latentFindings()
                        .forEach(f -> out.append("    latent: ").append(f).append('\n'));
            }
        }
        out.append('\n')
                .append("Node verdict: ")
                .append(result.verdict())
                .append(summary(result))
                .append('\n');
        return out.toString();
    }

    private static String summary(NodeResult result) {
        Map<Verdict, Long> counts = new EnumMap<>(Verdict.class);
        result.targets().forEach(t -> counts.merge(t.verdict(), 1L, Long::sum));
        long latent = result.targets().stream()
                .filter(t -> t.latentFindings() != null)
                .count();
        return counts.entrySet().stream()
                .map(e -> e.getValue() + " " + e.getKey())
                .collect(Collectors.joining(
                        ", ",
                        " (" + result.targets().size() + (result.targets().size() == 1 ? " target: " : " targets: "),
                        latent == 0 ? ")" : "; " + latent + " with latent findings)"));
    }

    private static String[] row(TargetResult t) {
        TargetFacts f = t.facts();
        // A directory is shown as named, not by its temporary file; devices and files by the path opened;
        // a volume by its PersistentVolume (its path is kubelet's long one, in the JSON).
        String name = t.kind() == TargetKind.VOLUME && t.persistentVolume() != null
                ? "pv/" + t.persistentVolume()
                : t.kind() == TargetKind.PATH || t.path() == null ? t.name() : t.path();
        if (f == null) {
            return new String[] {
                name,
                t.kind().json(),
                dash(t.filesystem()),
                "-",
                "-",
                "-",
                "-",
                "-",
                "-",
                "-",
                t.verdict().name()
            };
        }
        return new String[] {
            name,
            t.kind().json(),
            dash(t.filesystem()),
            dash(f.logicalBlockSize()) + "/" + dash(f.physicalBlockSize()),
            dash(f.dmaAlignment()),
            f.statx() == null ? "n/a" : f.statx().toString(),
            dash(f.probedRequestAlignment()),
            dash(f.probedBufferAlignment()),
            f.writeProbe() == null
                    ? "-"
                    : dash(f.writeProbe().requestAlignment()) + "/"
                            + dash(f.writeProbe().bufferAlignment()),
            f.splitVector() == null
                    ? "-"
                    : f.splitVector().describe() + " " + f.splitVector().result(),
            t.verdict().name()
        };
    }

    private static String dash(Object value) {
        return value == null ? "-" : value.toString();
    }

    private static String line(String[] cells, int[] widths) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < cells.length; i++) {
            b.append(cells[i]);
            if (i < cells.length - 1) {
                b.append(" ".repeat(widths[i] - cells[i].length() + 2));
            }
        }
        return b.toString();
    }
}
