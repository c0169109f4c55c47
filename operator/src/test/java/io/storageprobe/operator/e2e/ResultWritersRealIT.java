package io.storageprobe.operator.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.BindingBuilder;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.authentication.TokenRequestBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.storageprobe.agent.daemon.ProbeSettings;
import io.storageprobe.api.result.NodeResult;
import io.storageprobe.api.result.Verdict;
import io.storageprobe.api.v1alpha1.NodeActions;
import io.storageprobe.api.v1alpha1.RefusedResult;
import io.storageprobe.api.v1alpha1.StorageProbe;
import io.storageprobe.api.v1alpha1.StorageProbeResult;
import io.storageprobe.api.v1alpha1.StorageProbeSpec;
import io.storageprobe.api.v1alpha1.StorageProbeStatus;
import io.storageprobe.operator.cluster.AuditLog;
import io.storageprobe.operator.cluster.ChartInstall;
import io.storageprobe.operator.cluster.RealApiServer;
import io.storageprobe.operator.cluster.TestCluster;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A node may speak only for itself (issue 23), on the real API server. The real DaemonSet
 * controller makes the agent Pods; the test does what the scheduler and the kubelet would do
 * and nothing more: binds each Pod to its node (a Binding), and mints the token the kubelet
 * would project into it (a TokenRequest bound to that Pod, for audience storageprobe.io/result),
 * handing it to the agent as the file the projected volume would be. Node-a's agent is the
 * shipped jar in its own process, node-b's the daemon in this JVM replaying an Affected kernel.
 * Then node-b's agent, with its own credentials, writes other nodes' results; so does an account
 * that is not the agent's. None of it counts, labels or taints; the status and Events say why.
 */
@ExtendWith(RealApiServer.class)
class ResultWritersRealIT {
    private static final String PROBE = "trusted";
    private static final String LABEL = "verdict.storageprobe.io/" + PROBE;
    private static final String TAINT = "storageprobe.io/affected";
    private static final String INTRUDER = "intruder";
    private static final Duration TIMEOUT = Duration.ofSeconds(90);
    /** The spec's interval (an hour): after its first result the agent writes nothing more during the test. */
    private static final io.storageprobe.agent.daemon.AgentTimings AT_REST =
            new io.storageprobe.agent.daemon.AgentTimings(
                    Duration.ofMinutes(15), Duration.ofMillis(200), Duration.ofSeconds(2), ProbeSettings::interval);

    private static final Path AGENT_JAR =
            Path.of(System.getProperty("storageprobe.agent.jar", "../probe-agent/target/storageprobe.jar"));

    private final TestCluster cluster;
    private final ChartInstall chart;
    private final KubernetesClient admin;
    private final ProbeView view;
    private final List<AutoCloseable> closing = new ArrayList<>();

    ResultWritersRealIT(TestCluster cluster, ChartInstall chart) {
        this.cluster = cluster;
        this.chart = chart;
        this.admin = cluster.admin();
        this.view = new ProbeView(admin, chart.namespace());
    }

    @AfterEach
    void stop() throws Exception {
        try {
            for (int i = closing.size() - 1; i >= 0; i--) {
                closing.get(i).close();
            }
        } finally {
            // Pods bound to a node wait for its kubelet to confirm their deletion; there is none
            // here, so they would stay Terminating into the next test class: deleted at once.
            admin.pods()
                    .inNamespace(chart.namespace())
                    .withLabel(StorageProbe.PROBE_LABEL, PROBE)
                    .withGracePeriod(0)
                    .delete();
            admin.rbac().clusterRoleBindings().withName(INTRUDER).delete();
            admin.rbac().clusterRoles().withName(INTRUDER).delete();
            admin.serviceAccounts()
                    .inNamespace(chart.namespace())
                    .withName(INTRUDER)
                    .delete();
        }
    }

