package io.storageprobe.charts;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** values.schema.json describes every value in values.yaml, and NOTES.txt says what to run next. */
class ValuesSchemaTest {

    @Test
    void everyValueHasADescribedSchemaEntryAndNoLevelAcceptsUnknownKeys() throws IOException {
        JsonNode values = new ObjectMapper(new YAMLFactory())
                .readTree(Chart.CHART_DIR.resolve("values.yaml").toFile());
        JsonNode schema = new ObjectMapper()
                .readTree(Chart.CHART_DIR.resolve("values.schema.json").toFile());
        List<String> problems = new ArrayList<>();
        walk("", values, schema, problems);
        assertThat(problems).isEmpty();
    }

    /** Object values are descended into; maps of free-form keys (labels, ...) stop there. */
    private static void walk(String path, JsonNode value, JsonNode schema, List<String> problems) {
        if (!value.isObject() || !schema.has("properties")) {
            return;
        }
        if (!schema.path("additionalProperties").isBoolean()
                || schema.path("additionalProperties").asBoolean()) {
            problems.add(path + ": schema must set additionalProperties: false");
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = value.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            String child = path.isEmpty() ? field.getKey() : path + "." + field.getKey();
            JsonNode childSchema = schema.path("properties").path(field.getKey());
            if (childSchema.isMissingNode()) {
                problems.add(child + ": not in values.schema.json");
                continue;
            }
            if (childSchema.path("description").asText().isBlank()) {
                problems.add(child + ": no description");
            }
            walk(child, field.getValue(), childSchema, problems);
        }
    }

    @Test
    void notesTellTheUserWhatToRunNext() {
        Tools.Result r = Chart.helm(
                "install",
                Chart.RELEASE,
                Chart.CHART_DIR.toString(),
                "--namespace",
                Chart.NAMESPACE,
                "--dry-run=client",
                "--set",
                "defaultProbe.name=vm-disks");
        assertThat(r.exitCode()).as(r.all()).isZero();
        String notes = r.stdout().substring(r.stdout().indexOf("NOTES:"));
        // Without a cluster to ask, the Pod Security label is always named, before any agent pod.
        assertThat(notes)
                .contains("kubectl label namespace storageprobe-system pod-security.kubernetes.io/enforce=privileged");
        // The same QEMU as the operator's verdict: without --qemu, check judges for every QEMU.
        assertThat(notes)
                .contains("kubectl get storageprobe vm-disks -o jsonpath='{.status.qemu.version}'")
                .contains("storageprobe check --qemu <that version>");
        assertThat(notes)
                .contains("kubectl -n storageprobe-system rollout status deployment/sp-storageprobe-operator")
                .contains("kubectl get storageprobe vm-disks")
                .contains("kubectl get nodes -L verdict.storageprobe.io/vm-disks")
                .contains("key: verdict.storageprobe.io/vm-disks")
                .contains("operator: NotIn")
                .contains("storageprobe check")
                .contains("`helm uninstall` first deletes every StorageProbe (a pre-delete hook Job)")
                .doesNotContain("kubectl delete storageprobes --all");
    }

    @Test
    void notesSayToDeleteTheProbesBeforeUninstallingWhenTheHookIsOff() {
        Tools.Result r = Chart.helm(
                "install",
                Chart.RELEASE,
                Chart.CHART_DIR.toString(),
                "--namespace",
                Chart.NAMESPACE,
                "--dry-run=client",
                "--set",
                "uninstallHook.enabled=false");
        assertThat(r.exitCode()).as(r.all()).isZero();
        assertThat(r.stdout().substring(r.stdout().indexOf("NOTES:")))
                .contains("kubectl delete storageprobes --all --wait")
                .doesNotContain("pre-delete hook");
    }

    @Test
    void notesExplainHowToCreateAProbeWhenTheDefaultOneIsOff() {
        Tools.Result r = Chart.helm(
                "install",
                Chart.RELEASE,
                Chart.CHART_DIR.toString(),
                "--namespace",
                Chart.NAMESPACE,
                "--dry-run=client",
                "--set",
                "defaultProbe.enabled=false");
        assertThat(r.exitCode()).as(r.all()).isZero();
        assertThat(r.stdout()).contains("No StorageProbe was created").contains("kind: StorageProbe");
    }
}
