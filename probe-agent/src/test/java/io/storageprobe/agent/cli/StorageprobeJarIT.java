package io.storageprobe.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The shipped jar, run as a separate process the way users run it: exit codes and one-line messages. */
class StorageprobeJarIT {
    private static Path dir;
    private static Path jar;

    record Run(int code, String out, String err) {
    }

    @BeforeAll
    static void copyJarWhereAnyUserCanReadIt() throws IOException {
        dir = Files.createTempDirectory(Path.of("/var/tmp"), "storageprobe-it-",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
        jar = Files.copy(Path.of("target/storageprobe.jar"), dir.resolve("storageprobe.jar"),
                StandardCopyOption.REPLACE_EXISTING);
        Files.setPosixFilePermissions(jar, PosixFilePermissions.fromString("rw-r--r--"));
    }

    @AfterAll
    static void removeCopy() throws IOException {
        Files.deleteIfExists(jar);
        Files.deleteIfExists(dir);
    }

    private static Run run(boolean asNobody, String... args) throws Exception {
        List<String> command = new ArrayList<>();
        if (asNobody) {
            command.addAll(List.of("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"));
        }
        command.addAll(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar",
                jar.toString()));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).directory(dir.toFile()).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return new Run(p.exitValue(), out, err);
    }

    @Test
    void notRootGetsOneLineAndExit3() throws Exception {
        Run r = run(true, "check", "--device", "sda");
        assertThat(r.code()).isEqualTo(3);
        assertThat(r.err()).isEqualTo("storageprobe check: reading block devices needs root; run it as root,"
                + " or probe only --path and --file targets\n");
        assertThat(run(true, "check", "--scratch").err()).contains("making loop devices needs root");
    }

    @Test
    void notRootCanStillProbeAFile() throws Exception {
        Run r = run(true, "check", "--file", jar.toString());
        assertThat(r.code()).isZero();
        assertThat(r.out()).contains(jar + "  file");
    }

    @Test
    void badFlagAndUnknownCommandPrintUsageWithoutStackTrace() throws Exception {
        Run flag = run(false, "check", "--frobnicate");
        assertThat(flag.code()).isEqualTo(2);
        assertThat(flag.err()).startsWith("storageprobe check: unknown flag --frobnicate\nUsage: storageprobe check");
        Run command = run(false, "chekc");
        assertThat(command.code()).isEqualTo(2);
        assertThat(command.err()).startsWith("storageprobe: unknown command chekc\n");
        assertThat(flag.err() + command.err()).doesNotContain("Exception");
    }

    @Test
    void versionNamesTheBuild() throws Exception {
        assertThat(run(false, "version").out()).matches("storageprobe \\d+\\.\\d+\\.\\d+(-SNAPSHOT)?\n");
    }
}
