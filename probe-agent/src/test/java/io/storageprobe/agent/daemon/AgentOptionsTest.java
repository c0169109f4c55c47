package io.storageprobe.agent.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Flags of {@code storageprobe agent}: defaults from the downward API, bad input as a message. */
class AgentOptionsTest {

    @Test
    void takesTheNodeFromTheDownwardApi() {
        AgentOptions o = AgentOptions.parse(new String[] {"--probe", "vmdisks"}, Map.of("NODE_NAME", "worker-1"));
        assertThat(o).isEqualTo(new AgentOptions("vmdisks", "worker-1", 9402));
    }

    @Test
    void flagsOverrideDefaults() {
        AgentOptions o =
                AgentOptions.parse(new String[] {"--probe", "p", "--node", "n", "--metrics-port", "9500"}, Map.of());
        assertThat(o).isEqualTo(new AgentOptions("p", "n", 9500));
    }

    @Test
    void rejectsBadInputWithAMessage() {
        assertThatThrownBy(() -> AgentOptions.parse(new String[] {}, Map.of("NODE_NAME", "n")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("--probe is required");
        assertThatThrownBy(() -> AgentOptions.parse(new String[] {"--probe", "p"}, Map.of()))
                .hasMessageContaining("NODE_NAME");
        assertThatThrownBy(() -> AgentOptions.parse(
                        new String[] {"--probe", "p", "--metrics-port", "http"}, Map.of("NODE_NAME", "n")))
                .hasMessageContaining("--metrics-port");
        assertThatThrownBy(() -> AgentOptions.parse(new String[] {"--probe"}, Map.of()))
                .hasMessage("--probe needs a value");
        assertThatThrownBy(
                        () -> AgentOptions.parse(new String[] {"--probe", "p", "--verbose"}, Map.of("NODE_NAME", "n")))
                .hasMessage("unknown flag --verbose");
    }

    @Test
    void commandExitsWithUsageAndNoStackTrace() {
        PrintStream err = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            assertThat(AgentCommand.run(new String[] {"--bogus"})).isEqualTo(AgentCommand.USAGE);
        } finally {
            System.setErr(err);
        }
        String text = captured.toString(StandardCharsets.UTF_8);
        assertThat(text).startsWith("storageprobe agent: unknown flag --bogus").contains("Usage: storageprobe agent");
        assertThat(text).doesNotContain("Exception").doesNotContain("\tat ");
    }
}
