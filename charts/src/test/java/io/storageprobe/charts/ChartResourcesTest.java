package io.storageprobe.charts;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Labels, Services and the objects each toggle adds or removes. */
class ChartResourcesTest {
    private static final List<String> MONITORING_KINDS = List.of("ServiceMonitor", "PodMonitor", "PrometheusRule");

    @Test
    void everyObjectCarriesTheReleaseLabelsAndNamespacedOnesTheReleaseNamespace() {
        Chart.Rendered chart = Chart.render(Chart.ALL_TOGGLES_SERVICE_MONITOR);
        for (HasMetadata o : chart.objects()) {
            String what = o.getKind() + "/" + o.getMetadata().getName();
            assertThat(o.getMetadata().getLabels())
                    .as(what)
                    .containsEntry("app.kubernetes.io/instance", Chart.RELEASE)
                    .containsEntry("app.kubernetes.io/managed-by", "Helm")
                    .containsEntry("app.kubernetes.io/part-of", "storageprobe")
                    .containsKey("app.kubernetes.io/name");
            boolean clusterScoped =
                    List.of("ClusterRole", "ClusterRoleBinding", "StorageProbe").contains(o.getKind());
            if (clusterScoped) {
                assertThat(o.getMetadata().getNamespace()).as(what).isNull();
            } else {
                assertThat(o)
                        .as(what + " is namespaced")
                        .matches(x -> x instanceof Namespaced || x instanceof GenericKubernetesResource);
                // The one exception: events about cluster-scoped objects are recorded in "default".
                String expected = o.getMetadata().getName().endsWith("-operator-events") ? "default" : Chart.NAMESPACE;
                assertThat(o.getMetadata().getNamespace()).as(what).isEqualTo(expected);
            }
        }
    }

    @Test
    void noTypedObjectCarriesAFieldItsKindDoesNotHave() {
        for (String[] toggles : List.of(Chart.ALL_TOGGLES_SERVICE_MONITOR, Chart.ALL_TOGGLES_POD_MONITOR)) {
            Chart.Rendered chart = Chart.render(toggles);
            // Only the StorageProbe is untyped here; everything else must map onto a model class.
            assertThat(chart.all(GenericKubernetesResource.class))
                    .extracting(HasMetadata::getKind)
                    .containsOnly("StorageProbe");
            for (HasMetadata o : chart.objects()) {
                assertThat(UnknownFields.in(o))
                        .as(o.getKind() + "/" + o.getMetadata().getName())
                        .isEmpty();
            }
        }
    }

    @Test
    void operatorPodCarriesItsContractNameAndTheSelectorMatchesIt() {
        Deployment d = Chart.render().one(Deployment.class, "sp-storageprobe-operator");
        Map<String, String> podLabels = d.getSpec().getTemplate().getMetadata().getLabels();
        assertThat(podLabels).containsEntry("app.kubernetes.io/name", "storageprobe-operator");
        assertThat(podLabels).containsAllEntriesOf(d.getSpec().getSelector().getMatchLabels());
        // A selector with the chart version in it would break every upgrade (selectors are immutable).
        assertThat(d.getSpec().getSelector().getMatchLabels())
                .doesNotContainKeys("helm.sh/chart", "app.kubernetes.io/version");
    }

    @Test
    void metricsServicesSelectTheContractLabelsAndPorts() {
        Chart.Rendered chart = Chart.render();
        Deployment d = chart.one(Deployment.class, "sp-storageprobe-operator");
        Service operator = chart.one(Service.class, "sp-storageprobe-operator-metrics");
        assertThat(d.getSpec().getTemplate().getMetadata().getLabels())
                .containsAllEntriesOf(operator.getSpec().getSelector());
        assertThat(operator.getSpec().getPorts())
                .singleElement()
                .satisfies(p -> assertThat(p.getTargetPort().getIntVal()).isEqualTo(8080));

        // Agent pods are made by the operator and carry only the contract label, not the instance.
        Service agent = chart.one(Service.class, "sp-storageprobe-agent-metrics");
        assertThat(agent.getSpec().getSelector()).isEqualTo(Map.of("app.kubernetes.io/name", "storageprobe-agent"));
        assertThat(agent.getSpec().getClusterIP())
                .as("headless: one target per agent pod")
                .isEqualTo("None");
        assertThat(agent.getSpec().getPorts())
                .singleElement()
                .satisfies(p -> assertThat(p.getTargetPort().getIntVal()).isEqualTo(9402));
        assertThat(agent.getMetadata().getLabels()).containsEntry("app.kubernetes.io/name", "storageprobe-agent");
    }

    @Test
    void defaultValuesNeedNoPrometheusOperatorOrGrafana() {
        Chart.Rendered chart = Chart.render();
        assertThat(chart.kinds()).doesNotContainAnyElementsOf(MONITORING_KINDS);
        assertThat(chart.all(ConfigMap.class)).isEmpty();
    }

