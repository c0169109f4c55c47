package io.storageprobe.agent.nativeio;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.jna.Pointer;
import org.junit.jupiter.api.Test;

class AlignedBufferTest {
    @Test
    void offsetsHaveExactlyTheAlignmentAsked() {
        try (AlignedBuffer buffer = new AlignedBuffer(4 * 4096)) {
            assertThat(Pointer.nativeValue(buffer.at(0)) % 4096).isZero();
            long at512 = Pointer.nativeValue(buffer.at(512));
            assertThat(at512 % 512).isZero();
            assertThat(at512 % 1024)
                    .as("+512 must not happen to be 1024-aligned")
                    .isEqualTo(512);
            assertThat(Pointer.nativeValue(buffer.at(0xC00)) % 4096).isEqualTo(0xC00);
            assertThatThrownBy(() -> buffer.at(4 * 4096)).isInstanceOf(IndexOutOfBoundsException.class);
        }
    }

    @Test
    void errnoNamesTheUsualSuspects() {
        assertThat(Errno.name(22)).isEqualTo("EINVAL");
        assertThat(Errno.name(5)).isEqualTo("EIO");
        assertThat(Errno.name(4242)).isEqualTo("errno 4242");
    }
}
