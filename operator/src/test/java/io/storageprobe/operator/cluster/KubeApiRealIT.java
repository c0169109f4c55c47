package io.storageprobe.operator.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import io.storageprobe.agent.kube.ApiEndpoint;
import io.storageprobe.agent.kube.ApiException;
import io.storageprobe.agent.kube.ClusterConfig;
import io.storageprobe.agent.kube.KubeApi;
import io.storageprobe.api.v1alpha1.StorageProbe;
import io.storageprobe.api.v1alpha1.StorageProbeResult;
import io.storageprobe.api.v1alpha1.StorageProbeSpec;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agent's own API client (io.storageprobe.agent.kube) against the real API server: the
 * kubeconfig forms it accepts (the test cluster's client certificate data, kubeadm's files with a
 * PKCS#1 key), the in-cluster configuration with a projected token that rotates, and the answers
 * the agent's error handling tells apart (404, 409, 403, 401, no answer).
 */
@ExtendWith(RealApiServer.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class KubeApiRealIT {
    private static final String PROBES = KubeApi.path(StorageProbe.GROUP, StorageProbe.VERSION, "storageprobes", null);
    private static final String RESULTS =
            KubeApi.path(StorageProbe.GROUP, StorageProbe.VERSION, "storageproberesults", null);

    private final TestCluster cluster;
    private final ChartInstall chart;
    private String agentToken;

    KubeApiRealIT(TestCluster cluster, ChartInstall chart) {
        this.cluster = cluster;
        this.chart = chart;
    }

    @BeforeAll
    void probe() {
        StorageProbe probe = new StorageProbe();
        probe.getMetadata().setName("kubeapi-probe");
        probe.setSpec(new StorageProbeSpec(null, null, null, null, "1h", null, null, null));
        cluster.admin().resource(probe).create();
        agentToken = cluster.token(chart.namespace(), chart.agentServiceAccount());
    }

    @AfterAll
    void cleanUp() {
        cluster.admin()
                .resources(StorageProbeResult.class)
                .withName("kubeapi-probe.node-x")
                .delete();
        cluster.admin().resources(StorageProbe.class).withName("kubeapi-probe").delete();
    }

    @Test
    void theTestClustersKubeconfigWithCertificateDataReadsTheProbe() {
        try (KubeApi api = new KubeApi(
                ClusterConfig.resolve(Map.of("KUBECONFIG", cluster.kubeconfig().toString())))) {
            StorageProbe probe = api.get(PROBES + "/kubeapi-probe", StorageProbe.class);
            assertThat(probe.getSpec().interval()).isEqualTo("1h");
            assertThat(probe.getMetadata().getUid()).isNotBlank();
            assertThat(api.get(PROBES + "/no-such-probe", StorageProbe.class)).isNull();
        }
    }

    @Test
    void aKubeadmStyleKubeconfigWithFilesAndAPkcs1KeyWorks(@TempDir Path dir) throws Exception {
        Path pki = cluster.dir().resolve("pki");
        Files.copy(pki.resolve("ca.crt"), dir.resolve("ca.crt"));
        Files.copy(pki.resolve("admin.crt"), dir.resolve("admin.crt"));
        // kubeadm writes "BEGIN RSA PRIVATE KEY"; openssl 3 wrote this one as PKCS#8.
        Command.of(
                        "openssl",
                        "rsa",
                        "-in",
                        pki.resolve("admin.key").toString(),
                        "-traditional",
                        "-out",
                        dir.resolve("admin.key").toString())
                .run(dir, 1, TimeUnit.MINUTES)
                .orThrow();
        assertThat(Files.readString(dir.resolve("admin.key"))).startsWith("-----BEGIN RSA PRIVATE KEY-----");
        Path kubeconfig = Files.writeString(dir.resolve("kubeconfig"), """
                apiVersion: v1
                kind: Config
                clusters:
                - name: kubernetes
                  cluster:
                    certificate-authority: ca.crt
                    server: %s
                contexts:
                - name: kubernetes-admin@kubernetes
                  context: {cluster: kubernetes, user: kubernetes-admin}
                current-context: kubernetes-admin@kubernetes
                users:
                - name: kubernetes-admin
                  user:
                    client-certificate: admin.crt
                    client-key: admin.key
                """.formatted(cluster.url()));
        try (KubeApi api = new KubeApi(ClusterConfig.resolve(Map.of("KUBECONFIG", kubeconfig.toString())))) {
            assertThat(api.get("/api/v1/namespaces/default", JsonNode.class)
                            .path("metadata")
                            .path("name")
                            .asText())
                    .isEqualTo("default");
        }
    }

    @Test
    void inItsPodTheRotatedTokenIsPickedUpAfterTheServerRefusedTheOldOne(@TempDir Path serviceAccount)
            throws Exception {
        Files.copy(cluster.caCert(), serviceAccount.resolve("ca.crt"));
        Path token = Files.writeString(serviceAccount.resolve("token"), "not-a-valid-token\n");
        URI url = URI.create(cluster.url());
        ApiEndpoint endpoint = ClusterConfig.resolve(
                Map.of(
                        "KUBERNETES_SERVICE_HOST",
                        url.getHost(),
                        "KUBERNETES_SERVICE_PORT",
                        String.valueOf(url.getPort()),
                        "HOME",
                        serviceAccount.toString()),
                serviceAccount);
        try (KubeApi api = new KubeApi(endpoint)) {
            ApiException refused = catchThrowableOfType(
                    ApiException.class, () -> api.get(PROBES + "/kubeapi-probe", StorageProbe.class));
            assertThat(refused.code()).isEqualTo(401);
            // The kubelet replaces the token; the next call must use the new one, not the cached one.
            Files.writeString(token, agentToken + "\n");
            assertThat(api.get(PROBES + "/kubeapi-probe", StorageProbe.class)
                            .getMetadata()
                            .getName())
                    .isEqualTo("kubeapi-probe");
        }
    }

    @Test
    void theAgentsTokenCreatesConflictsPatchesAndIsForbiddenTheRest() {
        try (KubeApi api = new KubeApi(ClusterConfig.resolve(Map.of(
                "KUBERNETES_MASTER",
                cluster.url(),
                "KUBERNETES_CERTS_CA_FILE",
                cluster.caCert().toString(),
                "KUBERNETES_AUTH_TOKEN",
                agentToken)))) {
            String uid = cluster.admin()
                    .resources(StorageProbe.class)
                    .withName("kubeapi-probe")
                    .get()
                    .getMetadata()
                    .getUid();
            StorageProbeResult result = new StorageProbeResult();
            result.getMetadata().setName("kubeapi-probe.node-x");
            result.getMetadata().setLabels(Map.of(StorageProbe.PROBE_LABEL, "kubeapi-probe"));
            result.getMetadata()
                    .setOwnerReferences(java.util.List.of(new io.fabric8.kubernetes.api.model.OwnerReferenceBuilder()
                            .withApiVersion(StorageProbe.GROUP + "/" + StorageProbe.VERSION)
                            .withKind("StorageProbe")
                            .withName("kubeapi-probe")
                            .withUid(uid)
                            .build()));
            api.create(RESULTS, result);
            assertThat(catchThrowableOfType(ApiException.class, () -> api.create(RESULTS, result))
                            .code())
                    .isEqualTo(409);
            api.jsonPatch(
                    RESULTS + "/kubeapi-probe.node-x",
                    "[{\"op\":\"add\",\"path\":\"/metadata/annotations\",\"value\":{\"x\":\"y\"}}]");
            assertThat(cluster.admin()
                            .resources(StorageProbeResult.class)
                            .withName("kubeapi-probe.node-x")
                            .get()
                            .getMetadata()
                            .getAnnotations())
                    .containsEntry("x", "y");
            ApiException missing = catchThrowableOfType(
                    ApiException.class,
                    () -> api.jsonPatch(
                            RESULTS + "/kubeapi-probe.node-y",
                            "[{\"op\":\"add\",\"path\":\"/metadata/annotations\",\"value\":{}}]"));
            assertThat(missing.code()).isEqualTo(404);
            // The agent may not read results (charts' agent-rbac.yaml): the server's own words come through.
            ApiException forbidden = catchThrowableOfType(
                    ApiException.class, () -> api.get(RESULTS + "/kubeapi-probe.node-x", JsonNode.class));
            assertThat(forbidden.code()).isEqualTo(403);
            assertThat(forbidden.serverMessage()).contains("forbidden").contains(chart.agentServiceAccount());
        }
    }

    @Test
    void noServerListeningIsNoAnswer() throws IOException {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort(); // closed again: nothing listens there
        }
        try (KubeApi api = new KubeApi(ClusterConfig.resolve(Map.of(
                "KUBERNETES_MASTER",
                "https://127.0.0.1:" + port,
                "KUBERNETES_CERTS_CA_FILE",
                cluster.caCert().toString())))) {
            assertThat(catchThrowableOfType(
                                    ApiException.class, () -> api.get(PROBES + "/kubeapi-probe", StorageProbe.class))
                            .code())
                    .isZero();
        }
    }
}
