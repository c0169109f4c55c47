package io.storageprobe.operator.e2e;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.storageprobe.operator.cluster.ChartInstall;
import io.storageprobe.operator.cluster.TestCluster;
import io.storageprobe.operator.settings.OperatorSettings;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The scenario on a real control plane (test-cluster/): the operator and every agent with nothing
 * but the chart's ServiceAccount tokens, the real DaemonSet controller and garbage collector, and
 * kubelet's part (Ready pods) played by {@link KubeletStandIn}.
 */
record RealEnvironment(TestCluster cluster, ChartInstall chart, OperatorSettings settings)
        implements ScenarioEnvironment {
    @Override
    public KubernetesClient admin() {
        return cluster.admin();
    }

    @Override
    public String namespace() {
        return chart.namespace();
    }

    @Override
    public Duration timeout() {
        return Duration.ofSeconds(90);
    }

    @Override
    public RunningOperator startOperator() {
        return RunningOperator.withChartsToken(cluster, chart, settings);
    }

    @Override
    public KubernetesClient agentClient() {
        return cluster.clientWithToken(agentToken());
    }

    @Override
    public AgentProcess agentProcess(Path jar, String probe, String node) throws IOException {
        return new AgentProcess(
                jar,
                cluster.url(),
                probe,
                node,
                Path.of("target", "agent-logs"),
                Map.of(
                        "KUBERNETES_TRUST_CERTIFICATES", "false",
                        "KUBERNETES_CERTS_CA_FILE", cluster.caCert().toString(),
                        "KUBERNETES_AUTH_TOKEN", agentToken()));
    }

    @Override
    public void agentsRunning(DaemonSet daemonSet, int nodes) {
        KubeletStandIn.reportReady(admin(), agentPods(daemonSet));
    }

    /** The pods the real DaemonSet controller made for {@code daemonSet}. */
    List<Pod> agentPods(DaemonSet daemonSet) {
        return admin().pods()
                .inNamespace(namespace())
                .withLabels(daemonSet.getSpec().getSelector().getMatchLabels())
                .list()
                .getItems();
    }

    private String agentToken() {
        return cluster.token(chart.namespace(), chart.agentServiceAccount());
    }
}
