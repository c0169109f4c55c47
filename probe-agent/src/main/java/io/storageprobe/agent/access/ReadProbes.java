package io.storageprobe.agent.access;

import io.storageprobe.agent.alignment.BufferAlignmentProbe;
import io.storageprobe.agent.alignment.ConclusionReadProbe;
import io.storageprobe.agent.alignment.RequestAlignmentProbe;
import io.storageprobe.agent.alignment.SplitVectorProbe;
import io.storageprobe.agent.nativeio.Abi;
import io.storageprobe.agent.nativeio.AlignedBuffer;
import io.storageprobe.agent.nativeio.DirectFile;
import io.storageprobe.agent.nativeio.Statx;
import io.storageprobe.agent.target.Measurement;
import io.storageprobe.agent.target.Target;
import io.storageprobe.api.result.ProbeRead;
import io.storageprobe.api.result.Segment;
import io.storageprobe.api.result.SplitVectorRead;
import io.storageprobe.api.result.StatxDioAlign;
import io.storageprobe.api.result.TargetFacts;
import java.util.List;
import java.util.stream.Stream;

/** The read probes every kind of target gets, on a descriptor its {@link TargetAccess} opened. */
final class ReadProbes {
    /** Reads need data beneath them: a read past end of file succeeds with 0 bytes before any alignment check. */
    static final int MIN_FILE_BYTES = 2 * Abi.PAGE;

    private ReadProbes() {}

    static Measurement run(
            Target target, String path, String filesystem, BlockQueue limits, Statx stat, DirectFile file) {
        try (AlignedBuffer buffer = new AlignedBuffer(4L * Abi.PAGE)) {
            // A device's BLKSSZGET was asked for its limits; a file's logical block size comes from sysfs.
            RequestAlignmentProbe.Result request =
                    RequestAlignmentProbe.run(file, buffer, filesystem == null ? limits.logicalBlockSize() : null);
            BufferAlignmentProbe.Result memory = BufferAlignmentProbe.run(file, buffer, request.alignment());
            List<Segment> segments = SplitVectorProbe.segments(request.alignment(), memory.alignment());
            SplitVectorRead split = segments == null ? null : SplitVectorProbe.run(file, buffer, segments);
            ProbeRead conclusion = ConclusionReadProbe.run(file, buffer, request.alignment(), memory.alignment());
            TargetFacts facts = new TargetFacts(
                    limits.logicalBlockSize(),
                    limits.physicalBlockSize(),
                    limits.dmaAlignment(),
                    statxDioAlign(stat),
                    request.reads(),
                    memory.reads(),
                    request.alignment(),
                    memory.alignment(),
                    split,
                    conclusion,
                    null,
                    null,
                    filesystem == null ? null : file.holeAt(0),
                    request.source(),
                    limits.device() == null ? null : BlockQueue.virtBoundaryMask(limits.device()),
                    limits.device() == null ? null : LoopDevices.system().beneath(limits.device()),
                    null);
            return new Measurement(target, path, filesystem, limits.device(), facts, unreadable(request, memory));
        }
    }

    /**
     * A target where no read at all went through is broken or unreadable, not misaligned; unless
     * every read failed with EINVAL: then the target wants more than 4096-byte alignment (a logical
     * block size above the page size), QEMU's probes find none and it refuses the disk, which
     * qemu-alignment-probe judges: a verdict about VMs, not a failure to probe.
     */
    private static Measurement.Problem unreadable(
            RequestAlignmentProbe.Result request, BufferAlignmentProbe.Result memory) {
        List<ProbeRead> all =
                Stream.concat(request.reads().stream(), memory.reads().stream()).toList();
        if (all.stream().anyMatch(ProbeRead::ok) || all.stream().allMatch(r -> "EINVAL".equals(r.result()))) {
            return null;
        }
        String errors = all.stream()
                .map(ProbeRead::result)
                .distinct()
                .reduce((a, b) -> a + ", " + b)
                .orElse("");
        return new Measurement.Problem(
                Measurement.Problem.Kind.ERROR, "no O_DIRECT read of up to 4096 bytes succeeded (" + errors + ")");
    }

    static StatxDioAlign statxDioAlign(Statx stat) {
        if (!stat.hasDioAlign()) {
            return null;
        }
        return new StatxDioAlign(
                stat.dioMemAlign(), stat.dioOffsetAlign(), stat.hasDioReadAlign() ? stat.dioReadOffsetAlign() : null);
    }
}
