package io.storageprobe.agent.verdict;

import io.storageprobe.api.qemu.RuleCatalog;
import io.storageprobe.api.result.ProbeWrite;
import io.storageprobe.api.result.RuleOutcome;
import io.storageprobe.api.result.RuleStatus;
import io.storageprobe.api.result.StatxDioAlign;
import io.storageprobe.api.result.TargetFacts;
import io.storageprobe.api.result.WriteProbe;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Fails where O_DIRECT writes need more alignment than the reads QEMU probes. raw_probe_alignment
 * reads only and QEMU then writes with the same alignments, so where writes need more (bcachefs
 * with 4K blocks rejects 512-byte writes, bcachefs#791) the guest gets write errors, with every
 * QEMU. Judged from the write probe where it ran (path targets: the agent's scratch file and a
 * reflinked clone of it); elsewhere from statx where the kernel reports the read alignment
 * separately (STATX_DIO_READ_ALIGN, Linux 6.14). xfs is the exception there: it does not fail a
 * write below its copy-on-write alignment but serves it through the page cache
 * (xfs_file_dio_write_unaligned answers ENOTBLK and xfs falls back to buffered I/O; measured on
 * 6.18), so its statx alone proves no failure.
 */
public final class DioWriteAlignmentRule implements ProbedAlignmentRule {
    @Override
    public String name() {
        return RuleCatalog.DIO_WRITE_ALIGNMENT;
    }

    @Override
    public RuleOutcome evaluate(TargetFacts facts, String filesystem, int request, int buffer) {
        Map<String, WriteProbe> probes = new LinkedHashMap<>();
        if (facts.writeProbe() != null) {
            probes.put("scratch file", facts.writeProbe());
        }
        if (facts.reflinkWriteProbe() != null) {
            probes.put("reflinked clone", facts.reflinkWriteProbe());
        }
        return probes.isEmpty() ? fromStatx(facts.statx(), request, filesystem) : fromWrites(probes, request, buffer);
    }

    private RuleOutcome fromWrites(Map<String, WriteProbe> probes, int request, int buffer) {
        List<String> broken = new ArrayList<>();
        List<String> found = new ArrayList<>();
        probes.forEach((file, p) -> {
            List<ProbeWrite> lengths =
                    p.writes().stream().filter(w -> w.bufferOffset() == 0).toList();
            List<ProbeWrite> offsets =
                    p.writes().stream().filter(w -> w.bufferOffset() != 0).toList();
            Integer length = p.requestAlignment();
            if (length == null) {
                broken.add(
                        file + ": no O_DIRECT write of up to 8192 bytes succeeded (" + failures(lengths, null) + ")");
            } else if (length > request) {
                broken.add(file + ": the smallest O_DIRECT write that succeeds is " + length + " bytes ("
                        + failures(lengths, length) + "), more than QEMU's request alignment " + request);
            }
            Integer memory = p.bufferAlignment();
            if (memory == null && length != null && length <= 4096) {
                broken.add(file + ": no 4096-byte O_DIRECT write succeeded from a buffer at +1 to +4096 ("
                        + failures(offsets, null) + ")");
            } else if (memory != null && memory > buffer) {
                broken.add(file + ": 4096-byte O_DIRECT writes need a buffer at +" + memory + " ("
                        + failures(offsets, memory) + "), more than QEMU's buffer alignment " + buffer);
            }
            found.add(file + " " + length + "/" + memory + bufferedBelowStatx(p));
        });
        String qemu = "QEMU's read-probed request alignment " + request + " and buffer alignment " + buffer;
        if (!broken.isEmpty()) {
            return outcome(
                    RuleStatus.Fail,
                    "QEMU writes with " + qemu.substring("QEMU's ".length()) + ", but " + String.join("; ", broken));
        }
        return outcome(
                RuleStatus.Pass,
                "O_DIRECT writes need length/buffer alignment " + String.join(", ", found) + ", within " + qemu);
    }

    /** The failed writes below the one that succeeded ({@code upTo}, by length or buffer offset), e.g. "512 EINVAL". */
    private static String failures(List<ProbeWrite> writes, Integer upTo) {
        return writes.stream()
                .filter(w ->
                        !w.ok() && (upTo == null || (w.bufferOffset() == 0 ? w.length() : w.bufferOffset()) < upTo))
                .map(w -> (w.bufferOffset() == 0 ? w.length() + " bytes" : "+" + w.bufferOffset()) + " " + w.result())
                .collect(Collectors.joining(", "));
    }

    /**
     * A write shorter than statx's write alignment that still succeeded was not direct: xfs bounces
     * sub-block writes to copy-on-write files through the page cache. Said, not failed: VMs run.
     */
    private static String bufferedBelowStatx(WriteProbe p) {
        StatxDioAlign statx = p.statx();
        if (statx == null
                || p.requestAlignment() == null
                || p.requestAlignment() == 1
                || p.requestAlignment() % statx.offsetAlign() == 0) {
            return "";
        }
        return " (a " + p.requestAlignment() + "-byte write succeeded although statx says O_DIRECT writes need "
                + statx.offsetAlign() + ": the filesystem served it through the page cache)";
    }

    private RuleOutcome fromStatx(StatxDioAlign statx, int request, String filesystem) {
        if (statx == null || statx.readOffsetAlign() == null) {
            return outcome(
                    RuleStatus.NotApplicable,
                    "no write probe (only a path target's own scratch file is"
                            + " written) and statx reports no separate read alignment (STATX_DIO_READ_ALIGN, Linux 6.14+)");
        }
        if (QemuOnNfs.applies(filesystem)) {
            return outcome(
                    RuleStatus.NotApplicable,
                    "no write probe, and " + QemuOnNfs.WHY + ": statx's alignments are not what its writes need");
        }
        String numbers = "statx says O_DIRECT writes need " + statx.offsetAlign() + " and reads "
                + statx.readOffsetAlign() + "; QEMU's read probe concluded request alignment " + request;
        if (statx.readOffsetAlign() < statx.offsetAlign() && statx.offsetAlign() > request) {
            if ("xfs".equals(filesystem)) {
                return outcome(
                        RuleStatus.NotApplicable,
                        numbers + ", but xfs serves such writes to copy-on-write"
                                + " files through the page cache instead of failing them");
            }
            return outcome(RuleStatus.Fail, numbers + ": QEMU's " + request + "-byte writes fail");
        }
        return outcome(RuleStatus.Pass, numbers + ": writes need no more than that");
    }
}
