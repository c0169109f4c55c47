package io.storageprobe.agent.probe;

import io.storageprobe.agent.nativeio.AlignedBuffer;
import io.storageprobe.agent.nativeio.Abi;
import io.storageprobe.agent.nativeio.DirectFile;
import io.storageprobe.agent.nativeio.Errno;
import io.storageprobe.agent.nativeio.LibC;
import io.storageprobe.agent.nativeio.NativeError;
import io.storageprobe.agent.nativeio.ScratchWriteFile;
import io.storageprobe.agent.nativeio.Statx;
import io.storageprobe.api.result.ProbeRead;
import io.storageprobe.api.result.Segment;
import io.storageprobe.api.result.SplitVectorRead;
import io.storageprobe.api.result.StatxDioAlign;
import io.storageprobe.api.result.TargetFacts;
import io.storageprobe.api.result.WriteProbe;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Measures one target. Block devices and files are opened read-only with O_DIRECT; a directory
 * gets one temporary file of {@link #SCRATCH_BYTES}, written with ordinary buffered I/O and removed
 * afterwards, whatever happens. All reads are at offset 0, inside the first 8 KiB. Only that
 * temporary file, and a reflinked clone of it where the filesystem can make one, is ever written
 * with O_DIRECT, with the bytes it already holds.
 */
public final class TargetProber {
    /** Reads need data beneath them: a read past end of file succeeds with 0 bytes before any alignment check. */
    static final int MIN_FILE_BYTES = 2 * Abi.PAGE;
    static final int SCRATCH_BYTES = 64 * 1024;
    /** What the scratch file holds: non-zero, so reads hit allocated blocks; the write probe writes it back. */
    static final byte SCRATCH_FILL = 0x5a;
    private static final String SCRATCH_PREFIX = ".storageprobe-";

    public Measurement measure(Target target) {
        try {
            return switch (target.kind()) {
                case DEVICE -> device(target);
                case FILE -> file(target, target.name());
                case PATH -> directory(target);
            };
        } catch (TargetError e) {
            return Measurement.error(target, null, e.getMessage());
        }
    }

    private Measurement device(Target target) throws TargetError {
        String path = target.name().contains("/") ? target.name() : "/dev/" + target.name();
        Path real = realPath(path, "no such device");
        Statx stat = statx(real.toString());
        if (!stat.isBlockDevice()) {
            throw new TargetError(path + " is not a block device");
        }
        String name = real.getFileName().toString();
        Long bytes = deviceBytes(name);
        if (bytes != null && bytes < MIN_FILE_BYTES) {
            // Reads at or past the end succeed with 0 bytes before any alignment check, which would
            // look like reads served from the page cache: too small to probe, not Affected.
            return new Measurement(target, path, null, name, null, new Measurement.Problem(
                    Measurement.Problem.Kind.UNSUPPORTED, path + " holds " + bytes
                    + " bytes; the probes read its first " + MIN_FILE_BYTES + " (an empty loop device or zram?)"));
        }
        Optional<BlockQueue> queue = BlockQueue.ofName(name);
        try (DirectFile file = open(path)) {
            Integer lbs = file.ioctlInt(Abi.BLKSSZGET);
            Integer pbs = file.ioctlInt(Abi.BLKPBSZGET);
            BlockQueue limits = new BlockQueue(name,
                    lbs != null ? lbs : queue.map(BlockQueue::logicalBlockSize).orElse(null),
                    pbs != null ? pbs : queue.map(BlockQueue::physicalBlockSize).orElse(null),
                    queue.map(BlockQueue::dmaAlignment).orElse(null));
            return measured(target, path, null, limits, stat, file);
        }
    }

    private Measurement file(Target target, String path) throws TargetError {
        Path real = realPath(path, "no such file");
        Statx stat = statx(real.toString());
        if (stat.isDirectory()) {
            throw new TargetError(path + " is a directory (use --path for directories)");
        }
        if (!stat.isRegularFile()) {
            throw new TargetError(path + " is not a regular file");
        }
        long size = size(real);
        if (size < MIN_FILE_BYTES) {
            throw new TargetError(path + " holds " + size + " bytes; the probes read its first " + MIN_FILE_BYTES);
        }
        try (DirectFile file = openForFilesystem(path)) {
            String filesystem = Filesystems.name(file.filesystemMagic());
            BlockQueue limits = BlockQueue.ofDev(stat.devMajor(), stat.devMinor())
                    .orElse(new BlockQueue(null, null, null, null));
            Measurement m = measured(target, path, filesystem, limits, stat, file);
            if (Filesystems.hasNoDirectIo(filesystem)) {
                return new Measurement(target, path, filesystem, m.device(), m.facts(),
                        new Measurement.Problem(Measurement.Problem.Kind.UNSUPPORTED, filesystem
                                + " has no direct I/O: it accepts O_DIRECT but serves reads from memory"));
            }
            return m;
        } catch (UnsupportedDirectIo e) {
            return new Measurement(target, path, e.filesystem, null, null,
                    new Measurement.Problem(Measurement.Problem.Kind.UNSUPPORTED, e.getMessage()));
        }
    }

    private Measurement directory(Target target) throws TargetError {
        Path dir = realPath(target.name(), "no such directory");
        // statx, not Files.isDirectory: a dead FUSE mount (ENOTCONN) or a stale NFS handle must say so.
        if (!statx(dir.toString()).isDirectory()) {
            throw new TargetError(target.name() + " is not a directory (use --file for files)");
        }
        Path scratch = null;
        try {
            scratch = Files.createTempFile(dir, SCRATCH_PREFIX, ".probe");
            // The probe child is stopped with SIGTERM when it misses its deadline: its exit removes this.
            scratch.toFile().deleteOnExit();
            writeScratch(scratch);
            Measurement m = file(target, scratch.toString());
            TargetFacts facts = m.facts() != null && m.problem() == null ? withWriteProbes(m.facts(), dir, scratch)
                    : m.facts();
            return new Measurement(target, scratch.toString(), m.filesystem(), m.device(), facts, m.problem());
        } catch (IOException e) {
            throw new TargetError("cannot create a temporary file in " + target.name() + ": " + ioReason(e));
        } finally {
            deleteQuietly(scratch);
        }
    }

    /**
     * Writes the scratch file with O_DIRECT, then, where FICLONE works (xfs, btrfs), a reflinked
     * clone of it: copy-on-write files can need larger write alignment (STATX_DIO_READ_ALIGN).
     * The scratch file is probed first, before cloning turns it into a copy-on-write file too.
     */
    private static TargetFacts withWriteProbes(TargetFacts facts, Path dir, Path scratch) throws IOException {
        WriteProbe scratchWrites = writeProbe(scratch);
        WriteProbe cloneWrites = null;
        Path clone = null;
        try {
            clone = Files.createTempFile(dir, SCRATCH_PREFIX, ".clone");
            clone.toFile().deleteOnExit();
            if (ScratchWriteFile.clone(scratch.toString(), clone.toString()) == 0) {
                cloneWrites = writeProbe(clone);
            }
        } finally {
            deleteQuietly(clone);
        }
        return facts.withWriteProbes(scratchWrites, cloneWrites);
    }

    /** The write probe, or null when the file cannot be opened for O_DIRECT writes. */
    private static WriteProbe writeProbe(Path file) {
        try {
            return WriteAlignmentProbe.run(file.toString(), statxDioAlign(Statx.of(file.toString())), SCRATCH_FILL);
        } catch (NativeError e) {
            return null;
        }
    }

    private Measurement measured(Target target, String path, String filesystem, BlockQueue limits, Statx stat,
                                 DirectFile file) {
        try (AlignedBuffer buffer = new AlignedBuffer(4L * Abi.PAGE)) {
            RequestAlignmentProbe.Result request = RequestAlignmentProbe.run(file, buffer);
            BufferAlignmentProbe.Result memory = BufferAlignmentProbe.run(file, buffer, request.alignment());
            List<Segment> segments = SplitVectorProbe.segments(request.alignment(), memory.alignment());
            SplitVectorRead split = segments == null ? null : SplitVectorProbe.run(file, buffer, segments);
            ProbeRead conclusion = ConclusionReadProbe.run(file, buffer, request.alignment(), memory.alignment());
            TargetFacts facts = new TargetFacts(limits.logicalBlockSize(), limits.physicalBlockSize(),
                    limits.dmaAlignment(), statxDioAlign(stat), request.reads(), memory.reads(),
                    request.alignment(), memory.alignment(), split, conclusion, null, null);
            return new Measurement(target, path, filesystem, limits.device(), facts, unreadable(request, memory));
        }
    }

    /** A target where no read at all went through is broken or unreadable, not misaligned. */
    private static Measurement.Problem unreadable(RequestAlignmentProbe.Result request,
                                                  BufferAlignmentProbe.Result memory) {
        List<ProbeRead> all = Stream.concat(request.reads().stream(), memory.reads().stream()).toList();
        if (all.stream().anyMatch(ProbeRead::ok)) {
            return null;
        }
        String errors = all.stream().map(ProbeRead::result).distinct().reduce((a, b) -> a + ", " + b).orElse("");
        return new Measurement.Problem(Measurement.Problem.Kind.ERROR,
                "no O_DIRECT read of up to 4096 bytes succeeded (" + errors + ")");
    }

    private static StatxDioAlign statxDioAlign(Statx stat) {
        if (!stat.hasDioAlign()) {
            return null;
        }
        return new StatxDioAlign(stat.dioMemAlign(), stat.dioOffsetAlign(),
                stat.hasDioReadAlign() ? stat.dioReadOffsetAlign() : null);
    }

    private static DirectFile open(String path) throws TargetError {
        try {
            return DirectFile.open(path);
        } catch (NativeError e) {
            throw new TargetError(openFailure(path, e.errno()));
        }
    }

    /** Like {@link #open} but tells a filesystem that refuses O_DIRECT (EINVAL at open) apart. */
    private static DirectFile openForFilesystem(String path) throws TargetError, UnsupportedDirectIo {
        try {
            return DirectFile.open(path);
        } catch (NativeError e) {
            if (e.errno() == Errno.EINVAL) {
                throw new UnsupportedDirectIo(path);
            }
            throw new TargetError(openFailure(path, e.errno()));
        }
    }

    private static String openFailure(String path, int errno) {
        return switch (errno) {
            case Errno.EACCES, Errno.EPERM -> "cannot open " + path + ": permission denied" + (LibC.geteuid() == 0
                    ? " to root (a container's device cgroup or a security module forbids it)"
                    : " to uid " + LibC.geteuid() + " (run as root, or as a user who may read it" + group(path) + ")");
            case Errno.ENOMEDIUM -> "cannot open " + path + ": no medium";
            default -> "cannot open " + path + " with O_DIRECT: " + Errno.name(errno);
        };
    }

    /** ", such as a member of group disk", from the device's group; empty when it cannot be read. */
    private static String group(String path) {
        try {
            return ", such as a member of group " + Files.readAttributes(Path.of(path),
                    java.nio.file.attribute.PosixFileAttributes.class).group().getName();
        } catch (IOException | RuntimeException e) {
            return "";
        }
    }

    /** The size in /sys/class/block/NAME/size (always in 512-byte units), or null when it cannot be read. */
    private static Long deviceBytes(String name) {
        try {
            return Long.parseLong(Files.readString(Path.of("/sys/class/block", name, "size")).strip()) * 512;
        } catch (IOException | NumberFormatException e) {
            return null;
        }
    }

    private static Path realPath(String path, String missing) throws TargetError {
        try {
            return Path.of(path).toRealPath();
        } catch (NoSuchFileException e) {
            throw new TargetError(missing + ": " + path);
        } catch (java.nio.file.FileSystemException e) {
            throw new TargetError("cannot resolve " + path + ": " + (e.getReason() != null ? e.getReason() : e.getMessage()));
        } catch (IOException | java.nio.file.InvalidPathException e) {
            throw new TargetError("cannot resolve " + path + ": " + e.getMessage());
        }
    }

    private static Statx statx(String path) throws TargetError {
        try {
            return Statx.of(path);
        } catch (NativeError e) {
            throw new TargetError("cannot stat " + path + ": " + Errno.describe(e.errno()));
        }
    }

    private static long size(Path file) throws TargetError {
        try {
            return Files.size(file);
        } catch (IOException e) {
            throw new TargetError("cannot read the size of " + file + ": " + ioReason(e));
        }
    }

    /** Non-zero data, flushed, so O_DIRECT reads hit allocated blocks on the device. */
    private static void writeScratch(Path scratch) throws IOException {
        byte[] data = new byte[SCRATCH_BYTES];
        java.util.Arrays.fill(data, SCRATCH_FILL);
        try (FileChannel channel = FileChannel.open(scratch, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS)) {
            channel.write(ByteBuffer.wrap(data));
            channel.force(true);
        }
    }

    private static void deleteQuietly(Path scratch) {
        if (scratch != null) {
            try {
                Files.deleteIfExists(scratch);
            } catch (IOException ignored) {
                // Nothing more can be done; the name starts with .storageprobe- so it can be found.
            }
        }
    }

    private static String ioReason(IOException e) {
        if (e instanceof java.nio.file.FileSystemException fs && fs.getReason() != null) {
            return fs.getReason(); // the errno's text, e.g. "Transport endpoint is not connected"
        }
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getClass().getSimpleName() + " " + e.getMessage();
    }

    /** open(O_DIRECT) answered EINVAL: the filesystem has no direct I/O at all. */
    private static final class UnsupportedDirectIo extends Exception {
        final String filesystem;

        UnsupportedDirectIo(String path) {
            super("the filesystem refuses O_DIRECT (open answered EINVAL)", null, false, false);
            this.filesystem = filesystemOf(path);
        }

        private static String filesystemOf(String path) {
            try {
                return Files.getFileStore(Path.of(path)).type();
            } catch (IOException e) {
                return null;
            }
        }
    }
}
