package io.storageprobe.charts;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * helm uninstall's pre-delete hook: a Job that deletes the StorageProbes while the operator
 * still runs (else their finalizer never runs: labels, taints and the agent DaemonSets stay).
 * What it does on a real API server is DeleteProbesRealIT's part; here, what the chart renders.
 */
class ChartUninstallHookTest {
    private static final String NAME = "sp-storageprobe-uninstall";
    private final Chart.Rendered chart = Chart.render();

    @Test
    void onByDefaultAJobRunsTheOperatorImagesDeleteProbesBeforeHelmDeletesAnything() {
        Job job = chart.one(Job.class, NAME);
        assertThat(job.getMetadata().getAnnotations()).containsEntry("helm.sh/hook", "pre-delete");
        PodSpec pod = job.getSpec().getTemplate().getSpec();
        Container c = pod.getContainers().get(0);
        Container operator = chart.one(Deployment.class, "sp-storageprobe-operator")
                .getSpec()
                .getTemplate()
                .getSpec()
                .getContainers()
                .get(0);
        assertThat(c.getImage()).isEqualTo(operator.getImage());
        assertThat(c.getArgs()).containsExactly("operator", "delete-probes", "--timeout", "240s");
        assertThat(pod.getServiceAccountName()).isEqualTo(NAME);
        assertThat(pod.getRestartPolicy()).isEqualTo("Never");
        // Helm waits for the Job up to its --timeout (default 5m): the command gives up first.
        assertThat(job.getSpec().getActiveDeadlineSeconds()).isEqualTo(300L);
    }

    @Test
    void theJobIsLockedDownLikeTheOperatorAndHasResources() {
        Job job = chart.one(Job.class, NAME);
        PodSpec pod = job.getSpec().getTemplate().getSpec();
        Container c = pod.getContainers().get(0);
        assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
        assertThat(c.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
        assertThat(c.getSecurityContext().getAllowPrivilegeEscalation()).isFalse();
        assertThat(c.getSecurityContext().getCapabilities().getDrop()).containsExactly("ALL");
        assertThat(c.getVolumeMounts())
                .anySatisfy(m -> assertThat(m.getMountPath()).isEqualTo("/tmp"));
        assertThat(c.getResources().getRequests()).containsKeys("cpu", "memory");
        assertThat(c.getResources().getLimits()).containsEntry("memory", new Quantity("256Mi"));
    }

    @Test
    void itsAccountMayOnlyListAndDeleteStorageProbesAndExistsOnlyForTheHook() {
        ClusterRole role = chart.one(ClusterRole.class, NAME);
        assertThat(role.getRules()).singleElement().satisfies((PolicyRule r) -> {
            assertThat(r.getApiGroups()).containsExactly("storageprobe.io");
            assertThat(r.getResources()).containsExactly("storageprobes");
            assertThat(r.getVerbs()).containsExactlyInAnyOrder("list", "delete");
        });
        ClusterRoleBinding binding = chart.one(ClusterRoleBinding.class, NAME);
        assertThat(binding.getRoleRef().getName()).isEqualTo(NAME);
        assertThat(binding.getSubjects()).singleElement().satisfies(s -> {
            assertThat(s.getName()).isEqualTo(NAME);
            assertThat(s.getNamespace()).isEqualTo(Chart.NAMESPACE);
        });
        // Nothing else grants the hook's account anything.
        assertThat(chart.all(RoleBinding.class))
                .allSatisfy(b -> assertThat(b.getSubjects())
                        .noneSatisfy(s -> assertThat(s.getName()).isEqualTo(NAME)));
        assertThat(chart.all(ClusterRoleBinding.class).stream()
                        .filter(b -> b.getSubjects().stream()
                                .anyMatch(s -> s.getName().equals(NAME))))
                .containsExactly(binding);
        // Account, role and binding are hooks themselves, made before the Job (lower weight) and
        // deleted with it: between install and uninstall they do not exist.
        List<HasMetadata> hookObjects = List.of(chart.one(ServiceAccount.class, NAME), role, binding);
        assertThat(hookObjects).allSatisfy(o -> {
            Map<String, String> a = o.getMetadata().getAnnotations();
            assertThat(a)
                    .containsEntry("helm.sh/hook", "pre-delete")
                    .containsEntry("helm.sh/hook-delete-policy", "before-hook-creation,hook-succeeded");
            assertThat(Integer.parseInt(a.get("helm.sh/hook-weight")))
                    .isLessThan(Integer.parseInt(chart.one(Job.class, NAME)
                            .getMetadata()
                            .getAnnotations()
                            .get("helm.sh/hook-weight")));
        });
        assertThat(chart.all(Role.class))
                .noneSatisfy(r -> assertThat(r.getMetadata().getName()).isEqualTo(NAME));
    }

    @Test
    void offRendersNoHookAtAll() {
        Chart.Rendered off = Chart.render("uninstallHook.enabled=false");
        assertThat(off.objects())
                .noneSatisfy(o -> assertThat(o.getMetadata().getName()).isEqualTo(NAME));
        assertThat(off.all(Job.class)).isEmpty();
    }

    @Test
    void theTimeoutValueReachesTheCommandAndTheJobsDeadline() {
        Job job = Chart.render("uninstallHook.timeoutSeconds=600").one(Job.class, NAME);
        assertThat(job.getSpec().getTemplate().getSpec().getContainers().get(0).getArgs())
                .containsExactly("operator", "delete-probes", "--timeout", "600s");
        assertThat(job.getSpec().getActiveDeadlineSeconds()).isEqualTo(660L);
    }
}
