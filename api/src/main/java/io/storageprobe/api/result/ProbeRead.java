package io.storageprobe.api.result;

/**
 * One O_DIRECT pread made by an alignment probe.
 *
 * @param length       bytes asked for
 * @param bufferOffset offset of the user buffer from a 4096-aligned address
 * @param result       {@code OK}, or the errno name of the failure (e.g. {@code EINVAL}, {@code EIO})
 */
public record ProbeRead(int length, int bufferOffset, String result) {
    public static final String OK = "OK";

    public boolean ok() {
        return OK.equals(result);
    }
}