    @Test
    void serviceMonitorsSelectTheMetricsServicesAndNameTheJobsTheAlertsUse() {
        Chart.Rendered chart = Chart.render(
                "metrics.serviceMonitor.enabled=true", "metrics.serviceMonitor.labels.release=kube-prometheus-stack");
        List<GenericKubernetesResource> monitors = chart.generic("ServiceMonitor");
        assertThat(monitors).hasSize(2);
        for (GenericKubernetesResource m : monitors) {
            assertThat(m.getMetadata().getLabels()).containsEntry("release", "kube-prometheus-stack");
            assertThat((String) m.get("spec", "jobLabel")).isEqualTo("app.kubernetes.io/name");
            Map<String, String> selector = m.get("spec", "selector", "matchLabels");
            // Each monitor must match exactly one of the chart's Services, by its labels.
            List<Service> matched = chart.all(Service.class).stream()
                    .filter(s -> s.getMetadata().getLabels().entrySet().containsAll(selector.entrySet()))
                    .toList();
            assertThat(matched).as(m.getMetadata().getName()).hasSize(1);
            String port = m.get("spec", "endpoints", 0, "port");
            assertThat(matched.get(0).getSpec().getPorts())
                    .anySatisfy(p -> assertThat(p.getName()).isEqualTo(port));
        }
        assertThat(chart.generic("PodMonitor")).isEmpty();
    }

    @Test
    void podMonitorKeepsOnlyTheAgentMetricsPort() {
        Chart.Rendered chart = Chart.render("metrics.podMonitor.enabled=true");
        GenericKubernetesResource agent = chart.generic("PodMonitor").stream()
                .filter(m -> m.getMetadata().getName().equals("sp-storageprobe-agent"))
                .findFirst()
                .orElseThrow();
        assertThat((Map<String, String>) agent.get("spec", "selector", "matchLabels"))
                .isEqualTo(Map.of("app.kubernetes.io/name", "storageprobe-agent"));
        List<Map<String, Object>> relabelings = agent.get("spec", "podMetricsEndpoints", 0, "relabelings");
        assertThat(relabelings).anySatisfy(r -> {
            assertThat(r).containsEntry("action", "keep").containsEntry("regex", "9402");
        });
        assertThat(relabelings).anySatisfy(r -> assertThat(r).containsEntry("targetLabel", "node"));
        assertThat(relabelings).anySatisfy(r -> assertThat(r).containsEntry("targetLabel", "probe"));
        assertThat(chart.generic("ServiceMonitor")).isEmpty();
    }

    @Test
    void grafanaDashboardConfigMapKeepsTheSidecarLabelWhateverExtraLabelsSay() {
        Chart.Rendered chart = Chart.render(
                "grafanaDashboard.enabled=true",
                "grafanaDashboard.labels.grafana_dashboard=off",
                "grafanaDashboard.labels.team=storage");
        ConfigMap cm = chart.one(ConfigMap.class, "sp-storageprobe-dashboard");
        assertThat(cm.getMetadata().getLabels())
                .containsEntry("grafana_dashboard", "1")
                .containsEntry("team", "storage");
        assertThat(cm.getData()).containsOnlyKeys("storageprobe.json");
        assertThat(cm.getData().get("storageprobe.json")).isEqualTo(Dashboard.rawJson());
    }

    @Test
    void prometheusRuleToggleAddsExactlyOneRule() {
        assertThat(Chart.render("prometheusRule.enabled=true").generic("PrometheusRule"))
                .hasSize(1);
    }

    @Test
    void defaultStorageProbeHasTheAgreedAgentResourcesAndOnlyTheFieldsSet() {
        GenericKubernetesResource probe = Chart.render().generic("StorageProbe").get(0);
        assertThat(probe.getApiVersion()).isEqualTo("storageprobe.io/v1alpha1");
        assertThat(probe.getMetadata().getName()).isEqualTo("default");
        Map<String, Object> resources = probe.get("spec", "agent", "resources");
        assertThat(resources)
                .isEqualTo(Map.of(
                        "requests", Map.of("memory", "112Mi", "cpu", "10m"),
                        "limits", Map.of("memory", "192Mi")));
        Map<String, Object> spec = probe.get("spec");
        // Empty lists stay out, so the CRD defaults (all disks, tolerate all taints, all rules) apply.
        assertThat(spec).containsOnlyKeys("agent", "interval", "nodeActions");
        assertThat((Map<String, Object>) probe.get("spec", "nodeActions"))
                .isEqualTo(Map.of("label", true, "taint", "None"));
    }

    @Test
    void defaultStorageProbeTakesTargetsAndTaintFromValues() {
        GenericKubernetesResource probe = Chart.render(
                        "defaultProbe.name=vm-disks",
                        "defaultProbe.targets.paths={/var/lib/kubelet}",
                        "defaultProbe.targets.devices.exclude={sdz}",
                        "defaultProbe.nodeActions.taint=NoSchedule",
                        "defaultProbe.rules={qemu-legacy-dio}")
                .generic("StorageProbe")
                .get(0);
        assertThat(probe.getMetadata().getName()).isEqualTo("vm-disks");
        assertThat((List<String>) probe.get("spec", "targets", "paths")).containsExactly("/var/lib/kubelet");
        assertThat((Map<String, Object>) probe.get("spec", "targets", "devices"))
                .isEqualTo(Map.of("exclude", List.of("sdz")));
        assertThat((String) probe.get("spec", "nodeActions", "taint")).isEqualTo("NoSchedule");
        assertThat((List<String>) probe.get("spec", "rules")).containsExactly("qemu-legacy-dio");
    }

    @Test
    void defaultStorageProbeTakesTheQemuAsWrittenNotAsANumber() {
        // 9.10 read as a number would render as 9.1.
        GenericKubernetesResource probe =
                Chart.render("defaultProbe.qemu=9.10").generic("StorageProbe").get(0);
        assertThat((String) probe.get("spec", "qemu")).isEqualTo("9.10");
    }

    @Test
    void defaultStorageProbeCanBeLeftOut() {
        assertThat(Chart.render("defaultProbe.enabled=false").generic("StorageProbe"))
                .isEmpty();
    }
}
