package io.storageprobe.agent.nativeio;

import com.sun.jna.Pointer;
import com.sun.jna.ptr.PointerByReference;

/**
 * Native memory from posix_memalign whose base is page aligned, so that {@link #at(long)} hands
 * out addresses whose alignment is exactly known: base + 512 is 512-aligned but not 1024-aligned.
 */
public final class AlignedBuffer implements AutoCloseable {
    private final Pointer base;
    private final long size;

    public AlignedBuffer(long size) {
        PointerByReference ref = new PointerByReference();
        int err = LibC.posix_memalign(ref, Abi.PAGE, size);
        if (err != 0) {
            throw new IllegalStateException(
                    "posix_memalign(" + Abi.PAGE + ", " + size + ") failed: " + Errno.name(err));
        }
        this.base = ref.getValue();
        this.size = size;
        if (Pointer.nativeValue(base) % Abi.PAGE != 0) {
            throw new IllegalStateException("posix_memalign returned an unaligned address");
        }
    }

    /** The address {@code offset} bytes past the page-aligned base. */
    public Pointer at(long offset) {
        if (offset < 0 || offset >= size) {
            throw new IndexOutOfBoundsException("offset " + offset + " outside a buffer of " + size + " bytes");
        }
        return base.share(offset);
    }

    /** Sets every byte to {@code value}, e.g. to what a scratch file holds before writing it back. */
    public AlignedBuffer fill(byte value) {
        base.setMemory(0, size, value);
        return this;
    }

    public long size() {
        return size;
    }

    @Override
    public void close() {
        LibC.free(base);
    }
}
