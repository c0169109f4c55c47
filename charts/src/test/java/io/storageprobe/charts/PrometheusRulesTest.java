package io.storageprobe.charts;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The chart's alerts, checked by the real promtool: the rendered rules load
 * (`promtool check rules`) and behave as src/test/promtool/storageprobe-alerts.test.yaml
 * says (`promtool test rules`): each alert fires when it should and stays silent otherwise.
 */
class PrometheusRulesTest {
    private static final List<String> CONTRACT_ALERTS = List.of(
            "StorageProbeNodeAffected",
            "StorageProbeProbeErrors",
            "StorageProbeResultsStale",
            "StorageProbeAgentMissing",
            "StorageProbeStorageClassAffected",
            "StorageProbeOperatorDown",
            "StorageProbeNotReady");
    private static final Path TEST_SOURCE = Chart.MODULE_DIR.resolve("src/test/promtool/storageprobe-alerts.test.yaml");
    private static final Path WORK = Chart.MODULE_DIR.resolve("target/promtool");
    private static final Path RUNBOOKS = Chart.REPO_ROOT.resolve("docs/runbooks.md");

    private static Map<String, Object> spec;
    private static List<Map<String, Object>> rules;

    @BeforeAll
    static void render() throws IOException {
        spec = PrometheusRules.spec();
        rules = PrometheusRules.rules(spec);
        // The test file names its rule file relative to itself: put both in one directory.
        PrometheusRules.writeRuleFile(spec, WORK.resolve("storageprobe-rules.yaml"));
        Files.copy(TEST_SOURCE, WORK.resolve(TEST_SOURCE.getFileName()), StandardCopyOption.REPLACE_EXISTING);
    }

    @Test
    void promtoolAcceptsTheRenderedRules() {
        Tools.Result r =
                Tools.run(List.of(Tools.promtool().toString(), "check", "rules", "storageprobe-rules.yaml"), WORK);
        assertThat(r.exitCode()).as(r.all()).isZero();
        assertThat(r.stdout()).contains("SUCCESS: " + CONTRACT_ALERTS.size() + " rules found");
    }

    @Test
    void promtoolUnitTestsPass() {
        Tools.Result r = Tools.run(
                List.of(
                        Tools.promtool().toString(),
                        "test",
                        "rules",
                        TEST_SOURCE.getFileName().toString()),
                WORK);
        assertThat(r.exitCode()).as(r.all()).isZero();
    }

    @Test
    void theAlertsAreExactlyTheContractOnes() {
        assertThat(rules).extracting(r -> r.get("alert")).containsExactlyInAnyOrderElementsOf(CONTRACT_ALERTS);
    }

    @Test
    @SuppressWarnings("unchecked")
    void everyAlertHasSeveritySummaryDescriptionRunbookAndWaitsSeveralMinutes() {
        for (Map<String, Object> rule : rules) {
            String alert = (String) rule.get("alert");
            assertThat((Map<String, String>) rule.get("labels")).as(alert).containsKey("severity");
            Map<String, String> annotations = (Map<String, String>) rule.get("annotations");
            assertThat(annotations).as(alert).containsKeys("summary", "description", "runbook_url");
            assertThat(annotations.values())
                    .as(alert)
                    .allSatisfy(v -> assertThat(v).isNotBlank());
            // A verdict or a scrape gap of one or two minutes must not page anyone.
            assertThat(promDuration((String) rule.get("for")))
                    .as("for: of %s", alert)
                    .isGreaterThanOrEqualTo(Duration.ofMinutes(5));
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void everyRunbookLinkPointsToASectionOfDocsRunbooks() throws IOException {
        assertThat(RUNBOOKS).exists();
        Set<String> anchors = Files.readAllLines(RUNBOOKS).stream()
                .filter(l -> l.startsWith("#"))
                .map(PrometheusRulesTest::githubAnchor)
                .collect(Collectors.toSet());
        for (Map<String, Object> rule : rules) {
            String url = ((Map<String, String>) rule.get("annotations")).get("runbook_url");
            assertThat(url).as((String) rule.get("alert")).contains("docs/runbooks.md#");
            assertThat(anchors).as("runbooks.md heading for %s", url).contains(url.substring(url.indexOf('#') + 1));
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void severityRunbookBaseAndStaleThresholdComeFromValues() {
        List<Map<String, Object>> custom = PrometheusRules.rules(PrometheusRules.spec(
                "prometheusRule.severity.nodeAffected=critical",
                "prometheusRule.runbookBaseUrl=https://wiki.example/runbooks/",
                "prometheusRule.resultsStaleSeconds=90000"));
        Map<String, Map<String, Object>> byName =
                custom.stream().collect(Collectors.toMap(r -> (String) r.get("alert"), r -> r));
        assertThat((Map<String, String>) byName.get("StorageProbeNodeAffected").get("labels"))
                .containsEntry("severity", "critical");
        assertThat(((Map<String, String>) byName.get("StorageProbeProbeErrors").get("annotations")).get("runbook_url"))
                .isEqualTo("https://wiki.example/runbooks#storageprobeprobeerrors");
        // The fixed threshold only stands in for the interval the operator exports.
        assertThat((String) byName.get("StorageProbeResultsStale").get("expr"))
                .contains("2 * max by (probe) (storageprobe_probe_interval_seconds) + 3600")
                .contains("+ 90000");
    }

    @Test
    void theUnitTestFileHasAFiringAndASilentCaseForEveryAlert() throws IOException {
        JsonNode tests = new ObjectMapper(new YAMLFactory())
                .readTree(TEST_SOURCE.toFile())
                .path("tests");
        Set<String> fires = new HashSet<>();
        Set<String> silent = new HashSet<>();
        for (JsonNode group : tests) {
            for (JsonNode check : group.path("alert_rule_test")) {
                String alert = check.path("alertname").asText();
                (check.path("exp_alerts").isEmpty() ? silent : fires).add(alert);
            }
        }
        assertThat(fires).containsAll(CONTRACT_ALERTS);
        assertThat(silent).containsAll(CONTRACT_ALERTS);
    }

    /** GitHub's heading anchor: lower case, spaces to dashes, punctuation dropped. */
    private static String githubAnchor(String heading) {
        return heading.replaceFirst("^#+\\s*", "")
                .strip()
                .toLowerCase(Locale.ROOT)
                .replaceAll("[^a-z0-9 _-]", "")
                .replace(' ', '-');
    }

    private static final Pattern DURATION = Pattern.compile("(\\d+)(ms|s|m|h|d|w|y)");

    private static Duration promDuration(String text) {
        assertThat(text).matches("(\\d+(ms|s|m|h|d|w|y))+");
        Duration total = Duration.ZERO;
        Matcher m = DURATION.matcher(text);
        while (m.find()) {
            long n = Long.parseLong(m.group(1));
            total = total.plus(
                    switch (m.group(2)) {
                        case "ms" -> Duration.ofMillis(n);
                        case "s" -> Duration.ofSeconds(n);
                        case "m" -> Duration.ofMinutes(n);
                        case "h" -> Duration.ofHours(n);
                        case "d" -> Duration.ofDays(n);
                        case "w" -> Duration.ofDays(7 * n);
                        default -> Duration.ofDays(365 * n);
                    });
        }
        return total;
    }
}
