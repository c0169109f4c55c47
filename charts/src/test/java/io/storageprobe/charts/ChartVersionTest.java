package io.storageprobe.charts;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** One version everywhere: the build's, the chart's and the image tag the chart defaults to. */
class ChartVersionTest {
    @Test
    void chartAndAppVersionAreTheBuildVersion() throws IOException {
        String pom = Files.readString(Chart.REPO_ROOT.resolve("pom.xml"));
        Matcher build = Pattern.compile("<artifactId>storageprobe-parent</artifactId>\\s*<version>([^<]+)</version>")
                .matcher(pom);
        assertThat(build.find()).as("the parent pom's version").isTrue();
        String chart = Files.readString(Chart.CHART_DIR.resolve("Chart.yaml"));
        assertThat(chart)
                .contains("\nversion: " + build.group(1) + "\n")
                .contains("\nappVersion: \"" + build.group(1) + "\"\n");
        assertThat(build.group(1)).doesNotContain("SNAPSHOT");
    }

    /**
     * The CRDs carry CEL rules (x-kubernetes-validations), which API servers enforce from 1.25: the
     * chart refuses older clusters rather than install CRDs whose checks would silently be dropped.
     */
    @Test
    void kubeVersionIsTheFirstReleaseThatEnforcesTheCrdsCelRules() throws IOException {
        assertThat(Files.readString(Chart.CHART_DIR.resolve("crds/storageprobes.storageprobe.io.yaml")))
                .contains("x-kubernetes-validations:");
        Tools.Result old =
                Chart.helm("template", Chart.RELEASE, Chart.CHART_DIR.toString(), "--kube-version", "1.24.17");
        assertThat(old.exitCode()).isNotZero();
        assertThat(old.all()).contains("kubeVersion");
        Tools.Result first =
                Chart.helm("template", Chart.RELEASE, Chart.CHART_DIR.toString(), "--kube-version", "1.25.0");
        assertThat(first.exitCode()).as(first.all()).isZero();
    }
}
