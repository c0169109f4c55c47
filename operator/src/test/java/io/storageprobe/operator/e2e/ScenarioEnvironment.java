package io.storageprobe.operator.e2e;

import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Where {@link OperatorScenario} runs: the fabric8 mock API server ({@link OperatorEndToEndTest})
 * or a real control plane ({@link OperatorOnRealClusterRealIT}). It says how the operator and the
 * agents reach the API server, and plays the parts of the cluster that are missing there.
 */
interface ScenarioEnvironment {
    /** A client with every permission, acting as the test (kubectl as an administrator). */
    KubernetesClient admin();

    /** Where the operator puts the agent DaemonSets. */
    String namespace();

    /** How long a step waits for the operator or the agents. */
    Duration timeout();

    /** Starts the operator as this environment runs it; again after each close, as after a restart. */
    RunningOperator startOperator();

    /** A client for one in-JVM agent, with the credentials an agent pod would have. */
    KubernetesClient agentClient();

    /** The shipped agent jar in its own process for {@code node}, configured as a pod would be. */
    AgentProcess agentProcess(Path jar, String probe, String node) throws IOException;

    /** The agents run: report it as the cluster would (the DaemonSet controller's counts, or kubelet's Ready). */
    void agentsRunning(DaemonSet daemonSet, int nodes);
}
