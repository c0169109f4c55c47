package io.storageprobe.charts;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * openshift.enabled, both ways (issue 19): restricted-v2 refuses the fixed uid and fsGroup, and
 * nothing but the privileged SCC admits the agent pods.
 */
class ChartOpenShiftTest {
    private static final String SCC_BINDING = "sp-storageprobe-agent-scc-privileged";

    @Test
    void onOpenShiftTheOperatorHasNoFixedUidAndTheAgentMayUseAndAsksForThePrivilegedScc() {
        Chart.Rendered chart = Chart.render("openshift.enabled=true");
        Deployment d = chart.one(Deployment.class, "sp-storageprobe-operator");
        PodSecurityContext pod = d.getSpec().getTemplate().getSpec().getSecurityContext();
        assertThat(pod.getRunAsUser()).isNull();
        assertThat(pod.getRunAsGroup()).isNull();
        assertThat(pod.getFsGroup()).isNull();
        assertThat(pod.getRunAsNonRoot()).isTrue();
        assertThat(d.getSpec().getTemplate().getMetadata().getAnnotations())
                .containsEntry("openshift.io/required-scc", "restricted-v2");
        assertThat(env(d, "STORAGEPROBE_AGENT_POD_ANNOTATIONS"))
                .isEqualTo("{\"openshift.io/required-scc\":\"privileged\"}");

        RoleBinding scc = chart.one(RoleBinding.class, SCC_BINDING);
        assertThat(scc.getMetadata().getNamespace()).isEqualTo(Chart.NAMESPACE);
        assertThat(scc.getRoleRef().getKind()).isEqualTo("ClusterRole");
        assertThat(scc.getRoleRef().getName()).isEqualTo("system:openshift:scc:privileged");
        assertThat(scc.getSubjects()).singleElement().satisfies(s -> {
            assertThat(s.getKind()).isEqualTo("ServiceAccount");
            assertThat(s.getName()).isEqualTo("sp-storageprobe-agent");
            assertThat(s.getNamespace()).isEqualTo(Chart.NAMESPACE);
        });
    }

    @Test
    void elsewhereTheOperatorRunsAsTheImagesFixedUidAndNoSccIsMentioned() {
        Chart.Rendered chart = Chart.render();
        Deployment d = chart.one(Deployment.class, "sp-storageprobe-operator");
        PodSecurityContext pod = d.getSpec().getTemplate().getSpec().getSecurityContext();
        assertThat(pod.getRunAsUser()).isEqualTo(65532L);
        assertThat(pod.getFsGroup()).isEqualTo(65532L);
        assertThat(d.getSpec().getTemplate().getMetadata().getAnnotations()).isNullOrEmpty();
        assertThat(env(d, "STORAGEPROBE_AGENT_POD_ANNOTATIONS")).isEqualTo("{}");
        assertThat(chart.all(RoleBinding.class))
                .extracting(rb -> rb.getMetadata().getName())
                .doesNotContain(SCC_BINDING);
        assertThat(chart.yaml()).doesNotContain("openshift.io/required-scc");
    }

    @Test
    void ownAgentPodAnnotationsAreKeptBesideTheScc() {
        Deployment d = Chart.render("openshift.enabled=true", "agent.podAnnotations.team=storage")
                .one(Deployment.class, "sp-storageprobe-operator");
        assertThat(env(d, "STORAGEPROBE_AGENT_POD_ANNOTATIONS"))
                .isEqualTo("{\"openshift.io/required-scc\":\"privileged\",\"team\":\"storage\"}");
    }

    private static String env(Deployment d, String name) {
        List<EnvVar> env =
                d.getSpec().getTemplate().getSpec().getContainers().get(0).getEnv();
        return env.stream()
                .filter(e -> e.getName().equals(name))
                .findFirst()
                .orElseThrow()
                .getValue();
    }
}
