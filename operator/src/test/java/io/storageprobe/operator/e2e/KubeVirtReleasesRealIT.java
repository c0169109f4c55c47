package io.storageprobe.operator.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBuilder;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.NonDeletingOperation;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.storageprobe.api.result.QemuInForce;
import io.storageprobe.api.v1alpha1.NodeActions;
import io.storageprobe.api.v1alpha1.ProbeCondition;
import io.storageprobe.api.v1alpha1.StorageProbe;
import io.storageprobe.api.v1alpha1.StorageProbeSpec;
import io.storageprobe.api.v1alpha1.StorageProbeStatus;
import io.storageprobe.operator.cluster.AuditLog;
import io.storageprobe.operator.cluster.ChartInstall;
import io.storageprobe.operator.cluster.RealApiServer;
import io.storageprobe.operator.cluster.TestCluster;
import io.storageprobe.operator.qemu.KubeVirtLookup;
import io.storageprobe.operator.settings.OperatorSettings;
import io.storageprobe.operator.settings.TestingOperatorSettings;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * KubeVirt changing under a running operator, on a real control plane: upgrades within and past
 * the operator's table, a LIST of kubevirts that really fails (the chart's ClusterRole loses its
 * kubevirt.io rule, so the real RBAC authorizer answers 403) and recovers, a release that is not
 * vX.Y.Z, and an operator restart meanwhile. The node's verdict must hold through all of it: the
 * audit log shows no node write by the operator, and the unreadable release shows up as the
 * QemuResolved condition and one Warning Event.
 */
@ExtendWith(RealApiServer.class)
class KubeVirtReleasesRealIT {
    private static final String PROBE = "kvqemu";
    private static final String NODE = "kv-node";
    private static final String LABEL = "verdict.storageprobe.io/" + PROBE;
    private static final String KUBEVIRT_NAMESPACE = "kubevirt";
    /** design.md's names, spelt out: what a user's kubectl and alerts match on. */
    private static final String CONDITION = "QemuResolved";

    private static final String UNREADABLE = "KubeVirtReleaseUnreadable";
    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    /** A poll a second instead of a minute: each step is then seen within seconds. */
    private static final Duration POLL = Duration.ofSeconds(1);

    private static final Pattern KEPT_SINCE = Pattern.compile("cannot be read at (\\S+?): ");

    private final TestCluster cluster;
    private final ChartInstall chart;
    private final KubernetesClient admin;
    private final ProbeView view;
    private final OperatorSettings settings;
    private RunningOperator operator;
    private SimulatedAgent agent;
    private ClusterRole removedFrom;

    KubeVirtReleasesRealIT(TestCluster cluster, ChartInstall chart) {
        this.cluster = cluster;
        this.chart = chart;
        this.admin = cluster.admin();
        this.view = new ProbeView(admin, chart.namespace());
        OperatorSettings chartSettings = chart.operatorSettings();
        this.settings = TestingOperatorSettings.of(
                chartSettings.namespace(),
                chartSettings.agentImage(),
                chartSettings.agentServiceAccount(),
                chartSettings.eventNamespace(),
                chartSettings.httpPort(),
                POLL,
                chartSettings.checkWriters());
    }

    @AfterEach
    void cleanUp() throws Exception {
        try {
            if (agent != null) {
                agent.close();
            }
            stopOperator();
        } finally {
            // Later test classes share this control plane: the chart's RBAC as installed, and no
            // KubeVirt (their probes are judged for an unknown QEMU).
            if (removedFrom != null) {
                restoreKubeVirtRule();
            }
            try {
                kubevirt().delete();
            } catch (KubernetesClientException e) {
                // Not there: the test failed before installing KubeVirt's CRD.
            }
        }
    }

