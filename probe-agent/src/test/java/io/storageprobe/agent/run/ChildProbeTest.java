package io.storageprobe.agent.run;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class ChildProbeTest {
    @Test
    void childRepeatsTheParentsArchiveHeaderAndArchiveLogFlagsOnly() {
        List<String> parent = List.of(
                "-XX:+UseSerialGC",
                "-Xmx32m",
                "-XX:SharedArchiveFile=/a.jsa",
                "-Xlog:cds=off",
                "-Xlog:cds+dynamic=off",
                "-XX:AOTCacheOutput=/training.aot",
                "-XX:AOTCache=/b.aot",
                "-Xlog:aot=off",
                "-XX:+UseCompactObjectHeaders",
                "--enable-native-access=ALL-UNNAMED",
                "-jar",
                "/x.jar",
                "check",
                "-XX:AOTCache=/an-argument.aot");

        assertThat(ChildProbe.inheritedFlags(parent))
                .containsExactly(
                        "-XX:SharedArchiveFile=/a.jsa",
                        "-Xlog:cds=off",
                        "-Xlog:cds+dynamic=off",
                        "-XX:AOTCache=/b.aot",
                        "-Xlog:aot=off",
                        "-XX:+UseCompactObjectHeaders",
                        "--enable-native-access=ALL-UNNAMED");
    }

    @Test
    void flagsEndAtTheMainClassAndAClassPathIsNoFlag() {
        List<String> parent = List.of(
                "-cp",
                "-XX:AOTCache=/odd-dir-name",
                "-XX:-UseCompactObjectHeaders",
                "io.storageprobe.agent.cli.Main",
                "-XX:AOTCache=/an-argument.aot");

        assertThat(ChildProbe.inheritedFlags(parent)).containsExactly("-XX:-UseCompactObjectHeaders");
        assertThat(ChildProbe.inheritedFlags(List.of())).isEmpty();
    }

    @Test
    void childCommandCarriesThisJvmsFlagsBeforeItsMainClass() {
        List<String> command = ChildProbe.command();

        assertThat(command).endsWith("io.storageprobe.agent.cli.Main", "probe-targets");
        assertThat(command.subList(0, command.indexOf("-cp")))
                .containsAll(ChildProbe.inheritedFlags(
                        ProcessHandle.current().info().arguments().map(List::of).orElse(List.of())));
    }
}
