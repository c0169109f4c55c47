package io.storageprobe.agent.nativeio;

import com.sun.jna.LastErrorException;
import com.sun.jna.Memory;

/** The few statx fields the probes need. */
public record Statx(
        int mask,
        int mode,
        int devMajor,
        int devMinor,
        int dioMemAlign,
        int dioOffsetAlign,
        int dioReadOffsetAlign,
        long ino,
        int rdevMajor,
        int rdevMinor) {
    private static final int S_IFMT = 0170000, S_IFBLK = 0060000, S_IFREG = 0100000, S_IFDIR = 0040000;

    public static Statx of(String path) {
        try (Memory buf = new Memory(Abi.STATX_SIZE)) {
            buf.clear();
            LibC.statx(Abi.AT_FDCWD, path, 0, Abi.STATX_DIOALIGN | Abi.STATX_DIO_READ_ALIGN, buf);
            return new Statx(
                    buf.getInt(Abi.STX_MASK),
                    buf.getShort(Abi.STX_MODE) & 0xFFFF,
                    buf.getInt(Abi.STX_DEV_MAJOR),
                    buf.getInt(Abi.STX_DEV_MINOR),
                    buf.getInt(Abi.STX_DIO_MEM_ALIGN),
                    buf.getInt(Abi.STX_DIO_OFFSET_ALIGN),
                    buf.getInt(Abi.STX_DIO_READ_OFFSET_ALIGN),
                    buf.getLong(Abi.STX_INO),
                    buf.getInt(Abi.STX_RDEV_MAJOR),
                    buf.getInt(Abi.STX_RDEV_MINOR));
        } catch (LastErrorException e) {
            throw new NativeError("statx", e.getErrorCode());
        }
    }

    /** True when the kernel and filesystem filled in stx_dio_mem_align and stx_dio_offset_align. */
    public boolean hasDioAlign() {
        return (mask & Abi.STATX_DIOALIGN) != 0 && dioMemAlign != 0;
    }

    public boolean hasDioReadAlign() {
        return (mask & Abi.STATX_DIO_READ_ALIGN) != 0 && dioReadOffsetAlign != 0;
    }

    public boolean isBlockDevice() {
        return (mode & S_IFMT) == S_IFBLK;
    }

    public boolean isDirectory() {
        return (mode & S_IFMT) == S_IFDIR;
    }

    public boolean isRegularFile() {
        return (mode & S_IFMT) == S_IFREG;
    }
}