    @Test
    void upgradesAFailingLookupAndAnUnreadableReleaseChangeNoNodeLabel() throws Exception {
        cluster.installCrds(resource("kubevirt/kubevirts.kubevirt.io.yaml"));
        admin.namespaces()
                .resource(new NamespaceBuilder()
                        .withNewMetadata()
                        .withName(KUBEVIRT_NAMESPACE)
                        .endMetadata()
                        .build())
                .createOr(NonDeletingOperation::update);
        kubevirt().create();
        release("v1.8.2");

        // A node whose 6.1 kernel fails qemu-legacy-dio: Affected for an unknown QEMU, Compatible
        // (with a latent finding) for QEMU 7.2 or newer.
        admin.nodes().resource(LinuxNodes.named(NODE).build()).create();
        StorageProbe probe = new StorageProbe();
        probe.getMetadata().setName(PROBE);
        probe.setSpec(new StorageProbeSpec(
                null, null, null, null, "1h", new NodeActions(true, NodeActions.TaintAction.NoSchedule), null, null));
        admin.resource(probe).create();
        startOperator();
        List<Pod> pods = await().atMost(TIMEOUT)
                .until(
                        () -> admin.pods()
                                .inNamespace(chart.namespace())
                                .withLabel(StorageProbe.PROBE_LABEL, PROBE)
                                .list()
                                .getItems(),
                        p -> p.size() == 1);
        agent = new SimulatedAgent(
                cluster.clientWithToken(cluster.token(chart.namespace(), chart.agentServiceAccount())),
                PROBE,
                NODE,
                new ReplayProbeRunner("6.1.0-50-amd64"));
        KubeletStandIn.reportReady(admin, pods);

        StorageProbeStatus first = awaitStatus(s -> s.summary() != null
                && s.summary().nodesReported() == 1
                && s.qemu() != null
                && "10.1".equals(s.qemu().version()));
        assertThat(first.qemu())
                .isEqualTo(new QemuInForce(
                        "10.1", QemuInForce.KUBEVIRT, "KubeVirt v1.8.2 ships QEMU 10.1 (kubevirt#18142)"));
        assertThat(first.summary().latent()).isEqualTo(1);
        await().atMost(TIMEOUT)
                .until(() -> "Compatible".equals(view.labels(NODE).get(LABEL)));
        Map<String, String> labels = view.labels(NODE);
        assertThat(admin.nodes().withName(NODE).get().getSpec().getTaints())
                .noneMatch(t -> "storageprobe.io/affected".equals(t.getKey()));
        int mark = cluster.auditLog().size();

        // Within the table, then past it: judged for 10.1 both times.
        release("v1.9.0");
        awaitQemu(q -> q.message().equals("KubeVirt v1.9.0 ships QEMU 10.1 (rpm/BUILD.bazel at v1.9.0-rc.2)"));
        release("v2.0.0");
        QemuInForce future = awaitQemu(
                q -> q.message().startsWith("KubeVirt v2.0.0 is newer than this operator's table (up to v1.9)"));
        assertThat(future.version()).isEqualTo("10.1");
        assertThat(condition()).satisfies(c -> assertThat(c.status()).isEqualTo("True"));

        // The operator may no longer list kubevirts: the real authorizer refuses, the QEMU is kept.
        removeKubeVirtRule();
        QemuInForce kept = awaitQemu(q -> q.message().contains("(kept: the KubeVirt lookup failed at "));
        assertThat(kept.version()).isEqualTo("10.1");
        assertThat(kept.message()).startsWith(future.message()).contains("not allowed to list kubevirts.kubevirt.io");
        assertThat(condition()).satisfies(c -> {
            assertThat(c.status()).isEqualTo("False");
            assertThat(c.reason()).isEqualTo("KubeVirtLookupFailed");
            assertThat(c.message()).contains("spec.qemu");
        });
        assertThat(cluster.auditLog()
                        .since(mark)
                        .by(chart.operatorUser())
                        .filter(e ->
                                e.resource().equals("kubevirts") && e.verb().equals("list"))
                        .withCode(403)
                        .entries())
                .as("the operator's LIST of kubevirts refused by the API server")
                .isNotEmpty();
        restoreKubeVirtRule();
        awaitQemu(q -> q.equals(future));
        assertThat(condition()).satisfies(c -> assertThat(c.reason()).isEqualTo("KubeVirtRelease"));

        // A release that is not vX.Y.Z: the QEMU is kept, the condition and one Event say so.
        release("latest");
        QemuInForce unreadable = awaitQemu(q -> q.message().contains("(kept: the KubeVirt release cannot be read at "));
        assertThat(unreadable.version()).isEqualTo("10.1");
        ProbeCondition unreadableCondition = condition();
        assertThat(unreadableCondition.status()).isEqualTo("False");
        assertThat(unreadableCondition.reason()).isEqualTo(UNREADABLE);
        assertThat(unreadableCondition.message())
                .startsWith("KubeVirt kubevirt/kubevirt reports release 'latest', which is not vX.Y.Z")
                .contains("set spec.qemu");
        Event event = await().atMost(TIMEOUT)
                .until(() -> unreadableEvents(), e -> !e.isEmpty())
                .get(0);
        assertThat(event.getType()).isEqualTo("Warning");
        assertThat(event.getInvolvedObject().getKind()).isEqualTo("StorageProbe");
        assertThat(event.getMessage()).isEqualTo(unreadableCondition.message());

        // The operator restarts while the release stays unreadable: it reads the QEMU back from
        // the status, and records no second Event. The "kept since" time has whole seconds: the
        // restart must come in a later second than it, or the new process's own time is the same
        // text and its reconcile cannot be told from none.
        Instant keptSince = Instant.parse(KEPT_SINCE
                .matcher(unreadable.message())
                .results()
                .findFirst()
                .orElseThrow()
                .group(1));
        await().atMost(TIMEOUT)
                .until(() -> Instant.now().truncatedTo(ChronoUnit.SECONDS).isAfter(keptSince));
        stopOperator();
        startOperator();
        await().atMost(TIMEOUT).until(() -> operator.ready());
        // A full reconcile by the new process: it wrote the new "kept since" time of its own.
        String before = unreadable.message();
        QemuInForce afterRestart = awaitQemu(q -> !q.message().equals(before));
        assertThat(afterRestart.version()).isEqualTo("10.1");
        assertThat(afterRestart.message())
                .startsWith(future.message() + " (kept: the KubeVirt release cannot be read at ");
        assertThat(condition().lastTransitionTime()).isEqualTo(unreadableCondition.lastTransitionTime());
        Thread.sleep(3 * POLL.toMillis());
        assertThat(unreadableEvents()).hasSize(1);

        // Back to a readable release.
        release("v1.9.1");
        awaitQemu(q -> q.message().equals("KubeVirt v1.9.1 ships QEMU 10.1 (rpm/BUILD.bazel at v1.9.0-rc.2)"));
        assertThat(condition().status()).isEqualTo("True");

        // Through all of it: the same labels, no taint, and not one node write by the operator.
        assertThat(view.labels(NODE)).isEqualTo(labels).containsEntry(LABEL, "Compatible");
        assertThat(admin.nodes().withName(NODE).get().getSpec().getTaints())
                .noneMatch(t -> "storageprobe.io/affected".equals(t.getKey()));
        AuditLog nodeWrites = cluster.auditLog()
                .since(mark)
                .by(chart.operatorUser())
                .filter(e -> e.resource().equals("nodes")
                        && !List.of("get", "list", "watch").contains(e.verb()));
        assertThat(nodeWrites.entries()).as("node writes by the operator").isEmpty();
        assertThat(view.status(PROBE).summary().affected()).isZero();
    }

