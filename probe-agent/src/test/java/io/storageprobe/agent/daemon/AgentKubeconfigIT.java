package io.storageprobe.agent.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shipped jar's agent given a kubeconfig that logs in a way it does not support (an exec
 * plugin, as cloud providers' kubeconfigs do): one line naming what is refused and exit 3, before
 * it serves anything, never a stack trace.
 */
class AgentKubeconfigIT {
    @Test
    void aKubeconfigWithAnExecPluginIsRefusedInOneLine(@TempDir Path dir) throws Exception {
        Path kubeconfig = Files.writeString(dir.resolve("config"), """
                apiVersion: v1
                kind: Config
                current-context: cloud
                contexts:
                - name: cloud
                  context: {cluster: cloud, user: cloud}
                clusters:
                - name: cloud
                  cluster: {server: "https://127.0.0.1:1"}
                users:
                - name: cloud
                  user:
                    exec: {apiVersion: client.authentication.k8s.io/v1beta1, command: aws, args: [eks, get-token]}
                """);
        ProcessBuilder pb = new ProcessBuilder(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar",
                Path.of("target/storageprobe.jar").toAbsolutePath().toString(),
                "agent",
                "--probe",
                "p",
                "--node",
                "n",
                "--metrics-port",
                "0"));
        pb.environment().keySet().removeIf(k -> k.startsWith("KUBERNETES_"));
        pb.environment().remove("JAVA_TOOL_OPTIONS"); // the JVM would say it picked them up, on stderr
        pb.environment().put("KUBECONFIG", kubeconfig.toString());
        Path err = dir.resolve("err.txt");
        Process agent = pb.redirectOutput(dir.resolve("out.txt").toFile())
                .redirectError(err.toFile())
                .start();
        if (!agent.waitFor(60, TimeUnit.SECONDS)) {
            agent.destroyForcibly();
            throw new AssertionError("the agent did not exit within 60 s");
        }
        assertThat(agent.exitValue()).isEqualTo(AgentCommand.FAILED);
        assertThat(Files.readString(err, StandardCharsets.UTF_8))
                .isEqualTo(
                        "storageprobe agent: kubeconfig " + kubeconfig
                                + ": the user's exec is not supported by the agent (only token, or client-certificate and client-key)\n");
    }
}
