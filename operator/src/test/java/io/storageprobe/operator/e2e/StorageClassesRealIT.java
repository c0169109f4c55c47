package io.storageprobe.operator.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolume;
import io.fabric8.kubernetes.api.model.PersistentVolumeBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.storage.StorageClassBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.storageprobe.api.result.NodeResult;
import io.storageprobe.api.result.RuleOutcome;
import io.storageprobe.api.result.RuleStatus;
import io.storageprobe.api.result.TargetKind;
import io.storageprobe.api.result.TargetResult;
import io.storageprobe.api.result.Verdict;
import io.storageprobe.api.v1alpha1.StorageClassSummary;
import io.storageprobe.api.v1alpha1.StorageProbe;
import io.storageprobe.api.v1alpha1.StorageProbeResult;
import io.storageprobe.api.v1alpha1.StorageProbeSpec;
import io.storageprobe.api.v1alpha1.StorageProbeStatus;
import io.storageprobe.api.v1alpha1.Targets;
import io.storageprobe.operator.cluster.ChartInstall;
import io.storageprobe.operator.cluster.RealApiServer;
import io.storageprobe.operator.cluster.TestCluster;
import io.storageprobe.operator.settings.OperatorSettings;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Volume targets on a real control plane (issue 11): StorageClasses, PersistentVolumes and
 * their claims are real objects, the results name PersistentVolumes as agents with
 * spec.targets.volumes write them, and the operator, with the chart's RBAC only, reports them per
 * StorageClass: a class that exists, one deleted after its volumes were made, volumes without a
 * class, and a volume whose PersistentVolume does not exist.
 */
@ExtendWith(RealApiServer.class)
class StorageClassesRealIT {
    private static final Duration TIMEOUT = Duration.ofSeconds(90);
    private static final String PROBE = "vmvolumes";
    private static final String LABEL = "verdict.storageprobe.io/" + PROBE;
    /** As the chart's metric-names.txt lists it, which only a cluster with volume targets exports. */
    static final String METRIC = "storageprobe_storageclass_volumes gauge probe,storage_class,verdict";

    private final TestCluster cluster;
    private final ChartInstall chart;
    private final KubernetesClient admin;
    private final ProbeView view;

    StorageClassesRealIT(TestCluster cluster, ChartInstall chart) {
        this.cluster = cluster;
        this.chart = chart;
        this.admin = cluster.admin();
        this.view = new ProbeView(admin, chart.namespace());
    }

