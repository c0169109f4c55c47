package io.storageprobe.charts;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The operator pod is locked down; the only privileged container (the agent) is created by
 * the operator, not the chart. Also pins the operator's deployment contract (env, ports, probes).
 */
class ChartSecurityTest {
    private final Chart.Rendered chart = Chart.render(Chart.ALL_TOGGLES_SERVICE_MONITOR);
    private final Deployment deployment = chart.one(Deployment.class, "sp-storageprobe-operator");
    private final PodSpec pod = deployment.getSpec().getTemplate().getSpec();

    @Test
    void chartCreatesNoDaemonSetAndNoOtherWorkload() {
        assertThat(chart.all(DaemonSet.class)).isEmpty();
        assertThat(chart.kinds()).doesNotContain("StatefulSet", "CronJob", "Pod");
        assertThat(chart.all(Deployment.class)).hasSize(1);
        // The one Job is the uninstall hook (ChartUninstallHookTest), run only by helm uninstall.
        assertThat(chart.all(Job.class))
                .extracting(j -> j.getMetadata().getAnnotations().get("helm.sh/hook"))
                .containsExactly("pre-delete");
    }

    @Test
    void operatorRunsNonRootWithReadOnlyRootAndNoCapabilities() {
        assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
        assertThat(pod.getSecurityContext().getRunAsUser()).isPositive();
        assertThat(pod.getSecurityContext().getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
        assertThat(pod.getHostNetwork()).isNotEqualTo(Boolean.TRUE);
        assertThat(pod.getHostPID()).isNotEqualTo(Boolean.TRUE);
        assertThat(pod.getHostIPC()).isNotEqualTo(Boolean.TRUE);
        assertThat(pod.getVolumes()).allSatisfy(v -> assertThat(v.getHostPath()).isNull());
        assertThat(pod.getInitContainers()).isNullOrEmpty();
        for (Container c : pod.getContainers()) {
            SecurityContext sc = c.getSecurityContext();
            assertThat(sc.getPrivileged()).as(c.getName()).isFalse();
            assertThat(sc.getAllowPrivilegeEscalation()).as(c.getName()).isFalse();
            assertThat(sc.getReadOnlyRootFilesystem()).as(c.getName()).isTrue();
            assertThat(sc.getRunAsNonRoot()).as(c.getName()).isTrue();
            assertThat(sc.getCapabilities().getDrop()).as(c.getName()).containsExactly("ALL");
            assertThat(sc.getCapabilities().getAdd()).as(c.getName()).isNullOrEmpty();
            assertThat(sc.getSeccompProfile().getType()).as(c.getName()).isEqualTo("RuntimeDefault");
        }
    }

    @Test
    void jvmGetsAWritableTmpBecauseTheRootIsReadOnly() {
        Container c = operatorContainer();
        assertThat(c.getVolumeMounts())
                .anySatisfy(m -> assertThat(m.getMountPath()).isEqualTo("/tmp"));
        String tmpVolume = c.getVolumeMounts().stream()
                .filter(m -> m.getMountPath().equals("/tmp"))
                .findFirst()
                .orElseThrow()
                .getName();
        assertThat(pod.getVolumes()).anySatisfy(v -> {
            assertThat(v.getName()).isEqualTo(tmpVolume);
            assertThat(v.getEmptyDir()).isNotNull();
        });
    }

    @Test
    void operatorGetsTheEnvironmentOfTheDeploymentContract() {
        Container c = operatorContainer();
        Map<String, EnvVar> env = c.getEnv().stream().collect(Collectors.toMap(EnvVar::getName, Function.identity()));
        assertThat(env.get("STORAGEPROBE_NAMESPACE")
                        .getValueFrom()
                        .getFieldRef()
                        .getFieldPath())
                .isEqualTo("metadata.namespace");
        // The agent runs the operator's own image (one image for both).
        assertThat(env.get("STORAGEPROBE_AGENT_IMAGE").getValue()).isEqualTo(c.getImage());
        assertThat(env.get("STORAGEPROBE_AGENT_SERVICE_ACCOUNT").getValue()).isEqualTo("sp-storageprobe-agent");
        assertThat(c.getArgs()).containsExactly("operator");
    }

    @Test
    void imageDigestWinsOverTagAndReachesTheAgentToo() {
        String digest = "sha256:" + "a".repeat(64);
        Container c = Chart.render("image.repository=registry.example/sp", "image.tag=1.2.3", "image.digest=" + digest)
                .one(Deployment.class, "sp-storageprobe-operator")
                .getSpec()
                .getTemplate()
                .getSpec()
                .getContainers()
                .get(0);
        assertThat(c.getImage()).isEqualTo("registry.example/sp@" + digest);
        assertThat(c.getEnv()).anySatisfy(e -> {
            assertThat(e.getName()).isEqualTo("STORAGEPROBE_AGENT_IMAGE");
            assertThat(e.getValue()).isEqualTo("registry.example/sp@" + digest);
        });
    }

    @Test
    void operatorServesMetricsAndHealthOnPort8080() {
        Container c = operatorContainer();
        assertThat(c.getPorts()).singleElement().satisfies(p -> {
            assertThat(p.getContainerPort()).isEqualTo(8080);
            assertThat(p.getName()).isEqualTo("http-metrics");
        });
        assertThat(c.getLivenessProbe().getHttpGet().getPath()).isEqualTo("/healthz");
        assertThat(c.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/readyz");
        assertThat(c.getLivenessProbe().getHttpGet().getPort().getStrVal()).isEqualTo("http-metrics");
    }

    @Test
    void exactlyOneOperatorRunsAtATime() {
        // No leader election: a rolling update would run two reconcilers on the same nodes.
        assertThat(deployment.getSpec().getReplicas()).isEqualTo(1);
        assertThat(deployment.getSpec().getStrategy().getType()).isEqualTo("Recreate");
    }

    @Test
    void operatorHasResourceRequestsAndAMemoryLimit() {
        var resources = operatorContainer().getResources();
        assertThat(resources.getRequests()).containsKeys("cpu", "memory");
        assertThat(resources.getLimits()).containsKey("memory");
    }

    private Container operatorContainer() {
        assertThat(pod.getContainers()).hasSize(1);
        return pod.getContainers().get(0);
    }
}
