package io.storageprobe.operator.uninstall;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.PrintStream;
import java.time.Clock;
import java.time.Duration;
import java.time.format.DateTimeParseException;

/**
 * The command line of {@code delete-probes [--timeout DURATION]} (DURATION as in 300s, 5m or
 * PT5M; default 240s, under Helm's default 5m hook timeout). Exit 0 when every StorageProbe is
 * gone (or there is none), 1 when they are not gone in time or the API refuses, 2 on bad arguments.
 */
public final class DeleteProbesCommand {
    public static final String NAME = "delete-probes";
    static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(240);
    private static final Duration POLL = Duration.ofSeconds(1);
    private static final String PREFIX = "storageprobe-operator " + NAME + ": ";

    private DeleteProbesCommand() {}

    /** Runs the command; returns its exit code. {@code args} exclude the command's name. */
    public static int run(String[] args, PrintStream out, PrintStream err) throws InterruptedException {
        Duration timeout;
        try {
            timeout = timeout(args);
        } catch (IllegalArgumentException e) {
            err.println(PREFIX + e.getMessage());
            err.println("usage: storageprobe operator " + NAME + " [--timeout DURATION]   (e.g. 240s, 5m)");
            return 2;
        }
        try (KubernetesClient client = new KubernetesClientBuilder().build()) {
            DeleteProbes.Outcome outcome = new DeleteProbes(client, timeout, POLL, Clock.systemUTC(), out).run();
            (outcome.exitCode() == 0 ? out : err).println(PREFIX + outcome.message());
            return outcome.exitCode();
        }
    }

    static Duration timeout(String[] args) {
        Duration timeout = DEFAULT_TIMEOUT;
        for (int i = 0; i < args.length; i++) {
            if (!args[i].equals("--timeout")) {
                throw new IllegalArgumentException("unknown argument '" + args[i] + "'");
            }
            if (i + 1 == args.length) {
                throw new IllegalArgumentException("--timeout needs a value");
            }
            timeout = duration(args[++i]);
        }
        return timeout;
    }

    private static Duration duration(String text) {
        Duration d;
        try {
            d = text.matches("\\d+[smh]") ? Duration.parse("PT" + text.toUpperCase()) : Duration.parse(text);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("--timeout '" + text + "' is not a duration (e.g. 240s, 5m)");
        }
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException("--timeout must be positive, got '" + text + "'");
        }
        return d;
    }
}
