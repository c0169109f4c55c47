package io.storageprobe.agent.nativeio;

import com.sun.jna.LastErrorException;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.IntByReference;
import com.sun.jna.ptr.LongByReference;
import com.sun.jna.ptr.PointerByReference;

/**
 * The few libc calls the probes make, bound directly with JNA. Calls that rarely fail throw
 * {@link LastErrorException}, whose error code is the errno; the reads return -1 instead. size_t, ssize_t and off_t are 64-bit
 * on the supported architectures and are mapped to {@code long}.
 */
public final class LibC {
    static {
        Native.register("c");
    }

    private LibC() {}

    public static native int open(String path, int flags) throws LastErrorException;

    public static native int close(int fd) throws LastErrorException;

    /**
     * Returns -1 on failure with errno in {@link Native#getLastError()}. The probes expect EINVAL
     * most of the time, and a thrown LastErrorException costs ten times the system call itself.
     */
    public static native long pread(int fd, Pointer buf, long count, long offset);

    /** As {@link #pread}; {@code iov} points at {@code iovcnt} struct iovec entries of {@link Abi#IOVEC_SIZE} bytes. */
    public static native long preadv(int fd, Pointer iov, int iovcnt, long offset);

    /** An ioctl filling a struct at {@code buf} (XFS_IOC_DIOINFO). */
    public static native int ioctl(int fd, long request, Pointer buf) throws LastErrorException;

    public static native int getpagesize();

    /** As {@link #pread}: -1 with errno. SEEK_DATA asks where the file's next data is (holes). */
    public static native long lseek(int fd, long offset, int whence);

    /** As {@link #pread}, for the write probe on the agent's own scratch file. */
    public static native long pwrite(int fd, Pointer buf, long count, long offset);

    /** Returns the error number instead of setting errno, as POSIX specifies. */
    public static native int posix_memalign(PointerByReference memptr, long alignment, long size);

    public static native void free(Pointer ptr);

    /** glibc 2.28+ wrapper; on kernels without statx glibc emulates it without the DIO fields. */
    public static native int statx(int dirfd, String path, int flags, int mask, Pointer statxbuf)
            throws LastErrorException;

    public static native int fstatfs(int fd, Pointer buf) throws LastErrorException;

    public static native int ioctl(int fd, long request, IntByReference value) throws LastErrorException;

    /** An ioctl that writes a 64-bit value, such as BLKGETSIZE64. */
    public static native int ioctl(int fd, long request, LongByReference value) throws LastErrorException;

    /** An ioctl whose argument is an integer passed by value, such as FICLONE's source descriptor. */
    public static native int ioctl(int fd, long request, long arg) throws LastErrorException;

    public static native int geteuid();

    /** The C library's text for an errno, e.g. "Transport endpoint is not connected". */
    public static native String strerror(int errno);

    /** Unmounts {@code target}; flags 0 or {@link Abi#MNT_DETACH}. For the scratch devices' cleanup. */
    public static native int umount2(String target, int flags) throws LastErrorException;
}
