package io.storageprobe.agent.access;

import io.storageprobe.agent.alignment.WriteAlignmentProbe;
import io.storageprobe.agent.nativeio.NativeError;
import io.storageprobe.agent.nativeio.ScratchWriteFile;
import io.storageprobe.agent.nativeio.Statx;
import io.storageprobe.agent.target.Measurement;
import io.storageprobe.agent.target.Target;
import io.storageprobe.api.result.TargetFacts;
import io.storageprobe.api.result.WriteProbe;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A directory, probed through one temporary file of {@link #SCRATCH_BYTES}, written with ordinary
 * buffered I/O and removed afterwards, whatever happens. Only that temporary file, and a reflinked
 * clone of it where the filesystem can make one, is ever written with O_DIRECT, with the bytes it
 * already holds.
 */
final class DirectoryTarget implements TargetAccess {
    static final int SCRATCH_BYTES = 64 * 1024;
    /** What the scratch file holds: non-zero, so reads hit allocated blocks; the write probe writes it back. */
    static final byte SCRATCH_FILL = 0x5a;

    private static final String SCRATCH_PREFIX = ".storageprobe-";

    @Override
    public Measurement measure(Target target) throws TargetError {
        Path dir = TargetFiles.realPath(target.name(), "no such directory");
        // statx, not Files.isDirectory: a dead FUSE mount (ENOTCONN) or a stale NFS handle must say so.
        if (!TargetFiles.statx(dir.toString()).isDirectory()) {
            throw new TargetError(target.name() + " is not a directory (use --file for files)");
        }
        Path scratch = null;
        try {
            scratch = Files.createTempFile(dir, SCRATCH_PREFIX, ".probe");
            // The probe child is stopped with SIGTERM when it misses its deadline: its exit removes this.
            scratch.toFile().deleteOnExit();
            writeScratch(scratch);
            Measurement m = new FileTarget().measure(target, scratch.toString());
            TargetFacts facts =
                    m.facts() != null && m.problem() == null ? withWriteProbes(m.facts(), dir, scratch) : m.facts();
            return new Measurement(target, scratch.toString(), m.filesystem(), m.device(), facts, m.problem());
        } catch (IOException e) {
            throw new TargetError(
                    "cannot create a temporary file in " + target.name() + ": " + TargetFiles.ioReason(e));
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
            return WriteAlignmentProbe.run(
                    file.toString(), ReadProbes.statxDioAlign(Statx.of(file.toString())), SCRATCH_FILL);
        } catch (NativeError e) {
            return null;
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
}
