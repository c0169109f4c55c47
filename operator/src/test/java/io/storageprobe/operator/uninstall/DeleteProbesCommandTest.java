package io.storageprobe.operator.uninstall;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The hook command's arguments: durations as the chart writes them; bad ones are one clear line and exit 2. */
class DeleteProbesCommandTest {
    @Test
    void timeoutDefaultsUnderHelmsFiveMinutesAndTakesSecondsMinutesOrIso() {
        assertThat(DeleteProbesCommand.timeout(new String[0])).isEqualTo(Duration.ofSeconds(240));
        assertThat(DeleteProbesCommand.timeout(new String[] {"--timeout", "600s"}))
                .isEqualTo(Duration.ofMinutes(10));
        assertThat(DeleteProbesCommand.timeout(new String[] {"--timeout", "2m"}))
                .isEqualTo(Duration.ofMinutes(2));
        assertThat(DeleteProbesCommand.timeout(new String[] {"--timeout", "PT30S"}))
                .isEqualTo(Duration.ofSeconds(30));
    }

    @Test
    void badArgumentsAreNamed() {
        assertThatThrownBy(() -> DeleteProbesCommand.timeout(new String[] {"--timeout", "soon"}))
                .hasMessage("--timeout 'soon' is not a duration (e.g. 240s, 5m)");
        assertThatThrownBy(() -> DeleteProbesCommand.timeout(new String[] {"--timeout", "0s"}))
                .hasMessage("--timeout must be positive, got '0s'");
        assertThatThrownBy(() -> DeleteProbesCommand.timeout(new String[] {"--timeout"}))
                .hasMessage("--timeout needs a value");
        assertThatThrownBy(() -> DeleteProbesCommand.timeout(new String[] {"--all"}))
                .hasMessage("unknown argument '--all'");
    }

    @Test
    void badArgumentsExit2WithUsageAndNoStackTraceBeforeAnyApiCall() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = DeleteProbesCommand.run(
                new String[] {"--timeout", "soon"},
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        assertThat(code).isEqualTo(2);
        assertThat(out.toString(StandardCharsets.UTF_8)).isEmpty();
        assertThat(err.toString(StandardCharsets.UTF_8))
                .isEqualTo("storageprobe-operator delete-probes: --timeout 'soon' is not a duration (e.g. 240s, 5m)\n"
                        + "usage: storageprobe operator delete-probes [--timeout DURATION]   (e.g. 240s, 5m)\n");
    }
}
