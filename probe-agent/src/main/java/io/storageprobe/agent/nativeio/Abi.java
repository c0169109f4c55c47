package io.storageprobe.agent.nativeio;

import com.sun.jna.Platform;

/**
 * Constants and struct offsets of the Linux user ABI, with the header each comes from. Only
 * x86_64 and arm64 are supported; {@link #check()} says so clearly anywhere else.
 */
public final class Abi {
    /** include/uapi/asm-generic/fcntl.h; arm64 redefines O_DIRECT in arch/arm64/include/uapi/asm/fcntl.h. */
    public static final int O_RDONLY = 0;

    public static final int O_WRONLY = 1;
    public static final int O_CLOEXEC = 02000000;
    public static final int O_DIRECT = Platform.isARM() ? 0200000 : 040000;
    /** include/uapi/linux/fs.h: lseek to the next byte of data at or after the offset. */
    public static final int SEEK_DATA = 3;
    /** include/uapi/asm-generic/errno-base.h: SEEK_DATA past the last data (the rest is a hole). */
    public static final int ENXIO = 6;

    /** include/uapi/linux/fs.h: BLKSSZGET = _IO(0x12,104) logical block size (int). */
    public static final long BLKSSZGET = 0x1268;
    /**
     * fs/xfs/libxfs/xfs_fs.h: XFS_IOC_DIOINFO = _IOR('X', 30, struct dioattr), the struct three
     * u32: d_mem, d_miniosz, d_maxiosz. QEMU defines it itself the same way (file-posix.c).
     */
    public static final long XFS_IOC_DIOINFO = 0x800C581EL;
    /** include/uapi/linux/fs.h: BLKPBSZGET = _IO(0x12,123) physical block size (unsigned int). */
    public static final long BLKPBSZGET = 0x127B;
    /** include/uapi/linux/fs.h: BLKGETSIZE64 = _IOR(0x12,114,size_t) device size in bytes (u64); same on arm64. */
    public static final long BLKGETSIZE64 = 0x80081272L;

    /** include/uapi/linux/fs.h: FICLONE = _IOW(0x94, 9, int); the argument is the source descriptor. */
    public static final long FICLONE = 0x40049409L;

    /** include/linux/fs.h: MNT_DETACH, umount2's lazy unmount: gone from the tree now, freed when unused. */
    public static final int MNT_DETACH = 2;
    /** include/uapi/linux/loop.h: LOOP_CLR_FD detaches a loop device (or marks it autoclear while open). */
    public static final long LOOP_CLR_FD = 0x4C01;

    /** include/uapi/linux/fcntl.h: AT_FDCWD; statx with a relative or absolute path. */
    public static final int AT_FDCWD = -100;
    /** include/uapi/linux/stat.h: STATX_DIOALIGN (Linux 6.1) and STATX_DIO_READ_ALIGN (6.14). */
    public static final int STATX_DIOALIGN = 0x00002000;

    public static final int STATX_DIO_READ_ALIGN = 0x00020000;
    /** include/uapi/linux/stat.h: struct statx is 0x100 bytes; offsets of the fields read. */
    public static final int STATX_SIZE = 0x100;

    public static final int STX_MASK = 0x00;
    public static final int STX_MODE = 0x1C;
    public static final int STX_INO = 0x20;
    /** stx_rdev_*: the device a block special file stands for (what two device nodes share). */
    public static final int STX_RDEV_MAJOR = 0x80;

    public static final int STX_RDEV_MINOR = 0x84;
    public static final int STX_DEV_MAJOR = 0x88;
    public static final int STX_DEV_MINOR = 0x8C;
    public static final int STX_DIO_MEM_ALIGN = 0x98;
    public static final int STX_DIO_OFFSET_ALIGN = 0x9C;
    public static final int STX_DIO_READ_OFFSET_ALIGN = 0xB4;

    /** struct statfs (asm-generic/statfs.h on 64-bit): f_type is the first 8-byte word; 120 bytes in all. */
    public static final int STATFS_SIZE = 120;

    /** include/uapi/linux/uio.h: struct iovec {void *iov_base; size_t iov_len;} on 64-bit. */
    public static final int IOVEC_SIZE = 16;

    public static final int PAGE = 4096;

    private Abi() {}

    /** Fails with a message a user can act on when this is not a Linux the constants were checked for. */
    public static void check() {
        if (!Platform.isLinux() || !Platform.is64Bit() || !(Platform.isIntel() || Platform.isARM())) {
            throw new UnsupportedOperationException("storageprobe runs on 64-bit Linux on x86_64 or arm64; this is "
                    + System.getProperty("os.name") + " on " + System.getProperty("os.arch"));
        }
    }
}
