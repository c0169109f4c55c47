package io.storageprobe.agent.nativeio;

import com.sun.jna.LastErrorException;
import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.IntByReference;
import com.sun.jna.ptr.LongByReference;
import java.util.List;

/**
 * A file or block device opened read-only with O_DIRECT. The only I/O it can do is read: a
 * probe never writes to what it probes.
 */
public final class DirectFile implements AutoCloseable {
    /** A native call's outcome: bytes transferred, or the errno it failed with. */
    public record Outcome(long bytes, int errno) {
        public boolean ok() {
            return errno == 0;
        }

        public String describe() {
            return ok() ? "OK" : Errno.name(errno);
        }
    }

    private final int fd;

    private DirectFile(int fd) {
        this.fd = fd;
    }

    /** Opens {@code path} with O_RDONLY|O_DIRECT|O_CLOEXEC; throws {@link NativeError} with the errno. */
    public static DirectFile open(String path) {
        try {
            return new DirectFile(LibC.open(path, Abi.O_RDONLY | Abi.O_DIRECT | Abi.O_CLOEXEC));
        } catch (LastErrorException e) {
            throw new NativeError("open", e.getErrorCode());
        }
    }

    public Outcome pread(Pointer buf, long length, long offset) {
        return outcome(LibC.pread(fd, buf, length, offset));
    }

    /** One preadv of the given (address, length) segments at {@code offset}. */
    public Outcome preadv(List<Pointer> bases, List<Integer> lengths, long offset) {
        try (Memory iov = new Memory((long) Abi.IOVEC_SIZE * bases.size())) {
            for (int i = 0; i < bases.size(); i++) {
                iov.setPointer((long) i * Abi.IOVEC_SIZE, bases.get(i));
                iov.setLong((long) i * Abi.IOVEC_SIZE + 8, lengths.get(i));
            }
            return outcome(LibC.preadv(fd, iov, bases.size(), offset));
        }
    }

    private static Outcome outcome(long result) {
        return result < 0 ? new Outcome(-1, Native.getLastError()) : new Outcome(result, 0);
    }

    /**
     * Whether {@code offset} lies in a hole of the file: lseek(SEEK_DATA) finds data only further on,
     * or none (ENXIO). Null where the filesystem cannot say (EINVAL, EOPNOTSUPP).
     */
    public Boolean holeAt(long offset) {
        long data = LibC.lseek(fd, offset, Abi.SEEK_DATA);
        if (data >= 0) {
            return data > offset;
        }
        return Native.getLastError() == Abi.ENXIO ? Boolean.TRUE : null;
    }

    /** An int-valued block device ioctl such as BLKSSZGET, or null when the ioctl fails. */
    public Integer ioctlInt(long request) {
        IntByReference value = new IntByReference();
        try {
            LibC.ioctl(fd, request, value);
            return value.getValue();
        } catch (LastErrorException e) {
            return null;
        }
    }

    /** An ioctl answering a 64-bit value (BLKGETSIZE64), or null when it fails. */
    public Long ioctlLong(long request) {
        LongByReference value = new LongByReference();
        try {
            LibC.ioctl(fd, request, value);
            return value.getValue();
        } catch (LastErrorException e) {
            return null;
        }
    }

    /** XFS_IOC_DIOINFO's d_miniosz (the smallest direct I/O xfs accepts for this file), or null elsewhere. */
    public Integer xfsDioMinIoSize() {
        try (Memory da = new Memory(12)) {
            da.clear();
            LibC.ioctl(fd, Abi.XFS_IOC_DIOINFO, da);
            return da.getInt(4);
        } catch (LastErrorException e) {
            return null;
        }
    }

    /** The filesystem magic number (statfs f_type) of what the descriptor is on. */
    public long filesystemMagic() {
        try (Memory buf = new Memory(Abi.STATFS_SIZE)) {
            buf.clear();
            LibC.fstatfs(fd, buf);
            return buf.getLong(0);
        } catch (LastErrorException e) {
            throw new NativeError("fstatfs", e.getErrorCode());
        }
    }

    @Override
    public void close() {
        try {
            LibC.close(fd);
        } catch (LastErrorException ignored) {
            // Nothing was written through this descriptor, so a failed close loses nothing.
        }
    }
}
