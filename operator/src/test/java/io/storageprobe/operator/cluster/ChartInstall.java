package io.storageprobe.operator.cluster;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.NonDeletingOperation;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * The chart's CRDs, ServiceAccounts and RBAC, exactly as {@code helm template --include-crds}
 * renders them, applied the way a user's {@code helm install} would create them. The operator
 * Deployment and the default StorageProbe are left out: the tests run the operator themselves.
 */
public record ChartInstall(String namespace, String operatorServiceAccount, String agentServiceAccount) {
    public static final String RELEASE = "sp";
    public static final String NAMESPACE = "storageprobe-system";
    private static final Set<String> APPLIED_KINDS =
            Set.of("ServiceAccount", "ClusterRole", "ClusterRoleBinding", "Role", "RoleBinding");

    public static ChartInstall install(TestCluster cluster, Path chart) {
        String rendered = Command.of(
                        Helm.binary().toString(),
                        "template",
                        RELEASE,
                        chart.toString(),
                        "--namespace",
                        NAMESPACE,
                        "--include-crds")
                .run(chart, 1, TimeUnit.MINUTES)
                .orThrow()
                .stdout();
        List<String> crds = new ArrayList<>();
        List<HasMetadata> objects = new ArrayList<>();
        for (String doc : rendered.split("(?m)^---\\s*$")) {
            if (doc.lines().allMatch(l -> l.isBlank() || l.startsWith("#"))) {
                continue;
            }
            HasMetadata object = (HasMetadata) Serialization.unmarshal(doc);
            if (object.getKind().equals("CustomResourceDefinition")) {
                crds.add(doc); // as rendered: crds.sh sends the YAML itself
            } else if (APPLIED_KINDS.contains(object.getKind())) {
                objects.add(object);
            }
        }
        cluster.installCrds(write(String.join("\n---\n", crds), cluster.dir().resolve("chart-crds.yaml")));
        KubernetesClient admin = cluster.admin();
        admin.namespaces()
                .resource(new NamespaceBuilder()
                        .withNewMetadata()
                        .withName(NAMESPACE)
                        .endMetadata()
                        .build())
                .createOr(NonDeletingOperation::update);
        for (HasMetadata object : objects) {
            admin.resource(object).createOr(NonDeletingOperation::update);
        }
        List<String> accounts = objects.stream()
                .filter(ServiceAccount.class::isInstance)
                .map(o -> o.getMetadata().getName())
                .toList();
        return new ChartInstall(NAMESPACE, only(accounts, "-operator"), only(accounts, "-agent"));
    }

    private static String only(List<String> accounts, String suffix) {
        List<String> matching =
                accounts.stream().filter(a -> a.endsWith(suffix)).toList();
        if (matching.size() != 1) {
            throw new IllegalStateException(
                    "expected one ServiceAccount named *" + suffix + " in the chart, got " + accounts);
        }
        return matching.get(0);
    }

    private static Path write(String text, Path file) {
        try {
            return Files.writeString(file, text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * What the chart's operator Deployment would be given (its namespace and the agent's
     * ServiceAccount), but without the writer check: for tests whose agents run without Pods and
     * write with a plain ServiceAccount token.
     */
    public io.storageprobe.operator.settings.OperatorSettings operatorSettings() {
        return io.storageprobe.operator.settings.TestingOperatorSettings.of(
                namespace,
                "registry.example/storageprobe:test",
                agentServiceAccount,
                "default",
                0,
                io.storageprobe.operator.settings.OperatorSettings.DEFAULT_KUBEVIRT_POLL,
                false);
    }

    /** What the chart's operator Deployment is given, writer check included (as a deployed operator always has it). */
    public io.storageprobe.operator.settings.OperatorSettings operatorSettingsCheckingWriters() {
        return io.storageprobe.operator.settings.TestingOperatorSettings.of(
                namespace,
                "registry.example/storageprobe:test",
                agentServiceAccount,
                "default",
                0,
                io.storageprobe.operator.settings.OperatorSettings.DEFAULT_KUBEVIRT_POLL,
                true);
    }

    public String operatorUser() {
        return "system:serviceaccount:" + namespace + ":" + operatorServiceAccount;
    }

    public String agentUser() {
        return "system:serviceaccount:" + namespace + ":" + agentServiceAccount;
    }
}