    @Test
    void onlyTheAgentPodOnANodeSpeaksForIt(@TempDir Path tokens) throws Exception {
        for (String name : List.of("node-a", "node-b", "node-c")) {
            admin.nodes().resource(LinuxNodes.named(name).build()).create();
        }
        StorageProbe probe = new StorageProbe();
        probe.getMetadata().setName(PROBE);
        probe.setSpec(new StorageProbeSpec(
                null, null, null, null, "1h", new NodeActions(true, NodeActions.TaintAction.NoSchedule), null, null));
        admin.resource(probe).create();

        RunningOperator operator =
                RunningOperator.withChartsToken(cluster, chart, chart.operatorSettingsCheckingWriters());
        closing.add(operator);

        // The scheduler's part: each Pod the DaemonSet controller made is bound to its node.
        DaemonSet ds = await().atMost(TIMEOUT).until(() -> view.daemonSet(PROBE), d -> d != null);
        List<Pod> pods = await().atMost(TIMEOUT).until(() -> agentPods(ds), p -> p.size() == 3);
        Map<String, Pod> podOf = new HashMap<>();
        for (Pod pod : pods) {
            String node = pod.getSpec()
                    .getAffinity()
                    .getNodeAffinity()
                    .getRequiredDuringSchedulingIgnoredDuringExecution()
                    .getNodeSelectorTerms()
                    .get(0)
                    .getMatchFields()
                    .get(0)
                    .getValues()
                    .get(0);
            admin.bindings()
                    .inNamespace(chart.namespace())
                    .resource(new BindingBuilder()
                            .withNewMetadata()
                            .withName(pod.getMetadata().getName())
                            .endMetadata()
                            .withNewTarget()
                            .withKind("Node")
                            .withName(node)
                            .endTarget()
                            .build())
                    .create();
            podOf.put(node, pod);
        }
        pods = await().atMost(TIMEOUT)
                .until(
                        () -> agentPods(ds),
                        p -> p.stream().allMatch(pod -> pod.getSpec().getNodeName() != null));
        KubeletStandIn.reportReady(admin, pods);
        // The kubelet's part: the projected writer token of each Pod, and the Pod's API credential.
        Path tokenA = writerToken(podOf.get("node-a"), tokens);
        Path tokenB = writerToken(podOf.get("node-b"), tokens);
        String agentApiToken = cluster.token(chart.namespace(), chart.agentServiceAccount());
        // What the operator's TokenReview sees of such a token (printed for the design notes).
        var seen = admin.resource(new io.fabric8.kubernetes.api.model.authentication.TokenReviewBuilder()
                        .withNewSpec()
                        .withToken(Files.readString(tokenA))
                        .withAudiences(StorageProbeResult.WRITER_TOKEN_AUDIENCE)
                        .endSpec()
                        .build())
                .create()
                .getStatus();
        System.out.println("TOKENREVIEW user=" + seen.getUser().getUsername() + " extra="
                + seen.getUser().getExtra() + " audiences=" + seen.getAudiences());
        assertThat(seen.getAuthenticated()).isTrue();

        int mark = cluster.auditLog().size();
        AgentProcess agentA = new AgentProcess(
                AGENT_JAR,
                cluster.url(),
                PROBE,
                "node-a",
                Path.of("target", "agent-logs"),
                Map.of(
                        "KUBERNETES_TRUST_CERTIFICATES",
                        "false",
                        "KUBERNETES_CERTS_CA_FILE",
                        cluster.caCert().toString(),
                        "KUBERNETES_AUTH_TOKEN",
                        agentApiToken,
                        "STORAGEPROBE_WRITER_TOKEN_FILE",
                        tokenA.toString()));
        closing.add(agentA);
        closing.add(new SimulatedAgent(
                cluster.clientWithToken(agentApiToken),
                PROBE,
                "node-b",
                new ReplayProbeRunner("6.1.0-50-amd64"),
                AT_REST,
                tokenB));

        // The genuine agents count as before: node-a with what the jar found on this machine's
        // default target (not Affected), node-b Affected and tainted.
        StorageProbeStatus status = await().atMost(TIMEOUT)
                .until(
                        () -> view.status(PROBE),
                        s -> s != null && s.summary() != null && s.summary().nodesReported() == 2);
        assertThat(status.summary().affected()).isEqualTo(1);
        assertThat(status.refusedResults()).isNullOrEmpty();
        String verdictA = result("node-a").getSpec().verdict().name();
        assertThat(verdictA).isNotEqualTo("Affected");
        await().atMost(TIMEOUT)
                .until(() -> verdictA.equals(view.labels("node-a").get(LABEL))
                        && "Affected".equals(view.labels("node-b").get(LABEL))
                        && hasTaint("node-b"));
        assertThat(result("node-a").getMetadata().getAnnotations())
                .containsKey(StorageProbeResult.WRITER_TOKEN_ANNOTATION);

        KubernetesClient agentApi = cluster.clientWithToken(agentApiToken);
        closing.add(agentApi);
        String nodeBsToken = Files.readString(tokenB);

        // 1. Node-b's agent, with its own credentials and token, writes node-c's result: Affected.
        forge(agentApi, "node-c", nodeBsToken);
        RefusedResult refused = awaitRefusal("trusted.node-c", "on node node-b, not by node node-c's");
        System.out.println("REFUSED (another node's result) " + refused);
        // 2. ... and writes over node-a's genuine result: node-a keeps its own agent's verdict.
        forge(agentApi, "node-a", nodeBsToken);
        System.out.println("REFUSED (a result over a genuine one) "
                + awaitRefusal("trusted.node-a", "on node node-b, not by node node-a's"));
        // 3. An account that is not the agent's (one a careless grant let write results), with a
        //    valid token of its own for the operator's audience.
        String intruder = intruder();
        KubernetesClient intruderApi = cluster.clientWithToken(cluster.token(chart.namespace(), intruder));
        closing.add(intruderApi);
        forge(intruderApi, "node-c", mint(intruder, null));
        System.out.println("REFUSED (not the agent account) "
                + awaitRefusal(
                        "trusted.node-c",
                        "system:serviceaccount:" + chart.namespace() + ":" + intruder
                                + "'s, not the agent ServiceAccount"));
        // 4. A result with no token at all.
        forge(admin, "node-c", null);
        System.out.println("REFUSED (no token) " + awaitRefusal("trusted.node-c", "carries no writer token"));

        // Nothing changed on the nodes, and the counts are the genuine agents' own.
        status = view.status(PROBE);
        assertThat(status.summary().nodesReported()).isEqualTo(2);
        assertThat(status.summary().affected()).isEqualTo(1);
        assertThat(status.affectedNodes())
                .singleElement()
                .satisfies(a -> assertThat(a.node()).isEqualTo("node-b"));
        assertThat(view.labels("node-a")).containsEntry(LABEL, verdictA);
        assertThat(hasTaint("node-a")).isFalse();
        assertThat(view.labels("node-c")).doesNotContainKey(LABEL);
        assertThat(hasTaint("node-c")).isFalse();
        assertThat(view.labels("node-b")).containsEntry(LABEL, "Affected");
        // One Event per refused version, with the same text.
        List<io.fabric8.kubernetes.api.model.Event> events =
                admin.v1().events().inNamespace("default").list().getItems().stream()
                        .filter(e -> "ResultRefused".equals(e.getReason())
                                && e.getMetadata().getLabels() != null
                                && PROBE.equals(e.getMetadata().getLabels().get(StorageProbe.PROBE_LABEL)))
                        .toList();
        events.forEach(e -> System.out.println("EVENT " + e.getInvolvedObject().getName() + "@"
                + e.getInvolvedObject().getResourceVersion() + ": " + e.getMessage()));
        assertThat(events).hasSize(4);
        assertThat(events)
                .extracting(e -> e.getInvolvedObject().getName() + "@"
                        + e.getInvolvedObject().getResourceVersion())
                .doesNotHaveDuplicates();
        assertThat(events).anySatisfy(e -> assertThat(e.getMessage()).contains("on node node-b, not by node node-a's"));

        // What the check costs: one TokenReview and one Pod GET per new result version, none at rest.
        AuditLog since = cluster.auditLog().since(mark);
        long reviews = reviews(mark);
        long podGets = since.by(chart.operatorUser())
                .filter(e -> e.resource().equals("pods") && e.verb().equals("get"))
                .size();
        long writes = since.filter(e -> e.resource().equals("storageproberesults")
                        && (e.verb().equals("create") || e.verb().equals("patch"))
                        && e.code() < 300)
                .size();
        System.out.println("RESULT WRITES " + writes + ", TOKENREVIEWS " + reviews + ", POD GETS " + podGets);
        assertThat(reviews).isPositive().isLessThanOrEqualTo(writes);
        assertThat(podGets).isLessThanOrEqualTo(reviews);
        assertThat(since.by(chart.operatorUser()).withCode(403).entries()).isEmpty();
        assertThat(since.by(chart.agentUser()).withCode(403).entries()).isEmpty();

        // The kubelet replaces node-b's token: its agent writes the same result again with the new
        // one (a patch: it may not read results), and that version is checked and counted.
        String before = result("node-b").getMetadata().getResourceVersion();
        long reviewsBefore = reviews(mark);
        String rotated = mint(chart.agentServiceAccount(), podOf.get("node-b"));
        Files.writeString(tokenB, rotated);
        await().atMost(TIMEOUT)
                .until(() -> rotated.equals(result("node-b")
                        .getMetadata()
                        .getAnnotations()
                        .get(StorageProbeResult.WRITER_TOKEN_ANNOTATION)));
        assertThat(result("node-b").getMetadata().getResourceVersion()).isNotEqualTo(before);
        await().atMost(TIMEOUT).until(() -> reviews(mark) == reviewsBefore + 1);
        assertThat(refusal("trusted.node-b")).isEmpty();
        assertThat(view.status(PROBE).summary().affected()).isEqualTo(1);
        assertThat(hasTaint("node-b")).isTrue();
        assertThat(cluster.auditLog()
                        .since(mark)
                        .by(chart.agentUser())
                        .withCode(403)
                        .entries())
                .isEmpty();

        // At rest: a reconcile with no new result version asks nothing (a new node wakes every probe).
        int rest = cluster.auditLog().size();
        admin.nodes().resource(LinuxNodes.named("node-d").build()).create();
        await().atMost(TIMEOUT).until(() -> view.status(PROBE).summary().nodesTargeted() == 4);
        assertThat(cluster.auditLog()
                        .since(rest)
                        .by(chart.operatorUser())
                        .filter(e -> e.resource().equals("tokenreviews")
                                || e.resource().equals("pods"))
                        .entries())
                .isEmpty();
    }

