package io.storageprobe.agent.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.storageprobe.agent.cli.CheckCommand;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * One run of {@code storageprobe check} in this JVM, as a user meets it.
 *
 * @param code the exit code
 * @param out  what it printed on standard output
 * @param err  what it printed on standard error
 */
public record CheckRun(int code, String out, String err) {
    public static CheckRun of(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = new CheckCommand(
                        new PrintStream(out, true, StandardCharsets.UTF_8),
                        new PrintStream(err, true, StandardCharsets.UTF_8))
                .run(args);
        return new CheckRun(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    /** Standard output read as the JSON of {@code --output json}. */
    public JsonNode json() throws IOException {
        return new ObjectMapper().readTree(out);
    }

    /** The outcome of rule {@code name} in one target of that JSON; fails the test when it is missing. */
    public static JsonNode rule(JsonNode target, String name) {
        for (JsonNode r : target.at("/rules")) {
            if (r.at("/rule").asText().equals(name)) {
                return r;
            }
        }
        throw new AssertionError(name + " missing in " + target);
    }
}
