package io.storageprobe.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.storageprobe.agent.testing.HangingFilesystem;
import io.storageprobe.agent.testing.LoopDevice;
import io.storageprobe.agent.testing.ScratchLeftovers;
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

    record Run(int code, String out, String err) {}

    @BeforeAll
    static void copyJarWhereAnyUserCanReadIt() throws IOException {
        dir = Files.createTempDirectory(
                Path.of("/var/tmp"),
                "storageprobe-it-",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
        jar = Files.copy(
                Path.of("target/storageprobe.jar"),
                dir.resolve("storageprobe.jar"),
                StandardCopyOption.REPLACE_EXISTING);
        Files.setPosixFilePermissions(jar, PosixFilePermissions.fromString("rw-r--r--"));
    }

    @AfterAll
    static void removeCopy() throws IOException {
        Files.deleteIfExists(jar);
        Files.deleteIfExists(dir);
    }

    private static Run run(boolean asNobody, String... args) throws Exception {
        return run(asNobody, null, args);
    }

    /** As root, with this PATH. */
    private static Run runWithPath(String path, String... args) throws Exception {
        return run(false, path, args);
    }

    /** As {@code prefix}, e.g. a setpriv command line. */
    private static Run runAs(List<String> prefix, String... args) throws Exception {
        return run(prefix, null, args);
    }

    /** @param path the PATH the command runs with, or null for this JVM's */
    private static Run run(boolean asNobody, String path, String[] args) throws Exception {
        return run(
                asNobody ? List.of("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups") : List.of(),
                path,
                args);
    }

    private static Run run(List<String> prefix, String path, String[] args) throws Exception {
        List<String> command = new ArrayList<>(prefix);
        command.addAll(
                List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar", jar.toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile());
        if (path != null) {
            builder.environment().put("PATH", path);
        }
        // Output to files, not pipes: the test must not wait for any process (a stuck probe child,
        // say) that might still hold them, only for the command itself, and for that not forever.
        Path out = Files.createTempFile(dir, "out", ".txt");
        Path err = Files.createTempFile(dir, "err", ".txt");
        try {
            Process p = builder.redirectOutput(out.toFile())
                    .redirectError(err.toFile())
                    .start();
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError("storageprobe " + String.join(" ", args) + " did not exit within 60 s");
            }
            return new Run(
                    p.exitValue(),
                    Files.readString(out, StandardCharsets.UTF_8),
                    Files.readString(err, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    @Test
    void notRootGetsOneLineAndExit3ForScratch() throws Exception {
        Run r = run(true, "check", "--scratch");
        assertThat(r.code()).isEqualTo(3);
        assertThat(r.err())
                .isEqualTo("storageprobe check: making loop devices (--scratch) needs root; run it as root,"
                        + " or leave --scratch out\n");
    }

    @Test
    void aUserWhoMayReadTheDeviceProbesItAndOthersGetTheRealError() throws Exception {
        try (LoopDevice loop = LoopDevice.create(4096)) {
            // The device node outlives our loop device: its owner and mode are put back afterwards.
            String before =
                    LoopDevice.run("stat", "-c", "%u:%g %a", loop.device()).strip();
            try {
                LoopDevice.run("chgrp", "disk", loop.device());
                LoopDevice.run("chmod", "660", loop.device());
                probeAsGroupMemberAndAsOther(loop);
            } finally {
                LoopDevice.run("chown", before.split(" ")[0], loop.device());
                LoopDevice.run("chmod", before.split(" ")[1], loop.device());
            }
        }
    }

    private static void probeAsGroupMemberAndAsOther(LoopDevice loop) throws Exception {
        int disk = (Integer) Files.getAttribute(Path.of(loop.device()), "unix:gid");
        Run member = runAs(
                List.of("setpriv", "--reuid=65534", "--regid=65534", "--groups=" + disk),
                "check",
                "--device",
                loop.device());
        assertThat(member.err()).isEmpty();
        assertThat(member.code()).isZero();
        assertThat(member.out()).containsPattern(loop.device() + " +device .* 4096/4096 .* Compatible\n");
        Run other = run(true, "check", "--device", loop.device());
        assertThat(other.code()).isEqualTo(3);
        assertThat(other.out())
                .contains("    cannot open " + loop.device() + ": permission denied to uid 65534"
                        + " (run as root, or as a user who may read it, such as a member of group disk)\n");
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
    void judgesForTheFlagElseTheLocalQemuElseEveryRuleCounts() throws Exception {
        Path bin = Files.createDirectories(dir.resolve("bin"));
        Path qemuImg = bin.resolve("qemu-img");
        try {
            // What Debian 12's qemu-img prints; the test decides which QEMU is "installed".
            Files.writeString(
                    qemuImg,
                    "#!/bin/sh\necho 'qemu-img version 7.2.0 (Debian 1:7.2+dfsg-7+deb12u7)'\n"
                            + "echo 'Copyright (c) 2003-2022 Fabrice Bellard and the QEMU Project developers'\n");
            Files.setPosixFilePermissions(qemuImg, PosixFilePermissions.fromString("rwxr-xr-x"));
            String file = jar.toString();
            assertThat(runWithPath(bin + ":/usr/bin:/bin", "check", "--file", file)
                            .out())
                    .contains("Judged for QEMU 7.2 (Local: " + qemuImg
                            + " --version: qemu-img version 7.2.0 (Debian 1:7.2+dfsg-7+deb12u7))\n");
            assertThat(runWithPath(bin + ":/usr/bin:/bin", "check", "--file", file, "--qemu", "5.2")
                            .out())
                    .contains("Judged for QEMU 5.2 (Flag: --qemu 5.2)\n");
            assertThat(runWithPath(dir.toString(), "check", "--file", file, "--output", "json")
                            .out())
                    .contains(
                            "\"qemu\" : {\n      \"source\" : \"None\",\n      \"message\" : \"no --qemu given and no qemu-img");
            Run bad = run(false, "check", "--file", file, "--qemu", "7");
            assertThat(bad.code()).isEqualTo(2);
            assertThat(bad.err())
                    .startsWith(
                            "storageprobe check: --qemu: a QEMU version is major.minor[.micro] such as 7.2 or 9.1.0, not '7'\n");
        } finally {
            Files.deleteIfExists(qemuImg);
            Files.deleteIfExists(bin);
        }
    }

    @Test
    void helpListsEveryRuleWithTheQemuItBreaks() throws Exception {
        String help = run(false, "check", "--help").out();
        for (var rule : io.storageprobe.api.qemu.RuleCatalog.RULES) {
            assertThat(help).contains("  " + rule.name() + ": breaks " + rule.breaksText() + "\n");
        }
        assertThat(help).contains("qemu-legacy-dio: breaks QEMU before 7.2");
    }

    @Test
    void aHungFileIsAnErrorAndCheckStillExitsAndReleasesItsScratchDevices() throws Exception {
        // The FUSE mount is closed first: killing hangfs releases the probe child stuck on it.
        try (LoopDevice loop = LoopDevice.create(4096);
                HangingFilesystem fuse = HangingFilesystem.mount()) {
            String hung = fuse.file().toString();
            long start = System.nanoTime();
            Run r = run(false, "check", "--file", hung, "--device", loop.device(), "--timeout", "2");
            long checkMillis = (System.nanoTime() - start) / 1_000_000;
            assertThat(r.code()).isEqualTo(3);
            assertThat(r.out())
                    .containsPattern(loop.device() + " +device .* Compatible\n")
                    .containsPattern(hung
                            + " +file .* Error\n    probe did not finish within 2 s \\(I/O hung\\?\\); its process");

            ScratchLeftovers before = ScratchLeftovers.now();
            start = System.nanoTime();
            Run scratch = run(false, "check", "--scratch", "--file", hung, "--timeout", "2");
            long scratchMillis = (System.nanoTime() - start) / 1_000_000;
            assertThat(scratch.out())
                    .containsPattern(hung + " +file .* Error\n")
                    .containsPattern("storageprobe-scratch-\\d+-\\d+/mnt/disk.img +file ");
            assertThat(ScratchLeftovers.now().since(before).count())
                    .as("no loop device, mount or directory left")
                    .isZero();
            System.out.printf(
                    "check with one hung target and --timeout 2: %d ms to exit; with --scratch: %d ms%n",
                    checkMillis, scratchMillis);
        }
    }

    @Test
    void versionNamesTheBuild() throws Exception {
        assertThat(run(false, "version").out()).matches("storageprobe \\d+\\.\\d+\\.\\d+(-SNAPSHOT)?\n");
    }
}
