package io.storageprobe.charts;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.api.model.rbac.Subject;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** Least privilege: each account gets exactly the verbs its code uses, never a wildcard. */
class ChartRbacTest {
    private final Chart.Rendered chart = Chart.render(Chart.ALL_TOGGLES_SERVICE_MONITOR);

    @Test
    void noRoleAnywhereUsesAWildcard() {
        List<PolicyRule> rules = new java.util.ArrayList<>();
        chart.all(ClusterRole.class).forEach(r -> rules.addAll(r.getRules()));
        chart.all(Role.class).forEach(r -> rules.addAll(r.getRules()));
        assertThat(rules).isNotEmpty();
        for (PolicyRule rule : rules) {
            assertThat(rule.getVerbs()).as("verbs of %s", rule).doesNotContain("*");
            assertThat(rule.getResources()).as("resources of %s", rule).doesNotContain("*");
            assertThat(rule.getApiGroups()).as("apiGroups of %s", rule).doesNotContain("*");
            // resourceNames-free rules with nonResourceURLs would be another way to over-grant.
            assertThat(rule.getNonResourceURLs())
                    .as("nonResourceURLs of %s", rule)
                    .isNullOrEmpty();
        }
    }

    @Test
    void operatorClusterRoleGrantsExactlyWhatTheReconcilerUses() {
        ClusterRole role = chart.one(ClusterRole.class, "sp-storageprobe-operator");
        assertThat(grants(role.getRules()))
                .isEqualTo(Map.of(
                        "storageprobe.io/storageprobes", Set.of("get", "list", "watch", "patch", "update"),
                        "storageprobe.io/storageprobes/status", Set.of("get", "patch", "update"),
                        "kubevirt.io/kubevirts", Set.of("get", "list"),
                        "storageprobe.io/storageprobes/finalizers", Set.of("update"),
                        "storageprobe.io/storageproberesults", Set.of("get", "list", "watch", "delete"),
                        "/nodes", Set.of("get", "list", "watch", "patch"),
                        "/persistentvolumes", Set.of("get", "list", "watch"),
                        "storage.k8s.io/storageclasses", Set.of("get", "list", "watch"),
                        // The writer check reviews the token in each new result version.
                        "authentication.k8s.io/tokenreviews", Set.of("create")));
    }

    @Test
    void operatorRecordsEventsOnlyInNamespaceDefault() {
        // Events about cluster-scoped objects (nodes, StorageProbes) live in "default".
        Role role = chart.one(Role.class, "sp-storageprobe-operator-events");
        assertThat(role.getMetadata().getNamespace()).isEqualTo("default");
        assertThat(grants(role.getRules())).isEqualTo(Map.of("/events", Set.of("create", "patch")));
        RoleBinding rb = chart.one(RoleBinding.class, "sp-storageprobe-operator-events");
        assertThat(rb.getMetadata().getNamespace()).isEqualTo("default");
        assertBoundTo(rb.getSubjects(), rb.getRoleRef().getName().replace("-events", ""), "sp-storageprobe-operator");
        chart.all(ClusterRole.class)
                .forEach(cr -> assertThat(grants(cr.getRules()))
                        .as(cr.getMetadata().getName())
                        .doesNotContainKey("/events"));
    }

    @Test
    void operatorManagesDaemonSetsOnlyInItsOwnNamespace() {
        Role role = chart.one(Role.class, "sp-storageprobe-operator");
        assertThat(role.getMetadata().getNamespace()).isEqualTo(Chart.NAMESPACE);
        // Reading Events there: why the DaemonSet controller's pods were refused; watching the
        // agent pods: which of them kubelet cannot start. Neither reaches another namespace.
        assertThat(grants(role.getRules()))
                .isEqualTo(Map.of(
                        "apps/daemonsets", Set.of("get", "list", "watch", "create", "update", "patch", "delete"),
                        "/events", Set.of("list", "watch"),
                        // Agent pods: an informer for Ready, and the writer check's lookup of a token's Pod.
                        "/pods", Set.of("get", "list", "watch")));
        // No ClusterRole may grant DaemonSets: that would reach every namespace.
        chart.all(ClusterRole.class)
                .forEach(cr -> assertThat(grants(cr.getRules()))
                        .as(cr.getMetadata().getName())
                        .doesNotContainKey("apps/daemonsets"));
    }