    private void startOperator() {
        operator = RunningOperator.withChartsToken(cluster, chart, settings);
    }

    private void stopOperator() {
        if (operator != null) {
            operator.close();
            operator = null;
        }
    }

    private Resource<GenericKubernetesResource> kubevirt() {
        return admin.genericKubernetesResources(KubeVirtLookup.KUBEVIRT)
                .inNamespace(KUBEVIRT_NAMESPACE)
                .resource(new GenericKubernetesResourceBuilder()
                        .withApiVersion("kubevirt.io/v1")
                        .withKind("KubeVirt")
                        .withNewMetadata()
                        .withName("kubevirt")
                        .withNamespace(KUBEVIRT_NAMESPACE)
                        .endMetadata()
                        .build());
    }

    /** What virt-operator writes once a release is deployed, through the status subresource. */
    private void release(String version) {
        admin.genericKubernetesResources(KubeVirtLookup.KUBEVIRT)
                .inNamespace(KUBEVIRT_NAMESPACE)
                .withName("kubevirt")
                .editStatus(kv -> {
                    kv.setAdditionalProperty("status", Map.of("observedKubeVirtVersion", version));
                    return kv;
                });
    }

    /** The chart's operator ClusterRole, the one that grants kubevirt.io, without that rule. */
    private void removeKubeVirtRule() {
        ClusterRole role = admin.rbac().clusterRoles().list().getItems().stream()
                .filter(r ->
                        r.getRules() != null && r.getRules().stream().anyMatch(KubeVirtReleasesRealIT::kubevirtRule))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no ClusterRole grants kubevirt.io"));
        removedFrom = role;
        admin.rbac()
                .clusterRoles()
                .withName(role.getMetadata().getName())
                .edit(r -> new ClusterRoleBuilder(r)
                        .withRules(r.getRules().stream()
                                .filter(rule -> !kubevirtRule(rule))
                                .toList())
                        .build());
    }

    private void restoreKubeVirtRule() {
        admin.rbac()
                .clusterRoles()
                .withName(removedFrom.getMetadata().getName())
                .edit(r -> new ClusterRoleBuilder(r)
                        .withRules(removedFrom.getRules())
                        .build());
        removedFrom = null;
    }

    private static boolean kubevirtRule(PolicyRule rule) {
        return rule.getApiGroups() != null && rule.getApiGroups().contains("kubevirt.io");
    }

    private StorageProbeStatus awaitStatus(Predicate<StorageProbeStatus> ready) {
        return await().atMost(TIMEOUT).until(() -> view.status(PROBE), s -> s != null && ready.test(s));
    }

    private QemuInForce awaitQemu(Predicate<QemuInForce> ready) {
        return awaitStatus(s -> s.qemu() != null && s.qemu().message() != null && ready.test(s.qemu()))
                .qemu();
    }

    private ProbeCondition condition() {
        return view.condition(PROBE, CONDITION).orElseThrow();
    }

    private List<Event> unreadableEvents() {
        return admin.v1().events().inNamespace("default").list().getItems().stream()
                .filter(e -> PROBE.equals(e.getInvolvedObject().getName()) && UNREADABLE.equals(e.getReason()))
                .toList();
    }

    private static Path resource(String name) throws URISyntaxException {
        return Path.of(Objects.requireNonNull(
                        KubeVirtReleasesRealIT.class.getClassLoader().getResource(name), name)
                .toURI());
    }
}