    private long reviews(int mark) {
        return cluster.auditLog()
                .since(mark)
                .by(chart.operatorUser())
                .filter(e -> e.resource().equals("tokenreviews") && e.code() < 300)
                .size();
    }

    /** A result saying {@code node} is Affected, written as an agent writes it, with {@code token} as the writer token. */
    private void forge(KubernetesClient as, String node, String token) {
        StorageProbeResult forged = new StorageProbeResult();
        forged.getMetadata().setName(StorageProbeResult.nameFor(PROBE, node));
        forged.getMetadata().setLabels(Map.of(StorageProbe.PROBE_LABEL, PROBE, StorageProbe.NODE_LABEL, node));
        forged.getMetadata()
                .setAnnotations(token == null ? Map.of() : Map.of(StorageProbeResult.WRITER_TOKEN_ANNOTATION, token));
        forged.setSpec(new NodeResult(
                PROBE,
                node,
                "6.1.0-50-amd64",
                "boot",
                "Debian GNU/Linux 12",
                java.time.Instant.now().toString(),
                "forged",
                List.of(),
                Verdict.Affected,
                null));
        try {
            as.resource(forged).create();
        } catch (io.fabric8.kubernetes.client.KubernetesClientException e) {
            if (e.getCode() != 409) {
                throw e;
            }
            // Exists: replace spec and annotations with a JSON patch, which needs no read (the agent may not read).
            String patch = "[{\"op\":\"add\",\"path\":\"/spec\",\"value\":"
                    + io.fabric8.kubernetes.client.utils.Serialization.asJson(forged.getSpec())
                    + "},{\"op\":\"add\",\"path\":\"/metadata/annotations\",\"value\":"
                    + io.fabric8.kubernetes.client.utils.Serialization.asJson(
                            forged.getMetadata().getAnnotations()) + "}]";
            as.resources(StorageProbeResult.class).resource(forged).patch(PatchContext.of(PatchType.JSON), patch);
        }
    }

