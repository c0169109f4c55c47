package io.storageprobe.agent.run;

import io.storageprobe.agent.target.Measurement;
import io.storageprobe.agent.target.Target;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Targets' I/O in a child JVM ({@code storageprobe probe-targets}, the same classes), which prints
 * {@link #STARTED} when its JVM is up, then reads one target per line of JSON on its stdin and
 * prints each one's {@link Measurement} as one line of JSON.
 *
 * <p>Why a process and not a thread: a read stuck in the kernel (FUSE server gone, dead NFS,
 * failing disk) cannot be interrupted, and it holds its process's memory map, so that process can
 * neither exit nor start a child (fork and exit need the mm lock the stuck read holds), and
 * anything else in it that maps memory waits as well. A thread would freeze the whole agent or
 * {@code check}. A child keeps the hang where the I/O is: the parent does no target I/O at all,
 * gives up at the deadline, SIGKILLs the child and goes on. A child in uninterruptible sleep (D
 * state) ignores even SIGKILL until the kernel ends the read; it then stays behind on its own,
 * holding nothing of the parent's.
 *
 * <p>Why one child for many targets: each child is a JVM start and a JVM's memory while it runs,
 * so a child per target would cost a node with many disks as many starts and, at once, as many JVMs.
 * A child measures targets one after another, each with its own deadline; when one hangs, that
 * child is given up with it and {@link NodeProbe} starts another for the targets left.
 */
public final class ChildProbe implements ProbeWorker {
    /**
     * The parent's own JVM flags a child repeats (prefixes): the class-data archive (Java 17, from
     * ./storageprobe) or AOT cache (Java 25, from the image's launcher), so that a child starts as fast
     * as its parent, since every run waits for one child start (docs/performance.md); the object header
     * layout, without which the JVM refuses that archive; the archive's log settings, which keep its
     * warnings off the output; and Java 22+'s native access for JNA (no warning). The rest of the
     * parent's flags are sized for a daemon, not for a child; JAVA_TOOL_OPTIONS needs nothing: the
     * child inherits the environment.
     */
    static final List<String> INHERITED_FLAGS = List.of(
            "-XX:SharedArchiveFile=",
            "-XX:AOTCache=",
            "-XX:+UseCompactObjectHeaders",
            "-XX:-UseCompactObjectHeaders",
            "-Xlog:cds",
            "-Xlog:aot",
            "--enable-native-access=");
    /** What a child prints once its JVM is up, before it reads a target. */
    public static final String STARTED = "probe-targets: started";
    /** Put on {@link #lines} when the child's output ends; compared by identity: no line it prints is this one. */
    private static final String END = new String("end of output");

    private final Process process;
    private final Writer targets;
    private final CompletableFuture<Long> started = new CompletableFuture<>();
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    private String lastOther = "";

    private ChildProbe(Process process) {
        this.process = process;
        this.targets = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
        // Read on a daemon thread: a stuck child never closes its stdout, and nobody may wait for that.
        Thread reader = new Thread(this::read, "probe-output");
        reader.setDaemon(true);
        reader.start();
    }

    static ChildProbe start() throws IOException {
        // Output merged and piped to us only: a stuck child must not hold the caller's stdout or
        // stderr open, or whoever reads them to the end (a shell pipe, a test) would wait for it.
        return new ChildProbe(
                new ProcessBuilder(command()).redirectErrorStream(true).start());
    }

    static List<String> command() {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        // A small JVM: serial GC, C1 only, a small heap (the probe buffers are native memory).
        // Together they keep a child far smaller than a smaller -Xmx alone would (docs/performance.md).
        command.addAll(List.of(
                "-XX:+UseSerialGC",
                "-XX:TieredStopAtLevel=1",
                "-XX:CICompilerCount=1",
                "-Xms4m",
                "-Xmx16m",
                "-XX:MinHeapFreeRatio=10",
                "-XX:MaxHeapFreeRatio=30",
                "-Xss256k",
                "-XX:ReservedCodeCacheSize=8m",
                "-XX:MaxMetaspaceSize=32m",
                "-XX:-UsePerfData"));
        command.addAll(inheritedFlags(
                ProcessHandle.current().info().arguments().map(List::of).orElse(List.of())));
        command.addAll(List.of(
                "-cp", System.getProperty("java.class.path"), "io.storageprobe.agent.cli.Main", "probe-targets"));
        return command;
    }

    /** The {@link #INHERITED_FLAGS} among a JVM's arguments (as in /proc/self/cmdline), before its main class or jar. */
    static List<String> inheritedFlags(List<String> jvmArguments) {
        List<String> flags = new ArrayList<>();
        for (int i = 0; i < jvmArguments.size(); i++) {
            String argument = jvmArguments.get(i);
            if (List.of("-cp", "-classpath", "--class-path").contains(argument)) {
                i++;
            } else if (!argument.startsWith("-") || argument.equals("-jar")) {
                break;
            } else if (INHERITED_FLAGS.stream().anyMatch(argument::startsWith)) {
                flags.add(argument);
            }
        }
        return flags;
    }

    @Override
    public Measurement measure(Target target, long deadlineNanos) throws InterruptedException {
        long asked = System.nanoTime();
        try {
            targets.write(MeasurementJson.write(target) + "\n");
            targets.flush();
        } catch (IOException e) {
            return ended(target);
        }
        // A target's timeout counts from when its child is up, so a slow JVM start on a busy node
        // does not turn healthy targets into Errors; the start
        // itself may take one more timeout, so a target still ends within twice its timeout.
        long limit = deadlineNanos + (deadlineNanos - asked);
        try {
            long up = started.get(Math.max(0, limit - System.nanoTime()), TimeUnit.NANOSECONDS);
            long until = Math.min(Math.max(up, asked) + (deadlineNanos - asked), limit);
            for (String line;
                    (line = lines.poll(Math.max(0, until - System.nanoTime()), TimeUnit.NANOSECONDS)) != null; ) {
                if (line == END) {
                    lines.add(END);
                    return ended(target);
                }
                if (line.startsWith("{")) {
                    return MeasurementJson.read(line);
                }
                lastOther = line; // the JVM's own warnings; the last one explains a crash
            }
            return null;
        } catch (TimeoutException e) {
            return null;
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        } catch (IOException e) {
            return Measurement.error(
                    target, null, "the probe process (" + describe() + ") printed no measurement: " + e.getMessage());
        }
    }

    /** The child is gone before it measured the target: what it said last, and how it ended. */
    private Measurement ended(Target target) throws InterruptedException {
        boolean exited = process.waitFor(1, TimeUnit.SECONDS);
        return Measurement.error(
                target,
                null,
                "the probe process (" + describe() + ") ended"
                        + (exited ? " with exit code " + process.exitValue() : "")
                        + (lastOther.isBlank() ? "" : ": " + lastOther));
    }

    /** Ends its input and waits the moment the child needs to exit, so a finished run leaves no process. */
    @Override
    public void close() {
        try {
            targets.close();
        } catch (IOException e) {
            // Already gone: nothing to end.
        }
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void abandon() {
        // SIGTERM first, so a child that can still run removes its temporary file on a --path
        // target as it exits; SIGKILL a second later (if this process is still there to send it).
        process.destroy();
        CompletableFuture.delayedExecutor(1, TimeUnit.SECONDS).execute(process::destroyForcibly);
    }

    @Override
    public boolean finished() {
        return !process.isAlive();
    }

    @Override
    public String describe() {
        return "pid " + process.pid();
    }

    private void read() {
        try (BufferedReader in =
                new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = in.readLine()) != null; ) {
                if (line.equals(STARTED)) {
                    started.complete(System.nanoTime());
                } else {
                    lines.add(line);
                }
            }
        } catch (IOException e) {
            // The child is gone; what it printed so far is all there is.
        }
        // A child that died before it was up is finished too: nobody may wait for it to start.
        started.complete(System.nanoTime());
        lines.add(END);
    }
}