    @Test
    void agentMayWriteOnlyResultsAndReadItsProbe() {
        ClusterRole role = chart.one(ClusterRole.class, "sp-storageprobe-agent");
        // No get on results: reading another node's result would give away that agent's writer token.
        assertThat(grants(role.getRules()))
                .isEqualTo(Map.of(
                        "storageprobe.io/storageproberesults", Set.of("create", "patch"),
                        "storageprobe.io/storageprobes", Set.of("get")));
    }

    @Test
    void noRoleLetsTheAgentReadResultsOrPodsOrReviewTokens() {
        // The agent's only grants are its ClusterRole's; none reads results or Pods or reviews tokens.
        chart.all(Role.class).forEach(r -> assertThat(r.getMetadata().getName()).doesNotContain("agent"));
        // The operator reads Pods in its own namespace only: a ClusterRole would reach every namespace's.
        chart.all(ClusterRole.class)
                .forEach(cr -> assertThat(grants(cr.getRules()))
                        .as(cr.getMetadata().getName())
                        .doesNotContainKey("/pods"));
    }

    @Test
    void bindingsGiveEachRoleToItsOwnServiceAccountInTheReleaseNamespace() {
        assertBoundTo(
                chart.one(ClusterRoleBinding.class, "sp-storageprobe-operator").getSubjects(),
                chart.one(ClusterRoleBinding.class, "sp-storageprobe-operator")
                        .getRoleRef()
                        .getName(),
                "sp-storageprobe-operator");
        assertBoundTo(
                chart.one(ClusterRoleBinding.class, "sp-storageprobe-agent").getSubjects(),
                chart.one(ClusterRoleBinding.class, "sp-storageprobe-agent")
                        .getRoleRef()
                        .getName(),
                "sp-storageprobe-agent");
        RoleBinding rb = chart.one(RoleBinding.class, "sp-storageprobe-operator");
        assertThat(rb.getRoleRef().getKind()).isEqualTo("Role");
        assertBoundTo(rb.getSubjects(), rb.getRoleRef().getName(), "sp-storageprobe-operator");
        // Every ServiceAccount a binding names is one the chart creates.
        Set<String> accounts = new TreeSet<>();
        chart.all(io.fabric8.kubernetes.api.model.ServiceAccount.class)
                .forEach(sa -> accounts.add(sa.getMetadata().getName()));
        // (The uninstall hook's account exists only while helm uninstall runs: ChartUninstallHookTest.)
        assertThat(accounts)
                .containsExactlyInAnyOrder(
                        "sp-storageprobe-operator", "sp-storageprobe-agent", "sp-storageprobe-uninstall");
    }

    @Test
    void serviceAccountNamesFromValuesAreWhatTheBindingsUse() {
        Chart.Rendered custom =
                Chart.render("operator.serviceAccount.name=op-sa", "agent.serviceAccount.name=agent-sa");
        assertThat(custom.one(ClusterRoleBinding.class, "sp-storageprobe-agent").getSubjects())
                .extracting(Subject::getName)
                .containsExactly("agent-sa");
        assertThat(custom.one(ClusterRoleBinding.class, "sp-storageprobe-operator")
                        .getSubjects())
                .extracting(Subject::getName)
                .containsExactly("op-sa");
        assertThat(custom.one(io.fabric8.kubernetes.api.model.apps.Deployment.class, "sp-storageprobe-operator")
                        .getSpec()
                        .getTemplate()
                        .getSpec()
                        .getServiceAccountName())
                .isEqualTo("op-sa");
    }

    private static void assertBoundTo(List<Subject> subjects, String roleName, String account) {
        assertThat(roleName).isEqualTo(account);
        assertThat(subjects).hasSize(1);
        Subject s = subjects.get(0);
        assertThat(s.getKind()).isEqualTo("ServiceAccount");
        assertThat(s.getName()).isEqualTo(account);
        assertThat(s.getNamespace()).isEqualTo(Chart.NAMESPACE);
    }

    /** "group/resource" -> verbs, merged over rules; fails if a resource appears twice. */
    private static Map<String, Set<String>> grants(List<PolicyRule> rules) {
        Map<String, Set<String>> out = new TreeMap<>();
        for (PolicyRule rule : rules) {
            assertThat(rule.getResourceNames()).as("resourceNames are not used").isNullOrEmpty();
            for (String group : rule.getApiGroups()) {
                for (String resource : rule.getResources()) {
                    Set<String> previous = out.put(group + "/" + resource, new TreeSet<>(rule.getVerbs()));
                    assertThat(previous)
                            .as("%s/%s granted by one rule only", group, resource)
                            .isNull();
                }
            }
        }
        return out;
    }
}
