package io.storageprobe.charts;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The image's entrypoint (image/storageprobe) sends `operator` to operator.jar and everything
 * else to the agent's storageprobe.jar, where the Dockerfile puts them, with the Java 25 flags
 * (compact headers; for the agent's jar its AOT cache, when the image has one). Runs the real script
 * under /bin/sh with a stand-in `java` on PATH that prints its arguments. Building the image
 * takes minutes (image/build.sh, proved loadable by image/check-archive.sh), so it is not done
 * here; the daemonless build and the Dockerfile are checked to agree on what they build.
 */
class ImageEntrypointTest {
    private static final Path ENTRYPOINT = Chart.REPO_ROOT.resolve("image/storageprobe");
    private static final Path DOCKERFILE = Chart.REPO_ROOT.resolve("Dockerfile");
    private static final Path BUILD_SCRIPT = Chart.REPO_ROOT.resolve("image/build.sh");
    /** The agent daemon's periodic malloc_trim. */
    private static final String TRIM = "-XX:TrimNativeHeapInterval=10000";

    @TempDir
    Path bin;

    @Test
    void operatorSubcommandRunsTheOperatorJar() throws IOException {
        assertThat(run("operator", "--flag"))
                .isEqualTo("-XX:+UseCompactObjectHeaders -jar /opt/storageprobe/operator.jar --flag");
    }

    @Test
    void everyOtherSubcommandRunsTheAgentJarWithAllArguments() throws IOException {
        String flags = "-XX:+UseCompactObjectHeaders --enable-native-access=ALL-UNNAMED ";
        assertThat(run("check", "--device", "sda", "--output", "json"))
                .isEqualTo(flags + "-jar /opt/storageprobe/storageprobe.jar check --device sda --output json");
        assertThat(run("agent", "--probe", "p"))
                .isEqualTo("-XX:+UseCompactObjectHeaders " + TRIM + " --enable-native-access=ALL-UNNAMED "
                        + "-jar /opt/storageprobe/storageprobe.jar agent --probe p");
    }

    @Test
    void onlyTheAgentDaemonTrimsItsNativeHeap() throws IOException {
        // The daemon lives for days; the CLI and the probe children (started by the agent's JVM
        // itself, not through this script) end in seconds (docs/performance.md "Footprint").
        assertThat(run("agent")).contains(TRIM);
        assertThat(run("check", "--file", "f")).doesNotContain("TrimNativeHeap");
        assertThat(run("operator")).doesNotContain("TrimNativeHeap");
    }

    @Test
    void theCliRunsWithTheImagesAotCacheWhenThereIsOneTheAgentDaemonWithout(@TempDir Path home) throws IOException {
        Files.writeString(home.resolve("storageprobe.aot"), "cache");
        List<String> env = List.of("STORAGEPROBE_HOME=" + home);
        assertThat(run(env, "check", "--file", "f"))
                .isEqualTo("-XX:+UseCompactObjectHeaders -XX:AOTCache="
                        + home
                        + "/storageprobe.aot -Xlog:aot=off -Xlog:cds=off --enable-native-access=ALL-UNNAMED -jar "
                        + home + "/storageprobe.jar check --file f");
        // The relocated cache costs the long-lived daemon more than its classes would (docs/performance.md).
        assertThat(run(env, "agent"))
                .isEqualTo("-XX:+UseCompactObjectHeaders " + TRIM + " --enable-native-access=ALL-UNNAMED -jar " + home
                        + "/storageprobe.jar agent");
    }

    @Test
    void dockerfilePutsTheJarsWhereTheEntrypointLooksAndUsesAPublicJreBase() throws IOException {
        String dockerfile = Files.readString(DOCKERFILE);
        assertThat(dockerfile)
                .contains("ARG BASE_IMAGE=eclipse-temurin:25-jre")
                .contains("-XX:AOTCacheOutput=/opt/storageprobe/storageprobe.aot")
                .contains("/opt/storageprobe/storageprobe.jar")
                .contains("/opt/storageprobe/operator.jar")
                .contains("COPY image/storageprobe /usr/local/bin/storageprobe")
                .contains("ENTRYPOINT [\"/usr/local/bin/storageprobe\"]");
    }

    @Test
    void daemonlessBuildTrainsTheAotCacheLikeTheDockerfileAndKeepsItsEntrypoint() throws IOException {
        // A cache trained with other flags is refused at start (header layout, GC): the two builds
        // must run the same training command.
        String dockerfile = Files.readString(DOCKERFILE);
        String script = Files.readString(BUILD_SCRIPT);
        String training = trainingCommand(dockerfile);
        assertThat(training)
                .startsWith("java -XX:AOTCacheOutput=")
                .endsWith("aot-training /opt/storageprobe/storageprobe.jar");
        assertThat(trainingCommand(script)).isEqualTo(training);
        assertThat(script)
                .contains("--config.entrypoint /usr/local/bin/storageprobe --config.cmd --help")
                .contains("\"$AGENT_JAR\" \"$upper/opt/storageprobe/storageprobe.jar\"")
                .contains("\"$OPERATOR_JAR\" \"$upper/opt/storageprobe/operator.jar\"")
                .contains("\"$here/storageprobe\" \"$upper/usr/local/bin/storageprobe\"");
        assertThat(dockerfile).contains("CMD [\"--help\"]");
    }

    /** The `java -XX:AOTCacheOutput=... aot-training JAR` command, line continuations joined. */
    private static String trainingCommand(String file) {
        String joined = file.replaceAll("\\\\\n\\s*", " ");
        int start = joined.indexOf("java -XX:AOTCacheOutput=");
        int end = joined.indexOf(" >/dev/null", start);
        assertThat(start).as("training command").isNotNegative();
        return joined.substring(start, end).replaceAll("\\s+", " ");
    }

    @Test
    void chartStartsTheOperatorThroughTheEntrypoint() {
        // args: [operator] on the image's entrypoint is what runs `java -jar .../operator.jar`.
        List<String> args = Chart.render()
                .one(Deployment.class, "sp-storageprobe-operator")
                .getSpec()
                .getTemplate()
                .getSpec()
                .getContainers()
                .get(0)
                .getArgs();
        assertThat(args).containsExactly("operator");
    }

    /** Runs the entrypoint with a fake java that echoes its arguments; returns them. */
    private String run(String... args) throws IOException {
        return run(List.of(), args);
    }

    private String run(List<String> env, String... args) throws IOException {
        Path java = bin.resolve("java");
        Files.writeString(java, "#!/bin/sh\necho \"$@\"\n");
        Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));
        List<String> command = new ArrayList<>(List.of("env", "PATH=" + bin + ":/usr/bin:/bin"));
        command.addAll(env);
        command.addAll(List.of("/bin/sh", ENTRYPOINT.toString()));
        command.addAll(List.of(args));
        Tools.Result r = Tools.run(command, bin);
        assertThat(r.exitCode()).as(r.all()).isZero();
        return r.stdout().strip();
    }
}