    private RefusedResult awaitRefusal(String name, String why) {
        return await().atMost(TIMEOUT)
                .until(() -> refusal(name).filter(r -> r.reason().contains(why)), Optional::isPresent)
                .get();
    }

    private Optional<RefusedResult> refusal(String name) {
        StorageProbeStatus s = view.status(PROBE);
        return s == null || s.refusedResults() == null
                ? Optional.empty()
                : s.refusedResults().stream().filter(r -> r.name().equals(name)).findFirst();
    }

    /** What the kubelet projects: a token of the Pod's ServiceAccount, bound to the Pod, for the operator's audience. */
    private Path writerToken(Pod pod, Path dir) throws Exception {
        return Files.writeString(dir.resolve(pod.getMetadata().getName()), mint(chart.agentServiceAccount(), pod));
    }

    private String mint(String account, Pod boundTo) {
        TokenRequestBuilder request = new TokenRequestBuilder();
        var spec = request.withNewSpec()
                .withAudiences(StorageProbeResult.WRITER_TOKEN_AUDIENCE)
                .withExpirationSeconds(3600L);
        if (boundTo != null) {
            spec.withNewBoundObjectRef()
                    .withApiVersion("v1")
                    .withKind("Pod")
                    .withName(boundTo.getMetadata().getName())
                    .withUid(boundTo.getMetadata().getUid())
                    .endBoundObjectRef();
        }
        return admin.serviceAccounts()
                .inNamespace(chart.namespace())
                .withName(account)
                .tokenRequest(spec.endSpec().build())
                .getStatus()
                .getToken();
    }

    /** Another ServiceAccount, allowed to write results the way the agent's is. */
    private String intruder() {
        return cluster.storageProbeAccount(
                chart.namespace(), INTRUDER, List.of("storageproberesults"), "create", "patch");
    }

    private StorageProbeResult result(String node) {
        return admin.resources(StorageProbeResult.class)
                .withName(StorageProbeResult.nameFor(PROBE, node))
                .get();
    }

    private boolean hasTaint(String node) {
        Node n = admin.nodes().withName(node).get();
        return n.getSpec().getTaints() != null
                && n.getSpec().getTaints().stream().anyMatch(t -> TAINT.equals(t.getKey()));
    }

    private List<Pod> agentPods(DaemonSet ds) {
        return admin.pods()
                .inNamespace(chart.namespace())
                .withLabels(ds.getSpec().getSelector().getMatchLabels())
                .list()
                .getItems();
    }
}