    @Test
    void volumesAreReportedPerStorageClassAndCountForNodesOnlyWhenTheSpecSaysSo() throws Exception {
        admin.storage()
                .v1()
                .storageClasses()
                .resource(new StorageClassBuilder()
                        .withNewMetadata()
                        .withName("ceph-block")
                        .endMetadata()
                        .withProvisioner("rbd.csi.ceph.com")
                        .build())
                .create();
        admin.storage()
                .v1()
                .storageClasses()
                .resource(new StorageClassBuilder()
                        .withNewMetadata()
                        .withName("retired-nfs")
                        .endMetadata()
                        .withProvisioner("nfs.csi.k8s.io")
                        .build())
                .create();
        admin.persistentVolumes()
                .resource(pv("pv-ceph-1", "ceph-block", "disk-1"))
                .create();
        admin.persistentVolumes()
                .resource(pv("pv-ceph-2", "ceph-block", "disk-2"))
                .create();
        admin.persistentVolumes().resource(pv("pv-old", "retired-nfs", "old")).create();
        admin.persistentVolumes().resource(pv("pv-static", null, null)).create();
        admin.storage().v1().storageClasses().withName("retired-nfs").delete();
        for (String node : List.of("vol-a", "vol-b")) {
            admin.nodes().resource(LinuxNodes.named(node).build()).create();
        }
        StorageProbe probe = new StorageProbe();
        probe.getMetadata().setName(PROBE);
        probe.setSpec(new StorageProbeSpec(
                null, null, new Targets(null, null, null, true, null), null, "1h", null, null, null));
        StorageProbe created = admin.resource(probe).create();
        // What the agents of vol-a and vol-b write (the agent side is tested on real devices in probe-agent).
        admin.resource(result(
                        created,
                        "vol-a",
                        volume("pv-ceph-1", Verdict.Affected),
                        volume("pv-static", Verdict.Compatible)))
                .create();
        admin.resource(result(
                        created,
                        "vol-b",
                        volume("pv-ceph-2", Verdict.Compatible),
                        volume("pv-old", Verdict.Unsupported),
                        volume("pv-vanished", Verdict.Compatible)))
                .create();

        OperatorSettings settings = chart.operatorSettings();
        int auditMark = cluster.auditLog().size();
        try (RunningOperator operator = RunningOperator.withChartsToken(cluster, chart, settings)) {
            StorageProbeStatus status = await().atMost(TIMEOUT)
                    .until(
                            () -> view.status(PROBE),
                            s -> s != null
                                    && s.storageClasses() != null
                                    && s.storageClasses().size() == 4
                                    && s.summary().nodesReported() == 2);
            System.out.println("STATUS.STORAGECLASSES\n"
                    + cluster.kubectl("get", "storageprobe", PROBE, "-o", "jsonpath={.status.storageClasses}")
                            .orThrow()
                            .stdout());
            Map<String, StorageClassSummary> byClass = status.storageClasses().stream()
                    .collect(Collectors.toMap(StorageClassSummary::storageClass, Function.identity()));
            assertThat(status.storageClasses())
                    .extracting(StorageClassSummary::storageClass)
                    .containsExactly("(none)", "(unknown)", "ceph-block", "retired-nfs");
            assertThat(byClass.get("ceph-block")).satisfies(c -> {
                assertThat(c.exists()).isTrue();
                assertThat(c.provisioner()).isEqualTo("rbd.csi.ceph.com");
                assertThat(c.nodes()).isEqualTo(2);
                assertThat(c.volumes()).isEqualTo(2);
                assertThat(c.affected()).isEqualTo(1);
                assertThat(c.compatible()).isEqualTo(1);
                assertThat(c.affectedVolumes()).singleElement().satisfies(v -> {
                    assertThat(v.persistentVolume()).isEqualTo("pv-ceph-1");
                    assertThat(v.claim()).isEqualTo("vms/disk-1");
                    assertThat(v.node()).isEqualTo("vol-a");
                    assertThat(v.reason()).startsWith("qemu-alignment-probe: ");
                });
            });
            assertThat(byClass.get("retired-nfs").exists()).isFalse();
            assertThat(byClass.get("retired-nfs").unsupported()).isEqualTo(1);
            assertThat(byClass.get("(none)").compatible()).isEqualTo(1);
            assertThat(byClass.get("(unknown)").volumes()).isEqualTo(1);

            // By default a volume does not make its node Affected: vol-a's own disk is fine.
            assertThat(status.summary().affected()).isZero();
            await().atMost(TIMEOUT)
                    .until(() -> "Compatible".equals(view.labels("vol-a").get(LABEL)));
            String scrape = operator.registry().scrape();
            assertThat(scrape)
                    .contains(
                            "storageprobe_storageclass_volumes{probe=\"vmvolumes\",storage_class=\"ceph-block\",verdict=\"Affected\"} 1.0")
                    .contains(
                            "storageprobe_storageclass_volumes{probe=\"vmvolumes\",storage_class=\"(none)\",verdict=\"Compatible\"} 1.0")
                    .containsPattern("# HELP storageprobe_storageclass_volumes \\S");
            assertThat(MetricCatalog.of(scrape, "storageprobe_storageclass")).containsExactly(METRIC);
            assertThat(OperatorEndToEndTest.chartMetricNames()).contains(METRIC);

            // The spec counts volumes for nodes: vol-a turns Affected, and is labelled so.
            admin.resources(StorageProbe.class).withName(PROBE).edit(p -> {
                p.setSpec(new StorageProbeSpec(
                        null, null, new Targets(null, null, null, true, true), null, "1h", null, null, null));
                return p;
            });
            await().atMost(TIMEOUT)
                    .until(() -> "Affected".equals(view.labels("vol-a").get(LABEL)));
            // The status is patched after the labels, in the same reconcile.
            StorageProbeStatus counted = await().atMost(TIMEOUT)
                    .until(() -> view.status(PROBE), s -> s.summary().affected() == 1);
            assertThat(counted.affectedNodes())
                    .singleElement()
                    .satisfies(a -> assertThat(a.targets()).containsExactly("pv/pv-ceph-1"));
        } finally {
            admin.resources(StorageProbe.class).withName(PROBE).delete();
            admin.persistentVolumes().delete();
            admin.storage().v1().storageClasses().delete();
        }
        assertThat(cluster.auditLog()
                        .since(auditMark)
                        .by(chart.operatorUser())
                        .withCode(403)
                        .entries())
                .isEmpty();
    }

