package io.storageprobe.operator;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The operator process without a reachable cluster: one line saying what it could not reach. */
class OperatorMainTest {
    @Test
    void noApiServerIsOneLineAndExitCode1(@TempDir Path home) throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        ProcessBuilder builder = new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                OperatorMain.class.getName());
        builder.environment().put("HOME", home.toString());
        builder.environment().put("KUBECONFIG", home.resolve("none").toString());
        builder.environment().put("KUBERNETES_MASTER", "https://127.0.0.1:" + closedPort);
        builder.environment().remove("KUBERNETES_SERVICE_HOST");
        builder.environment().put("KUBERNETES_REQUEST_RETRY_BACKOFFLIMIT", "0"); // fail fast: the message is the point
        builder.redirectOutput(home.resolve("out").toFile())
                .redirectError(home.resolve("err").toFile());
        Process p = builder.start();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        String err = Files.readString(home.resolve("err"), StandardCharsets.UTF_8);
        assertThat(p.exitValue()).isEqualTo(1);
        assertThat(err)
                .startsWith("storageprobe-operator: cannot reach the Kubernetes API at https://127.0.0.1:" + closedPort
                        + "/: ")
                .contains("ConnectException")
                .doesNotContain("\tat ")
                .hasLineCount(1);
    }
}
