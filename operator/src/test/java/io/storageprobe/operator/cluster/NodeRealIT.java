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
import io.fabric8.kubernetes.client.KubernetesClientTimeoutException;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
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
    private final KubernetesClient admin;
    private TestNode node;

    NodeRealIT(TestCluster cluster) {
        this.cluster = cluster;
        this.admin = cluster.admin();
    }

    @BeforeAll
    void namespace(TestNode node) {
        this.node = node;
        admin.namespaces()
                .resource(new NamespaceBuilder()
                        .withNewMetadata()
                        .withName(NS)
                        .endMetadata()
                        .build())
                .create();
    }

    /**
     * Gone while the node still runs: its kubelet confirms the Pods' end. Left to the next test
     * class, they would stay Terminating on a node that no longer answers.
     */
    @AfterAll
    void removeNamespace() {
        admin.namespaces().withName(NS).delete();
        admin.namespaces().withName(NS).waitUntilCondition(Objects::isNull, WAIT_MINUTES, TimeUnit.MINUTES);
    }

    @Test
    void aPodScheduledOntoTheNodeRuns() {
        Pod pod = admin.pods()
                .inNamespace(NS)
                .resource(pod("sleeper", "sleep 3600", "Always"))
                .create();

        Pod running = waitFor(
                pod.getMetadata().getName(), p -> "Running".equals(p.getStatus().getPhase()));

        assertThat(running.getSpec().getNodeName()).isEqualTo(TestNode.NAME);
        assertThat(running.getStatus().getHostIP()).isEqualTo(TestNode.IP);
        assertThat(running.getStatus().getPodIP()).startsWith(TestNode.POD_CIDR_PREFIX);
        assertThat(running.getStatus().getContainerStatuses())
                .singleElement()
                .satisfies(c -> assertThat(c.getReady()).isTrue())
                .satisfies(c -> assertThat(c.getImage()).isEqualTo(TestNode.BUSYBOX));
    }

    @Test
    void aDaemonSetPodRunsOnTheNode() {
        Map<String, String> labels = Map.of("app", "node-it-ds");
        admin.apps()
                .daemonSets()
                .inNamespace(NS)
                .resource(new DaemonSetBuilder()
                        .withNewMetadata()
                        .withName("node-it-ds")
                        .endMetadata()
                        .withNewSpec()
                        .withNewSelector()
                        .withMatchLabels(labels)
                        .endSelector()
                        .withNewTemplate()
                        .withNewMetadata()
                        .withLabels(labels)
                        .endMetadata()
                        .withSpec(spec("sleep 3600", "Always"))
                        .endTemplate()
                        .endSpec()
                        .build())
                .create();

        try {
            admin.apps()
                    .daemonSets()
                    .inNamespace(NS)
                    .withName("node-it-ds")
                    .waitUntilCondition(
                            ds -> ds.getStatus() != null
                                    && Integer.valueOf(1).equals(ds.getStatus().getNumberReady()),
                            WAIT_MINUTES,
                            TimeUnit.MINUTES);
        } catch (KubernetesClientTimeoutException e) {
            throw new AssertionError(
                    "the DaemonSet's Pod did not become ready: "
                            + admin.pods().inNamespace(NS).list().getItems() + "\n" + node.diagnostics(),
                    e);
        }

        List<Pod> pods = admin.pods().inNamespace(NS).withLabels(labels).list().getItems();
        assertThat(pods).singleElement().satisfies(p -> {
            assertThat(p.getStatus().getPhase()).isEqualTo("Running");
            assertThat(p.getSpec().getNodeName()).isEqualTo(TestNode.NAME);
        });
    }

    @Test
    void aPodReachesTheApiServerThroughTheKubernetesService() {
        // The Pod's ServiceAccount may read Pods here, and asks for its own, as an in-cluster client does.
        admin.rbac()
                .roles()
                .inNamespace(NS)
                .resource(new RoleBuilder()
                        .withNewMetadata()
                        .withName("pod-reader")
                        .endMetadata()
                        .addNewRule()
                        .withApiGroups("")
                        .withResources("pods")
                        .withVerbs("get")
                        .endRule()
                        .build())
                .create();
        admin.rbac()
                .roleBindings()
                .inNamespace(NS)
                .resource(new RoleBindingBuilder()
                        .withNewMetadata()
                        .withName("pod-reader")
                        .endMetadata()
                        .withNewRoleRef()
                        .withApiGroup("rbac.authorization.k8s.io")
                        .withKind("Role")
                        .withName("pod-reader")
                        .endRoleRef()
                        .addNewSubject()
                        .withKind("ServiceAccount")
                        .withName("default")
                        .withNamespace(NS)
                        .endSubject()
                        .build())
                .create();
        // Retried like any in-cluster client: the RoleBinding reaches the authorizer's cache a moment after it is made.
        String script = "echo \"$KUBERNETES_SERVICE_HOST:$KUBERNETES_SERVICE_PORT\";"
                + " token=$(cat /var/run/secrets/kubernetes.io/serviceaccount/token);"
                + " for i in 1 2 3 4 5 6 7 8 9 10; do"
                + "  out=$(wget -O- --no-check-certificate --header \"Authorization: Bearer $token\""
                + "   \"https://$KUBERNETES_SERVICE_HOST:$KUBERNETES_SERVICE_PORT/api/v1/namespaces/" + NS
                + "/pods/api-client\" 2>&1);"
                // kube-apiserver pretty-prints JSON for clients other than kubectl: both forms.
                + "  case \"$out\" in *'\"name\": \"api-client\"'*|*'\"name\":\"api-client\"'*) echo read itself; exit 0;; esac;"
                + "  echo \"$out\"; sleep 1;"
                + " done; exit 1";
        int auditMark = cluster.auditLog().size();

        admin.pods()
                .inNamespace(NS)
                .resource(pod("api-client", script, "Never"))
                .create();
        Pod done = waitFor(
                "api-client",
                p -> List.of("Succeeded", "Failed").contains(p.getStatus().getPhase()));

        assertThat(done.getStatus().getPhase())
                .as(
                        "the Pod's wget of its own Pod through 10.0.0.1:443 (its log: %s)",
                        node.containerLogs(NS, "api-client"))
                .isEqualTo("Succeeded");
        assertThat(done.getSpec().getContainers().get(0).getEnv()).isEmpty(); // the Service's address came from kubelet
        AuditLog byPod = cluster.auditLog().since(auditMark).by("system:serviceaccount:" + NS + ":default");
        assertThat(byPod.entries()).anySatisfy(e -> {
            assertThat(e.verb()).isEqualTo("get");
            assertThat(e.name()).isEqualTo("api-client");
            assertThat(e.code()).isEqualTo(200);
        });
    }

    private Pod waitFor(String name, Predicate<Pod> condition) {
        try {
            return admin.pods()
                    .inNamespace(NS)
                    .withName(name)
                    .waitUntilCondition(condition, WAIT_MINUTES, TimeUnit.MINUTES);
        } catch (KubernetesClientTimeoutException e) {
            throw new AssertionError(
                    "Pod " + name + " did not get there: "
                            + admin.pods().inNamespace(NS).withName(name).get() + "\n" + node.diagnostics(),
                    e);
        }
    }

    private static Pod pod(String name, String script, String restartPolicy) {
        return new PodBuilder()
                .withNewMetadata()
                .withName(name)
                .endMetadata()
                .withSpec(spec(script, restartPolicy))
                .build();
    }

    /** The node has only the images test-cluster/build.sh made: never pull. */
    private static PodSpec spec(String script, String restartPolicy) {
        return new PodSpecBuilder()
                .withRestartPolicy(restartPolicy)
                .withTerminationGracePeriodSeconds(0L)
                .addNewContainer()
                .withName("main")
                .withImage(TestNode.BUSYBOX)
                .withImagePullPolicy("Never")
                .withArgs("-c", script)
                .endContainer()
                .build();
    }
}
