package io.storageprobe.agent.nativeio;

import com.sun.jna.LastErrorException;
import com.sun.jna.Native;
import com.sun.jna.Pointer;

/**
 * The agent's own scratch file opened write-only with O_DIRECT, for the write probe. Nothing
 * else may be opened this way: the probes never write to a block device or to a user's file,
 * which is why {@link DirectFile} can only read. The caller guarantees the path is its scratch
 * file and that the bytes written equal what the file already holds.
 */
public final class ScratchWriteFile implements AutoCloseable {
    private final int fd;

    private ScratchWriteFile(int fd) {
        this.fd = fd;
    }

    /** Opens {@code scratch} with O_WRONLY|O_DIRECT|O_CLOEXEC (no O_CREAT: it must exist); throws {@link NativeError}. */
    public static ScratchWriteFile open(String scratch) {
        try {
            return new ScratchWriteFile(LibC.open(scratch, Abi.O_WRONLY | Abi.O_DIRECT | Abi.O_CLOEXEC));
        } catch (LastErrorException e) {
            throw new NativeError("open", e.getErrorCode());
        }
    }

    public DirectFile.Outcome pwrite(Pointer buf, long length, long offset) {
        long result = LibC.pwrite(fd, buf, length, offset);
        return result < 0 ? new DirectFile.Outcome(-1, Native.getLastError()) : new DirectFile.Outcome(result, 0);
    }

    /**
     * Makes {@code clone}, an empty file the caller created, share the extents of {@code scratch}:
     * ioctl(clone, FICLONE, scratch), the source opened for reading as FICLONE demands. Returns 0,
     * or the errno (EOPNOTSUPP, EXDEV or EINVAL where the filesystem has no reflink).
     */
    public static int clone(String scratch, String clone) {
        int source;
        try {
            source = LibC.open(scratch, Abi.O_RDONLY | Abi.O_CLOEXEC);
        } catch (LastErrorException e) {
            return e.getErrorCode();
        }
        try {
            int dest = LibC.open(clone, Abi.O_WRONLY | Abi.O_CLOEXEC);
            try {
                LibC.ioctl(dest, Abi.FICLONE, (long) source);
                return 0;
            } finally {
                closeQuietly(dest);
            }
        } catch (LastErrorException e) {
            return e.getErrorCode();
        } finally {
            closeQuietly(source);
        }
    }

    @Override
    public void close() {
        closeQuietly(fd);
    }

    private static void closeQuietly(int fd) {
        try {
            LibC.close(fd);
        } catch (LastErrorException ignored) {
            // O_DIRECT writes are complete when pwrite returns; the scratch file is deleted next anyway.
        }
    }
}
