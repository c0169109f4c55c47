package io.storageprobe.operator.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodSpecBuilder;
import io.fabric8.kubernetes.api.model.apps.DaemonSetBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBindingBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The test node is a real one: Pods scheduled onto it run in containerd, a DaemonSet's Pod runs on
 * it, and a Pod reaches the API server the way every in-cluster client does, through the
 * {@code kubernetes} Service that kube-proxy routes, authenticated by its ServiceAccount token.
 */
@ExtendWith(RealApiServer.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class NodeRealIT {
    private static final String NS = "node-it";
    /** A guard against a hung node, not a timing assertion. */
    private static final long WAIT_MINUTES = 3;

    private final TestCluster cluster;
    private final TestNode node;
    private final KubernetesClient admin;

    NodeRealIT(TestCluster cluster, TestNode node) {
        this.cluster = cluster;
        this.node = node;
        this.admin = cluster.admin();
    }

    @BeforeAll
    void namespace() {
        admin.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(NS).endMetadata().build()).create();
    }

    @AfterAll
    void removeNamespace() {
        admin.namespaces().withName(NS).delete();
    }

    @Test
    void aPodScheduledOntoTheNodeRuns() {
        Pod pod = admin.pods().inNamespace(NS).resource(pod("sleeper", "sleep 3600", "Always")).create();

        Pod running = admin.pods().inNamespace(NS).withName(pod.getMetadata().getName())
                .waitUntilCondition(p -> "Running".equals(p.getStatus().getPhase()), WAIT_MINUTES, TimeUnit.MINUTES);

        assertThat(running.getSpec().getNodeName()).isEqualTo(TestNode.NAME);
        assertThat(running.getStatus().getHostIP()).isEqualTo(TestNode.IP);
        assertThat(running.getStatus().getPodIP()).startsWith(TestNode.POD_CIDR_PREFIX);
        assertThat(running.getStatus().getContainerStatuses()).singleElement()
                .satisfies(c -> assertThat(c.getReady()).isTrue())
                .satisfies(c -> assertThat(c.getImage()).isEqualTo(TestNode.BUSYBOX));
    }

    @Test
    void aDaemonSetPodRunsOnTheNode() {
        Map<String, String> labels = Map.of("app", "node-it-ds");
        admin.apps().daemonSets().inNamespace(NS).resource(new DaemonSetBuilder()
                .withNewMetadata().withName("node-it-ds").endMetadata()
                .withNewSpec()
                .withNewSelector().withMatchLabels(labels).endSelector()
                .withNewTemplate().withNewMetadata().withLabels(labels).endMetadata()
                .withSpec(spec("sleep 3600", "Always")).endTemplate()
                .endSpec().build()).create();

        admin.apps().daemonSets().inNamespace(NS).withName("node-it-ds")
                .waitUntilCondition(ds -> ds.getStatus() != null && Integer.valueOf(1).equals(ds.getStatus().getNumberReady()),
                        WAIT_MINUTES, TimeUnit.MINUTES);

        List<Pod> pods = admin.pods().inNamespace(NS).withLabels(labels).list().getItems();
        assertThat(pods).singleElement().satisfies(p -> {
            assertThat(p.getStatus().getPhase()).isEqualTo("Running");
            assertThat(p.getSpec().getNodeName()).isEqualTo(TestNode.NAME);
        });
    }

    @Test
    void aPodReachesTheApiServerThroughTheKubernetesService() {
        // The Pod's ServiceAccount may read Pods here, and asks for its own, as an in-cluster client does.
        admin.rbac().roles().inNamespace(NS).resource(new RoleBuilder().withNewMetadata().withName("pod-reader").endMetadata()
                .addNewRule().withApiGroups("").withResources("pods").withVerbs("get").endRule().build()).create();
        admin.rbac().roleBindings().inNamespace(NS).resource(new RoleBindingBuilder()
                .withNewMetadata().withName("pod-reader").endMetadata()
                .withNewRoleRef().withApiGroup("rbac.authorization.k8s.io").withKind("Role").withName("pod-reader").endRoleRef()
                .addNewSubject().withKind("ServiceAccount").withName("default").withNamespace(NS).endSubject()
                .build()).create();
        String script = "set -e; echo \"$KUBERNETES_SERVICE_HOST:$KUBERNETES_SERVICE_PORT\";"
                + " token=$(cat /var/run/secrets/kubernetes.io/serviceaccount/token);"
                + " wget -q -O /tmp/pod --no-check-certificate --header \"Authorization: Bearer $token\""
                + " \"https://$KUBERNETES_SERVICE_HOST:$KUBERNETES_SERVICE_PORT/api/v1/namespaces/" + NS + "/pods/$HOSTNAME\";"
                + " grep -q '\"name\":\"api-client\"' /tmp/pod";
        int auditMark = cluster.auditLog().size();

        admin.pods().inNamespace(NS).resource(pod("api-client", script, "Never")).create();
        Pod done = admin.pods().inNamespace(NS).withName("api-client")
                .waitUntilCondition(p -> List.of("Succeeded", "Failed").contains(p.getStatus().getPhase()),
                        WAIT_MINUTES, TimeUnit.MINUTES);

        assertThat(done.getStatus().getPhase()).as("the Pod's wget of its own Pod through 10.0.0.1:443 (its log: %s)",
                node.containerLogs(NS, "api-client")).isEqualTo("Succeeded");
        assertThat(done.getSpec().getContainers().get(0).getEnv()).isEmpty(); // the Service's address came from kubelet
        AuditLog byPod = cluster.auditLog().since(auditMark).by("system:serviceaccount:" + NS + ":default");
        assertThat(byPod.entries()).anySatisfy(e -> {
            assertThat(e.verb()).isEqualTo("get");
            assertThat(e.name()).isEqualTo("api-client");
            assertThat(e.code()).isEqualTo(200);
        });
    }

    private static Pod pod(String name, String script, String restartPolicy) {
        return new PodBuilder().withNewMetadata().withName(name).endMetadata().withSpec(spec(script, restartPolicy)).build();
    }

    /** The node has only the images test-cluster/build.sh made: never pull. */
    private static PodSpec spec(String script, String restartPolicy) {
        return new PodSpecBuilder().withRestartPolicy(restartPolicy).withTerminationGracePeriodSeconds(0L)
                .addNewContainer().withName("main").withImage(TestNode.BUSYBOX).withImagePullPolicy("Never")
                .withArgs("-c", script).endContainer().build();
    }
}