    private static PersistentVolume pv(String name, String storageClass, String claim) {
        PersistentVolumeBuilder pv = new PersistentVolumeBuilder()
                .withNewMetadata()
                .withName(name)
                .endMetadata()
                .withNewSpec()
                .withStorageClassName(storageClass)
                .withCapacity(Map.of("storage", new Quantity("10Gi")))
                .withAccessModes("ReadWriteOnce")
                .withVolumeMode("Block")
                .withNewCsi()
                .withDriver("rbd.csi.ceph.com")
                .withVolumeHandle("handle-" + name)
                .endCsi()
                .endSpec();
        if (claim != null) {
            pv.editSpec()
                    .withNewClaimRef()
                    .withNamespace("vms")
                    .withName(claim)
                    .endClaimRef()
                    .endSpec();
        }
        return pv.build();
    }

    private static TargetResult volume(String pv, Verdict verdict) {
        List<RuleOutcome> rules = List.of(new RuleOutcome(
                "qemu-alignment-probe",
                verdict == Verdict.Affected ? RuleStatus.Fail : RuleStatus.Pass,
                verdict == Verdict.Affected
                        ? "a misaligned read failed with EIO, not EINVAL"
                        : "misaligned reads fail with EINVAL"));
        return new TargetResult(
                TargetKind.VOLUME,
                "pv/" + pv,
                "/var/lib/kubelet/plugins/kubernetes.io/csi/volumeDevices/" + pv + "/dev/x",
                null,
                "rbd0",
                null,
                verdict == Verdict.Unsupported ? null : rules,
                verdict,
                verdict == Verdict.Affected
                        ? "qemu-alignment-probe: a misaligned read failed with EIO, not EINVAL"
                        : verdict == Verdict.Unsupported ? "no disk image in the volume" : null,
                null,
                pv);
    }

    private static StorageProbeResult result(StorageProbe probe, String node, TargetResult... volumes) {
        List<TargetResult> targets = new java.util.ArrayList<>(List.of(volumes));
        targets.add(new TargetResult(
                TargetKind.DEVICE,
                "vda",
                "/dev/vda",
                null,
                "vda",
                null,
                List.of(),
                Verdict.Compatible,
                null,
                null,
                null));
        Verdict worst = targets.stream().map(TargetResult::verdict).reduce(Verdict.Compatible, Verdict::worst);
        StorageProbeResult r = new StorageProbeResult();
        r.setMetadata(new ObjectMetaBuilder()
                .withName(StorageProbeResult.nameFor(PROBE, node))
                .addToLabels(StorageProbe.PROBE_LABEL, PROBE)
                .addToLabels(StorageProbe.NODE_LABEL, node)
                .build());
        r.setSpec(new NodeResult(
                PROBE,
                node,
                "6.12.48-amd64",
                "boot-" + node,
                "Debian GNU/Linux 13 (trixie)",
                "2026-12-01T10:00:00Z",
                "0.1.0",
                targets,
                worst,
                null));
        return r;
    }
}
