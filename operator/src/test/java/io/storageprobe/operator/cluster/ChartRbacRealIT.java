package io.storageprobe.operator.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.fabric8.kubernetes.api.model.apps.DaemonSetBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.storageprobe.api.v1alpha1.StorageProbe;
import io.storageprobe.api.v1alpha1.StorageProbeResult;
import io.storageprobe.api.v1alpha1.StorageProbeSpec;
import io.storageprobe.operator.e2e.LinuxNodes;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The chart's RBAC refuses what is outside each program's job (the other direction, everything
 * inside it being allowed, is checked on the operator and agents at work in
 * OperatorOnRealClusterRealIT): asked of the real API server with the ServiceAccounts' tokens.
 */
@ExtendWith(RealApiServer.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ChartRbacRealIT {
    private final TestCluster cluster;
    private final ChartInstall chart;
    private KubernetesClient operator;
    private KubernetesClient agent;

    ChartRbacRealIT(TestCluster cluster, ChartInstall chart) {
        this.cluster = cluster;
        this.chart = chart;
    }

    @BeforeAll
    void clients() {
        operator = cluster.clientWithToken(cluster.token(chart.namespace(), chart.operatorServiceAccount()));
        agent = cluster.clientWithToken(cluster.token(chart.namespace(), chart.agentServiceAccount()));
        cluster.admin().nodes().resource(LinuxNodes.named("rbac-node").build()).create();
        StorageProbe probe = new StorageProbe();
        probe.getMetadata().setName("rbac-probe");
        probe.setSpec(new StorageProbeSpec(null, null, null, null, "1h", null, null, null));
        cluster.admin().resource(probe).create();
    }

    @AfterAll
    void close() {
        operator.close();
        agent.close();
    }

    @Test
    void theAgentCannotPatchNodes() {
        assertForbidden(() -> agent.nodes()
                .withName("rbac-node")
                .patch(PatchContext.of(PatchType.JSON_MERGE), "{\"metadata\":{\"labels\":{\"x\":\"y\"}}}"));
    }

    @Test
    void theAgentCannotReadNodes() {
        assertForbidden(() -> agent.nodes().withName("rbac-node").get());
    }

    @Test
    void theAgentCannotDeleteStorageProbes() {
        assertForbidden(
                () -> agent.resources(StorageProbe.class).withName("rbac-probe").delete());
    }

    @Test
    void theAgentCannotListOrDeleteResults() {
        assertForbidden(() -> agent.resources(StorageProbeResult.class).list());
        assertForbidden(() -> agent.resources(StorageProbeResult.class)
                .withName("rbac-probe.other-node")
                .delete());
    }

    @Test
    void theOperatorCannotReadSecrets() {
        assertForbidden(() -> operator.secrets().inNamespace(chart.namespace()).list());
        assertForbidden(() ->
                operator.secrets().inNamespace("kube-system").withName("any").get());
    }

    @Test
    void theOperatorCannotCreateDaemonSetsOutsideItsNamespace() {
        assertForbidden(() -> operator.apps()
                .daemonSets()
                .inNamespace("default")
                .resource(new DaemonSetBuilder()
                        .withNewMetadata()
                        .withName("elsewhere")
                        .endMetadata()
                        .build())
                .create());
    }

    @Test
    void theOperatorCannotDeleteNodesNorCreateStorageProbes() {
        assertForbidden(() -> operator.nodes().withName("rbac-node").delete());
        StorageProbe probe = new StorageProbe();
        probe.getMetadata().setName("made-by-operator");
        assertForbidden(() -> operator.resource(probe).create());
    }

    private static void assertForbidden(ThrowingCallable call) {
        KubernetesClientException e = catchThrowableOfType(KubernetesClientException.class, call);
        assertThat(e).as("the call was allowed").isNotNull();
        assertThat(e.getCode()).as(e.getMessage()).isEqualTo(403);
    }
}
