package io.storageprobe.agent.kube;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Which API server the agent finds, and the kubeconfigs it refuses. Kubeconfigs with certificates
 * and tokens are used against a real API server in KubeApiRealIT (operator module).
 */
class ClusterConfigTest {
    private static final String HEAD = """
            apiVersion: v1
            kind: Config
            current-context: c
            contexts:
            - name: c
              context: {cluster: k, user: u}
            clusters:
            - name: k
              cluster: {server: "http://127.0.0.1:1"}
            users:
            - name: u
            """;

    @Test
    void anExecPluginIsRefusedByName(@TempDir Path dir) throws Exception {
        Path kubeconfig = Files.writeString(dir.resolve("config"), HEAD + """
                  user:
                    exec: {apiVersion: client.authentication.k8s.io/v1, command: aws-iam-authenticator}
                """);
        assertThatThrownBy(() -> ClusterConfig.resolve(Map.of("KUBECONFIG", kubeconfig.toString()), dir))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("kubeconfig " + kubeconfig + ": the user's exec is not supported by the agent"
                        + " (only token, or client-certificate and client-key)");
    }

    @Test
    void aUserWithoutCredentialsIsRefused(@TempDir Path dir) throws Exception {
        Path kubeconfig = Files.writeString(dir.resolve("config"), HEAD + "  user: {}\n");
        assertThatThrownBy(() -> ClusterConfig.resolve(Map.of("KUBECONFIG", kubeconfig.toString()), dir))
                .hasMessage("kubeconfig " + kubeconfig + ": the user has neither a token nor a client certificate");
    }

    @Test
    void aMissingContextIsNamed(@TempDir Path dir) throws Exception {
        Path kubeconfig = Files.writeString(
                dir.resolve("config"),
                HEAD.replace("current-context: c", "current-context: other") + "  user: {token: t}\n");
        assertThatThrownBy(() -> ClusterConfig.resolve(Map.of("KUBECONFIG", kubeconfig.toString()), dir))
                .hasMessage("kubeconfig " + kubeconfig + ": no context named \"other\" in contexts");
    }

    @Test
    void aTokenKubeconfigGivesItsServerAndToken(@TempDir Path dir) throws Exception {
        Path kubeconfig = Files.writeString(dir.resolve("config"), HEAD + "  user: {token: t-1}\n");
        ApiEndpoint endpoint = ClusterConfig.resolve(Map.of("KUBECONFIG", kubeconfig.toString()), dir);
        assertThat(endpoint.server()).hasToString("http://127.0.0.1:1");
        assertThat(endpoint.token().current()).isEqualTo("t-1");
    }

    @Test
    void inItsPodTheServiceAccountsTokenFileIsUsed(@TempDir Path dir) throws Exception {
        Files.copy(Path.of(getClass().getResource("/kube/ca.crt").toURI()), dir.resolve("ca.crt"));
        Files.writeString(dir.resolve("token"), "pod-token\n");
        ApiEndpoint endpoint = ClusterConfig.resolve(
                Map.of(
                        "KUBERNETES_SERVICE_HOST",
                        "10.96.0.1",
                        "KUBERNETES_SERVICE_PORT",
                        "443",
                        "HOME",
                        dir.toString()),
                dir);
        assertThat(endpoint.server()).hasToString("https://10.96.0.1:443");
        assertThat(endpoint.token().current()).isEqualTo("pod-token");
    }

    @Test
    void withNothingConfiguredItSaysWhatItLookedFor(@TempDir Path dir) {
        assertThatThrownBy(() -> ClusterConfig.resolve(Map.of("HOME", dir.toString()), dir))
                .hasMessageStartingWith("no Kubernetes API server configured");
    }
}
