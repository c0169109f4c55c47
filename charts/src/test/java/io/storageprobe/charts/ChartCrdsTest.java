package io.storageprobe.charts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The chart ships the generated CRDs unchanged. crds/*.yaml at the repo root is the source (the
 * api module generates it); charts/tools/sync-crds.sh copies it into the chart. Until those CRDs
 * are merged, crds/ is absent and these tests fail on purpose.
 */
class ChartCrdsTest {
    private static final Path SOURCE = Chart.REPO_ROOT.resolve("crds");
    private static final Path IN_CHART = Chart.CHART_DIR.resolve("crds");

    @Test
    void chartCrdsAreByteForByteTheGeneratedOnes() throws IOException {
        Map<String, Path> source = crdFiles(SOURCE, ".*\\.yaml");
        if (source.isEmpty()) {
            fail("no %s/*.yaml: the api module generates the CRDs there", SOURCE);
        }
        // Every file in the chart's crds/, so a hand-written extra CRD shows up too.
        Map<String, Path> inChart = crdFiles(IN_CHART, ".*");
        assertThat(inChart.keySet()).as("run charts/tools/sync-crds.sh").isEqualTo(source.keySet());
        for (String name : source.keySet()) {
            assertThat(Files.mismatch(source.get(name), inChart.get(name)))
                    .as("%s differs from the generated one: run charts/tools/sync-crds.sh", name)
                    .isEqualTo(-1L);
        }
    }

    @Test
    void helmInstallsBothContractCrdsClusterScopedAtV1alpha1() throws IOException {
        Tools.Result r = Chart.helm("template", Chart.RELEASE, Chart.CHART_DIR.toString(), "--include-crds");
        assertThat(r.exitCode()).as(r.all()).isZero();
        List<CustomResourceDefinition> crds = Chart.Rendered.parse(r.stdout()).all(CustomResourceDefinition.class);
        Map<String, CustomResourceDefinition> byName =
                crds.stream().collect(Collectors.toMap(c -> c.getMetadata().getName(), c -> c));
        assertThat(byName)
                .as("CRDs in the chart (charts/tools/sync-crds.sh copies them from crds/)")
                .containsOnlyKeys("storageprobes.storageprobe.io", "storageproberesults.storageprobe.io");
        assertKind(byName.get("storageprobes.storageprobe.io"), "StorageProbe", "storageprobes");
        assertKind(byName.get("storageproberesults.storageprobe.io"), "StorageProbeResult", "storageproberesults");
        assertThat(byName.get("storageprobes.storageprobe.io")
                        .getSpec()
                        .getNames()
                        .getShortNames())
                .contains("sprobe");
        // Helm passes the files through unchanged: each generated file appears verbatim.
        for (Path file : crdFiles(SOURCE, ".*\\.yaml").values()) {
            assertThat(r.stdout())
                    .as(file.toString())
                    .contains(Files.readString(file).strip());
        }
    }

    @Test
    void theChartsStorageProbeIsValidForTheGeneratedCrd() throws IOException {
        Path crdFile = SOURCE.resolve("storageprobes.storageprobe.io.yaml");
        assertThat(crdFile).as("the api module generates it").exists();
        JsonNode crd = new ObjectMapper(new YAMLFactory()).readTree(crdFile.toFile());
        JsonNode specSchema = crd.path("spec")
                .path("versions")
                .get(0)
                .path("schema")
                .path("openAPIV3Schema")
                .path("properties")
                .path("spec");
        assertThat(specSchema.isMissingNode()).isFalse();
        // Defaults, and every field the chart's values can set.
        List<String[]> variants = List.of(new String[0], new String[] {
            "defaultProbe.nodeSelector.storage=local", "defaultProbe.tolerations[0].operator=Exists",
            "defaultProbe.targets.devices.include={nvme*n*}", "defaultProbe.targets.devices.exclude={sdz}",
            "defaultProbe.targets.paths={/var/lib/kubelet}", "defaultProbe.targets.files={/var/lib/images/disk.img}",
            "defaultProbe.rules={qemu-legacy-dio,dio-not-buffered}", "defaultProbe.interval=12h30m",
            "defaultProbe.nodeActions.label=false", "defaultProbe.nodeActions.taint=PreferNoSchedule",
            "defaultProbe.agent.image=registry.example/sp:1",
                    "defaultProbe.agent.priorityClassName=system-node-critical"
        });
        for (String[] sets : variants) {
            GenericKubernetesResource probe =
                    Chart.render(sets).generic("StorageProbe").get(0);
            JsonNode spec = new ObjectMapper()
                    .valueToTree(probe.getAdditionalProperties().get("spec"));
            assertThat(CrdSchemaCheck.problems(spec, specSchema))
                    .as(List.of(sets).toString())
                    .isEmpty();
        }
    }

    private static void assertKind(CustomResourceDefinition crd, String kind, String plural) {
        assertThat(crd.getSpec().getGroup()).isEqualTo("storageprobe.io");
        assertThat(crd.getSpec().getNames().getKind()).isEqualTo(kind);
        assertThat(crd.getSpec().getNames().getPlural()).isEqualTo(plural);
        assertThat(crd.getSpec().getScope()).isEqualTo("Cluster");
        assertThat(crd.getSpec().getVersions()).anySatisfy(v -> {
            assertThat(v.getName()).isEqualTo("v1alpha1");
            assertThat(v.getServed()).isTrue();
        });
    }

    private static Map<String, Path> crdFiles(Path dir, String nameRegex) throws IOException {
        if (!Files.isDirectory(dir)) {
            return Map.of();
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> p.getFileName().toString().matches(nameRegex))
                    .collect(Collectors.toMap(p -> p.getFileName().toString(), p -> p));
        }
    }
}
