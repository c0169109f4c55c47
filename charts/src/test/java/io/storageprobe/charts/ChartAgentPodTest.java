package io.storageprobe.charts;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.LocalObjectReference;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * What the chart hands on to the agent pods the operator creates (issue 19): pull secrets,
 * architectures, and the default probe's kubelet root and volume targets.
 */
class ChartAgentPodTest {

    @Test
    void pullSecretsReachTheAgentServiceAccountAndTheOperatorPassesThemToAgentPods() {
        Chart.Rendered chart = Chart.render("imagePullSecrets[0].name=regcred", "imagePullSecrets[1].name=mirror");
        ServiceAccount agent = chart.one(ServiceAccount.class, "sp-storageprobe-agent");
        assertThat(agent.getImagePullSecrets())
                .extracting(LocalObjectReference::getName)
                .containsExactly("regcred", "mirror");
        assertThat(operatorEnv(chart)).containsEntry("STORAGEPROBE_AGENT_IMAGE_PULL_SECRETS", "regcred,mirror");

        Chart.Rendered none = Chart.render();
        assertThat(none.one(ServiceAccount.class, "sp-storageprobe-agent").getImagePullSecrets())
                .isNullOrEmpty();
        assertThat(operatorEnv(none)).containsEntry("STORAGEPROBE_AGENT_IMAGE_PULL_SECRETS", "");
    }

    @Test
    void agentsAreKeptToTheArchitecturesTheImageHasUnlessTheListIsEmptied() {
        assertThat(operatorEnv(Chart.render())).containsEntry("STORAGEPROBE_AGENT_ARCHITECTURES", "amd64");
        assertThat(operatorEnv(Chart.render("agent.architectures={amd64,arm64}")))
                .containsEntry("STORAGEPROBE_AGENT_ARCHITECTURES", "amd64,arm64");
        assertThat(operatorEnv(Chart.render("agent.architectures=null")))
                .containsEntry("STORAGEPROBE_AGENT_ARCHITECTURES", "");
    }

    @Test
    void theDefaultProbeTakesAKubeletRootAndVolumeTargets() {
        Map<String, Object> spec = probeSpec(Chart.render(
                "defaultProbe.agent.kubeletRoot=/var/lib/k0s/kubelet", "defaultProbe.targets.volumes=true"));
        assertThat(spec)
                .extracting("agent")
                .asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.MAP)
                .containsEntry("kubeletRoot", "/var/lib/k0s/kubelet");
        assertThat(spec)
                .extracting("targets")
                .asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.MAP)
                .containsEntry("volumes", true);

        Map<String, Object> defaults = probeSpec(Chart.render());
        assertThat(defaults).doesNotContainKey("targets");
        assertThat(defaults)
                .extracting("agent")
                .asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.MAP)
                .as("the CRD default applies")
                .doesNotContainKey("kubeletRoot");
    }

    @Test
    void aRelativeKubeletRootIsRefusedByTheValuesSchema() {
        Tools.Result r = Chart.helm(Chart.templateArgs("defaultProbe.agent.kubeletRoot=var/lib/kubelet")
                .toArray(String[]::new));
        assertThat(r.exitCode()).isNotZero();
        assertThat(r.all()).contains("kubeletRoot");
    }

    private static Map<String, String> operatorEnv(Chart.Rendered chart) {
        Deployment d = chart.one(Deployment.class, "sp-storageprobe-operator");
        return d.getSpec().getTemplate().getSpec().getContainers().get(0).getEnv().stream()
                .filter(e -> e.getValue() != null)
                .collect(java.util.stream.Collectors.toMap(EnvVar::getName, EnvVar::getValue));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> probeSpec(Chart.Rendered chart) {
        GenericKubernetesResource probe = chart.generic("StorageProbe").get(0);
        return (Map<String, Object>) probe.getAdditionalProperties().get("spec");
    }
}
