package io.storageprobe.charts;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** `helm lint --strict` passes, and values.schema.json rejects what the chart cannot use. */
class ChartLintTest {

    @Test
    void lintsStrictWithDefaultValues() {
        assertLintPasses();
    }

    @Test
    void lintsStrictWithEveryToggleOn() {
        assertLintPasses(Chart.ALL_TOGGLES_SERVICE_MONITOR);
        assertLintPasses(Chart.ALL_TOGGLES_POD_MONITOR);
    }

    @Test
    void lintsStrictWithEveryToggleOff() {
        assertLintPasses("defaultProbe.enabled=false", "metrics.service.enabled=false");
    }

    @ParameterizedTest(name = "rejects {0}")
    @ValueSource(
            strings = {
                "image.tagg=1.0", // typo: every level is closed
                "defaultProbe.nodeActions.taint=NoExecute", // not an effect the operator supports
                "defaultProbe.rules={qemu-legacy-dio,no-such-rule}",
                "defaultProbe.name=Not_A_Label_Part", // the name goes into a label key
                "defaultProbe.interval=6 hours",
                "defaultProbe.interval=1d", // the CRD takes h, m and s only
                "defaultProbe.qemu=latest",
                "defaultProbe.targets.paths={relative/dir}",
                "prometheusRule.severity.nodeAffected=page",
                "prometheusRule.resultsStaleSeconds=60",
                "image.pullPolicy=Sometimes",
            })
    void schemaRejectsAValueTheChartCannotUse(String set) {
        Tools.Result r = Chart.helm(Chart.templateArgs(set).toArray(String[]::new));
        assertThat(r.exitCode()).as("helm template --set %s%n%s", set, r.all()).isNotZero();
        assertThat(r.stderr()).contains("schema");
    }

    @Test
    void bothMonitorKindsAtOnceAreRejected() {
        Tools.Result r =
                Chart.helm(Chart.templateArgs("metrics.serviceMonitor.enabled=true", "metrics.podMonitor.enabled=true")
                        .toArray(String[]::new));
        assertThat(r.exitCode()).isNotZero();
        assertThat(r.stderr())
                .contains("metrics.serviceMonitor.enabled and metrics.podMonitor.enabled: enable one, not both");
    }

    /** What the CRD's CEL rule (interval >= 1m) refuses at install time, the chart refuses first. */
    @ParameterizedTest(name = "rejects interval {0}")
    @ValueSource(strings = {"5s", "59s", "0h0m59s", "0m", "30s29s"})
    void intervalsTheCrdRefusesAreRefusedByTheChart(String interval) {
        Tools.Result r = Chart.helm(
                Chart.templateArgs("defaultProbe.interval=" + interval).toArray(String[]::new));
        assertThat(r.exitCode()).as(r.all()).isNotZero();
        assertThat(r.stderr()).contains("defaultProbe.interval: " + interval + " is shorter than the minimum of 1m");
    }

    @ParameterizedTest(name = "accepts interval {0}")
    @ValueSource(strings = {"1m", "60s", "30s30s", "1h30m", "6h"})
    void intervalsOfAtLeastAMinuteAreAccepted(String interval) {
        assertThat(Chart.render("defaultProbe.interval=" + interval).generic("StorageProbe"))
                .hasSize(1);
    }

    @Test
    void serviceMonitorWithoutServicesIsRejected() {
        Tools.Result r =
                Chart.helm(Chart.templateArgs("metrics.serviceMonitor.enabled=true", "metrics.service.enabled=false")
                        .toArray(String[]::new));
        assertThat(r.exitCode()).isNotZero();
        assertThat(r.stderr()).contains("metrics.serviceMonitor.enabled needs metrics.service.enabled");
    }

    private static void assertLintPasses(String... sets) {
        List<String> args = new ArrayList<>(
                List.of("lint", "--strict", Chart.CHART_DIR.toString(), "--namespace", Chart.NAMESPACE));
        for (String set : sets) {
            args.add("--set");
            args.add(set);
        }
        Tools.Result r = Chart.helm(args.toArray(String[]::new));
        assertThat(r.exitCode()).as("helm %s%n%s", args, r.all()).isZero();
        assertThat(r.stdout()).contains("0 chart(s) failed");
    }
}
