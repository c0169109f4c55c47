package io.storageprobe.operator.settings;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The chart's environment variables (operator-deployment.yaml) as the operator reads them. */
class OperatorSettingsTest {

    @Test
    void pullSecretsAndArchitecturesAreCommaSeparatedAndEmptyMeansNone() {
        OperatorSettings s = OperatorSettings.fromEnvironment(Map.of(
                "STORAGEPROBE_AGENT_IMAGE_PULL_SECRETS", "regcred, mirror",
                "STORAGEPROBE_AGENT_ARCHITECTURES", "amd64,arm64"));
        assertThat(s.agentImagePullSecrets()).containsExactly("regcred", "mirror");
        assertThat(s.agentArchitectures()).containsExactly("amd64", "arm64");

        OperatorSettings empty = OperatorSettings.fromEnvironment(
                Map.of("STORAGEPROBE_AGENT_IMAGE_PULL_SECRETS", "", "STORAGEPROBE_AGENT_ARCHITECTURES", ""));
        assertThat(empty.agentImagePullSecrets()).isEmpty();
        assertThat(empty.agentArchitectures())
                .as("set but empty: every architecture")
                .isEmpty();
    }

    @Test
    void withoutTheVariablesNoSecretsAndOnlyTheArchitectureTheImageIsBuiltFor() {
        OperatorSettings s = OperatorSettings.fromEnvironment(Map.of());
        assertThat(s.agentImagePullSecrets()).isEmpty();
        assertThat(s.agentArchitectures()).isEqualTo(List.of("amd64"));
    }

    @Test
    void agentPodAnnotationsAreAJsonObjectAndAMalformedOneNamesTheVariable() {
        assertThat(OperatorSettings.fromEnvironment(Map.of(
                                "STORAGEPROBE_AGENT_POD_ANNOTATIONS", "{\"openshift.io/required-scc\":\"privileged\"}"))
                        .agentPodAnnotations())
                .containsExactly(Map.entry("openshift.io/required-scc", "privileged"));
        assertThat(OperatorSettings.fromEnvironment(Map.of()).agentPodAnnotations())
                .isEmpty();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> OperatorSettings.fromEnvironment(
                        Map.of("STORAGEPROBE_AGENT_POD_ANNOTATIONS", "openshift.io/required-scc=privileged")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("STORAGEPROBE_AGENT_POD_ANNOTATIONS is not a JSON object of strings");
    }
}
