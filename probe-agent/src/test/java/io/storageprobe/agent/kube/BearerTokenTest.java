package io.storageprobe.agent.kube;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The projected token rotates under the agent: it is read again a minute on, or at once after a 401. */
class BearerTokenTest {
    private Instant now = Instant.parse("2026-12-05T10:00:00Z");
    private final Clock clock = new Clock() {
        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    };

    @Test
    void aRotatedTokenIsUsedOnceTheCachedOneIsAMinuteOld(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("token"), "token-1\n");
        BearerToken token = BearerToken.fromFile(file, clock);
        assertThat(token.current()).isEqualTo("token-1");
        Files.writeString(file, "token-2\n"); // the kubelet replaced it
        now = now.plus(Duration.ofSeconds(59));
        assertThat(token.current()).isEqualTo("token-1");
        now = now.plus(Duration.ofSeconds(1));
        assertThat(token.current()).isEqualTo("token-2");
    }

    @Test
    void aRefusedTokenIsReadAgainAtOnce(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("token"), "token-1");
        BearerToken token = BearerToken.fromFile(file, clock);
        assertThat(token.current()).isEqualTo("token-1");
        Files.writeString(file, "token-2");
        token.refused();
        assertThat(token.current()).isEqualTo("token-2");
    }

    @Test
    void aMissingTokenFileSaysWhichFile(@TempDir Path dir) {
        BearerToken token = BearerToken.fromFile(dir.resolve("token"), clock);
        assertThatThrownBy(token::current)
                .isInstanceOf(UncheckedIOException.class)
                .hasMessageContaining("cannot read the API token " + dir.resolve("token"));
    }
}
