package io.storageprobe.agent.access;

import io.storageprobe.agent.nativeio.DirectFile;
import io.storageprobe.agent.nativeio.Errno;
import io.storageprobe.agent.nativeio.NativeError;
import io.storageprobe.agent.nativeio.Statx;
import io.storageprobe.agent.target.Measurement;
import io.storageprobe.agent.target.Target;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** An existing regular file of at least 8 KiB, opened read-only with O_DIRECT; it is never written. */
final class FileTarget implements TargetAccess {
    @Override
    public Measurement measure(Target target) throws TargetError {
        return measure(target, target.name());
    }

    Measurement measure(Target target, String path) throws TargetError {
        Path real = TargetFiles.realPath(path, "no such file");
        Statx stat = TargetFiles.statx(real.toString());
        if (stat.isDirectory()) {
            throw new TargetError(path + " is a directory (use --path for directories)");
        }
        if (!stat.isRegularFile()) {
            throw new TargetError(path + " is not a regular file");
        }
        long size = TargetFiles.size(real);
        if (size < ReadProbes.MIN_FILE_BYTES) {
            throw new TargetError(
                    path + " holds " + size + " bytes; the probes read its first " + ReadProbes.MIN_FILE_BYTES);
        }
        try (DirectFile file = openForFilesystem(path)) {
            String filesystem = Filesystems.name(file.filesystemMagic());
            BlockQueue limits =
                    BlockQueue.ofDev(stat.devMajor(), stat.devMinor()).orElse(new BlockQueue(null, null, null, null));
            Measurement probed = ReadProbes.run(target, path, filesystem, limits, stat, file);
            // QEMU takes a raw image's size from the file: image-size-alignment judges it.
            Measurement m = probed.facts() == null
                    ? probed
                    : new Measurement(
                            probed.target(),
                            probed.path(),
                            probed.filesystem(),
                            probed.device(),
                            probed.facts().withImageBytes(size),
                            probed.problem());
            if (Filesystems.hasNoDirectIo(filesystem)) {
                return new Measurement(
                        target,
                        path,
                        filesystem,
                        m.device(),
                        m.facts(),
                        new Measurement.Problem(
                                Measurement.Problem.Kind.UNSUPPORTED,
                                filesystem + " has no direct I/O: it accepts O_DIRECT but serves reads from memory"));
            }
            return m;
        } catch (UnsupportedDirectIo e) {
            return new Measurement(
                    target,
                    path,
                    e.filesystem,
                    null,
                    null,
                    new Measurement.Problem(Measurement.Problem.Kind.UNSUPPORTED, e.getMessage()));
        }
    }

    /** Like {@link TargetFiles#open} but tells a filesystem that refuses O_DIRECT (EINVAL at open) apart. */
    private static DirectFile openForFilesystem(String path) throws TargetError, UnsupportedDirectIo {
        try {
            return DirectFile.open(path);
        } catch (NativeError e) {
            if (e.errno() == Errno.EINVAL) {
                throw new UnsupportedDirectIo(path);
            }
            throw new TargetError(TargetFiles.openFailure(path, e.errno()));
        }
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
