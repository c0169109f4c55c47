package io.storageprobe.agent.verdict;

import io.storageprobe.agent.access.Filesystems;
import io.storageprobe.api.qemu.RuleCatalog;
import io.storageprobe.api.result.LoopBacking;
import io.storageprobe.api.result.ProbeRead;
import io.storageprobe.api.result.ProbeWrite;
import io.storageprobe.api.result.RuleOutcome;
import io.storageprobe.api.result.RuleStatus;
import io.storageprobe.api.result.TargetFacts;
import io.storageprobe.api.result.WriteProbe;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Fails where O_DIRECT is silently served from the page cache (btrfs, ZFS before 2.3): real direct
 * I/O can never move 1 byte or use a buffer at an odd address, so accepting either is the tell.
 * Reads are judged with QEMU's probe reads; writes with the write probe where it ran (path
 * targets), because btrfs falls back to buffered writes for every checksummed file (968f19c5b1b7,
 * in 6.12 stable) even where its reads stay direct. Probing such storage proves nothing about the
 * disk beneath. A loop device without direct I/O (loop/dio 0: its backing file cannot do the loop
 * device's sector size with O_DIRECT, and the kernel falls back silently, openebs/rawfile-localpv#39)
 * is the same case that no probe read shows: the loop device checks alignment itself and then reads
 * its backing file through the page cache, so it is judged from sysfs.
 */
public final class DioNotBufferedRule implements Rule {
    @Override
    public String name() {
        return RuleCatalog.DIO_NOT_BUFFERED;
    }

    @Override
    public RuleOutcome evaluate(TargetFacts facts, String filesystem) {
        LoopBacking loop = facts.loop();
        if (loop != null && !loop.directIo()) {
            return outcome(
                    RuleStatus.Fail,
                    loop.device() + " runs without direct I/O (/sys/block/" + loop.device()
                            + "/loop/dio is 0"
                            + (loop.backingFile() == null ? "" : ", backing file " + loop.backingFile())
                            + "): O_DIRECT through it is served from the backing file's page cache");
        }
        if (filesystem != null && Filesystems.isByteAlignedDirectIo(filesystem)) {
            return outcome(RuleStatus.NotApplicable, filesystem + " does direct I/O without alignment needs");
        }
        // A hole at offset 0 is zero-filled without an alignment check: its reads say nothing of buffering.
        List<ProbeRead> oddReads = Boolean.TRUE.equals(facts.holeAtOffsetZero())
                ? List.of()
                : Stream.concat(
                                facts.requestProbes().stream().filter(r -> r.length() == 1),
                                facts.bufferProbes().stream().filter(r -> r.bufferOffset() == 1))
                        .toList();
        List<ProbeWrite> oddWrites = Stream.of(facts.writeProbe(), facts.reflinkWriteProbe())
                .filter(p -> p != null)
                .flatMap(p -> p.writes().stream())
                .filter(w -> w.length() == 1 || w.bufferOffset() == 1)
                .toList();
        if (oddReads.isEmpty() && oddWrites.isEmpty()) {
            return outcome(
                    RuleStatus.NotApplicable,
                    Boolean.TRUE.equals(facts.holeAtOffsetZero())
                            ? "offset 0 is a hole, where reads are zero-filled without an alignment check, and nothing was written"
                            : "no 1-byte or odd-buffer read or write was made");
        }
        List<String> readsAccepted = oddReads.stream()
                .filter(ProbeRead::ok)
                .map(r -> describe(r.length(), "read"))
                .toList();
        List<String> writesAccepted = acceptedWrites(facts.writeProbe(), facts.reflinkWriteProbe());
        if (!readsAccepted.isEmpty() || !writesAccepted.isEmpty()) {
            String how = writesAccepted.isEmpty()
                    ? "reads are served from the page cache"
                    : readsAccepted.isEmpty()
                            ? "writes go through the page cache"
                            : "reads are served from and writes go through the page cache";
            return outcome(
                    RuleStatus.Fail,
                    list(Stream.concat(readsAccepted.stream(), writesAccepted.stream())
                                    .toList()) + " succeeded with O_DIRECT: " + how);
        }
        List<String> passed = new ArrayList<>();
        if (!oddReads.isEmpty()) {
            passed.add("a 1-byte read and a read into a buffer at +1 were rejected ("
                    + errnos(oddReads.stream().map(ProbeRead::result)) + ")");
        }
        if (!oddWrites.isEmpty()) {
            passed.add("a 1-byte write and a write from a buffer at +1 were rejected ("
                    + errnos(oddWrites.stream().map(ProbeWrite::result)) + ")");
        }
        return outcome(RuleStatus.Pass, String.join("; ", passed));
    }

    /** The odd writes that succeeded, saying where when the reflinked clone accepted any. */
    private static List<String> acceptedWrites(WriteProbe scratch, WriteProbe clone) {
        List<String> all = new ArrayList<>(accepted(scratch));
        List<String> onClone = accepted(clone);
        if (onClone.isEmpty()) {
            return all;
        }
        if (onClone.equals(all)) {
            all.set(all.size() - 1, all.get(all.size() - 1) + " (to the scratch file and its reflinked clone)");
            return all;
        }
        onClone.forEach(w -> all.add(w + " to the reflinked clone"));
        return all;
    }

    private static List<String> accepted(WriteProbe probe) {
        return probe == null
                ? List.of()
                : probe.writes().stream()
                        .filter(w -> w.ok() && (w.length() == 1 || w.bufferOffset() == 1))
                        .map(w -> describe(w.length(), "write"))
                        .toList();
    }

    /** "a", "a and b", "a, b and c". */
    private static String list(List<String> items) {
        return items.size() <= 2
                ? String.join(" and ", items)
                : String.join(", ", items.subList(0, items.size() - 1)) + " and " + items.get(items.size() - 1);
    }

    private static String describe(int length, String io) {
        return length == 1
                ? "a 1-byte " + io
                : "a " + length + "-byte " + io + (io.equals("read") ? " into" : " from") + " a buffer at +1";
    }

    private static String errnos(Stream<String> results) {
        return results.distinct().reduce((a, b) -> a + ", " + b).orElse("");
    }
}
