package io.storageprobe.operator.e2e;

import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.storageprobe.operator.settings.OperatorSettings;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The scenario on the fabric8 mock API server: one client for the test and the operator, a client
 * per agent with short timeouts ({@link MockApiServer#newClient}), and the DaemonSet controller
 * played by {@link DaemonSetControllerStandIn}, since the mock runs no controllers.
 */
record MockEnvironment(MockApiServer api, KubernetesClient admin, OperatorSettings settings)
        implements ScenarioEnvironment {
    @Override
    public String namespace() {
        return settings.namespace();
    }

    @Override
    public Duration timeout() {
        return Duration.ofSeconds(60);
    }

    @Override
    public RunningOperator startOperator() {
        return RunningOperator.onMock(admin, settings);
    }

    @Override
    public KubernetesClient agentClient() {
        return api.newClient();
    }

    @Override
    public AgentProcess agentProcess(Path jar, String probe, String node) throws IOException {
        return new AgentProcess(jar, admin.getMasterUrl().toString(), probe, node, Path.of("target", "agent-logs"));
    }

    @Override
    public void agentsRunning(DaemonSet daemonSet, int nodes) {
        DaemonSetControllerStandIn.reportRolledOut(
                admin, namespace(), daemonSet.getMetadata().getName(), nodes);
    }
}
