package io.storageprobe.operator.cluster;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** Runs a command to completion, stdout and stderr read concurrently so that neither blocks. */
public record Command(List<String> args, Map<String, String> env) {

    public record Result(List<String> args, int exitCode, String stdout, String stderr) {
        /** The result, or an exception carrying the command's own words when it failed. */
        public Result orThrow() {
            if (exitCode != 0) {
                throw new IllegalStateException(
                        String.join(" ", args) + " exited " + exitCode + ":\n" + stderr + stdout);
            }
            return this;
        }
    }

    public static Command of(String... args) {
        return new Command(List.of(args), Map.of());
    }

    public Command withEnv(Map<String, String> extra) {
        return new Command(args, extra);
    }

    /** @param timeout a guard against a hung tool, not a timing assertion */
    public Result run(Path workDir, long timeout, TimeUnit unit) {
        try {
            ProcessBuilder pb = new ProcessBuilder(args).directory(workDir.toFile());
            pb.environment().putAll(env);
            Process process = pb.start();
            process.getOutputStream().close();
            CompletableFuture<String> out = readAsync(process.getInputStream());
            CompletableFuture<String> err = readAsync(process.getErrorStream());
            if (!process.waitFor(timeout, unit)) {
                process.destroyForcibly().waitFor();
                throw new IllegalStateException("timed out after " + timeout + " " + unit + ": "
                        + String.join(" ", args) + "\n" + err.join() + out.join());
            }
            return new Result(args, process.exitValue(), out.join(), err.join());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + args, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted: " + args, e);
        }
    }

    /** On a thread of its own: the common pool has one thread on two cores, and two readers must not queue. */
    private static CompletableFuture<String> readAsync(InputStream in) {
        return CompletableFuture.supplyAsync(
                () -> {
                    try (in) {
                        return new String(in.readAllBytes(), StandardCharsets.UTF_8);
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                },
                task -> new Thread(task, "command-output").start());
    }
}
