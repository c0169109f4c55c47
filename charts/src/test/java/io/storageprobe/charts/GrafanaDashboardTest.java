package io.storageprobe.charts;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The dashboard answers "which nodes are affected, since when, on which kernel and disk". */
class GrafanaDashboardTest {

    @Test
    void hasAPanelForEachQuestionTheDesignAsks() {
        List<String> titles =
                Dashboard.panels().stream().map(p -> p.path("title").asText()).toList();
        assertThat(titles)
                .contains(
                        "Nodes per verdict",
                        "Affected nodes: kernel, disk and failed rules",
                        "Affected since",
                        "Alignments per target",
                        "Probe duration",
                        "Age of the last run");
    }

    @Test
    void affectedNodesTableShowsKernelTargetAndRule() {
        JsonNode table = panel("Affected nodes: kernel, disk and failed rules");
        String expr = table.path("targets").get(0).path("expr").asText();
        // The labels the table shows must survive the aggregation in the query.
        assertThat(expr)
                .contains(
                        "storageprobe_rule_failed",
                        "storageprobe_node_info",
                        "group_left (kernel_release)",
                        "target",
                        "rule",
                        "node");
    }

    @Test
    void latentFindingsAreAPanelOfTheirOwnNotAffectedRows() {
        String expr =
                panel("Latent findings").path("targets").get(0).path("expr").asText();
        assertThat(expr)
                .contains("storageprobe_rule_latent", "group_left (kernel_release)")
                .doesNotContain("rule_failed");
    }

    @Test
    void everyPanelQueriesPrometheusThroughTheDatasourceVariable() {
        Set<Integer> ids = new HashSet<>();
        for (JsonNode panel : Dashboard.panels()) {
            String title = panel.path("title").asText();
            assertThat(ids.add(panel.path("id").asInt()))
                    .as("unique id of %s", title)
                    .isTrue();
            assertThat(panel.path("description").asText())
                    .as("description of %s", title)
                    .isNotBlank();
            assertThat(panel.path("targets")).as("targets of %s", title).isNotEmpty();
            for (JsonNode target : panel.path("targets")) {
                assertThat(target.path("expr").asText()).as(title).isNotBlank();
                // A fixed datasource uid would break on every Grafana but the author's.
                assertThat(target.path("datasource").path("uid").asText())
                        .as(title)
                        .isEqualTo("${datasource}");
            }
        }
    }

    @Test
    void everyQueryFiltersByTheProbeVariable() {
        for (JsonNode panel : Dashboard.panels()) {
            for (JsonNode target : panel.path("targets")) {
                assertThat(target.path("expr").asText())
                        .as(panel.path("title").asText())
                        .contains("probe=~\"$probe\"");
            }
        }
    }

    @Test
    void hasAStableUidAndTitleForProvisioning() {
        assertThat(Dashboard.json().path("uid").asText()).isEqualTo("storageprobe");
        assertThat(Dashboard.json().path("title").asText()).isEqualTo("StorageProbe");
    }

    private static JsonNode panel(String title) {
        return Dashboard.panels().stream()
                .filter(p -> p.path("title").asText().equals(title))
                .findFirst()
                .orElseThrow();
    }
}
