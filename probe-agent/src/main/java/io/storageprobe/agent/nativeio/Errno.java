package io.storageprobe.agent.nativeio;

import java.util.Map;

/** Names for the errno values a probe can meet (include/uapi/asm-generic/errno-base.h, errno.h). */
public final class Errno {
    public static final int EPERM = 1,
            ENOENT = 2,
            EIO = 5,
            ENXIO = 6,
            EBADF = 9,
            ENOMEM = 12,
            EACCES = 13,
            EFAULT = 14,
            ENOTBLK = 15,
            EBUSY = 16,
            EXDEV = 18,
            ENODEV = 19,
            EISDIR = 21,
            EINVAL = 22,
            ENOSPC = 28,
            EROFS = 30,
            ENOSYS = 38,
            EOPNOTSUPP = 95,
            ENOTCONN = 107,
            ETIMEDOUT = 110,
            ESTALE = 116,
            ENOMEDIUM = 123;

    private static final Map<Integer, String> NAMES = Map.ofEntries(
            Map.entry(EPERM, "EPERM"),
            Map.entry(ENOENT, "ENOENT"),
            Map.entry(EIO, "EIO"),
            Map.entry(ENXIO, "ENXIO"),
            Map.entry(EBADF, "EBADF"),
            Map.entry(ENOMEM, "ENOMEM"),
            Map.entry(EACCES, "EACCES"),
            Map.entry(EFAULT, "EFAULT"),
            Map.entry(ENOTBLK, "ENOTBLK"),
            Map.entry(EBUSY, "EBUSY"),
            Map.entry(EXDEV, "EXDEV"),
            Map.entry(ENODEV, "ENODEV"),
            Map.entry(EISDIR, "EISDIR"),
            Map.entry(EINVAL, "EINVAL"),
            Map.entry(ENOSPC, "ENOSPC"),
            Map.entry(EROFS, "EROFS"),
            Map.entry(ENOSYS, "ENOSYS"),
            Map.entry(EOPNOTSUPP, "EOPNOTSUPP"),
            Map.entry(ENOTCONN, "ENOTCONN"),
            Map.entry(ETIMEDOUT, "ETIMEDOUT"),
            Map.entry(ESTALE, "ESTALE"),
            Map.entry(ENOMEDIUM, "ENOMEDIUM"));

    private Errno() {}

    public static String name(int errno) {
        return NAMES.getOrDefault(errno, "errno " + errno);
    }

    /** The name and what it says, e.g. "ENOTCONN (Transport endpoint is not connected)": for messages about paths. */
    public static String describe(int errno) {
        return name(errno) + " (" + LibC.strerror(errno) + ")";
    }
}
