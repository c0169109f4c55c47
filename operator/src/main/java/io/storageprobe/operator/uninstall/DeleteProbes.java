package io.storageprobe.operator.uninstall;

import io.fabric8.kubernetes.api.model.DeletionPropagation;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.storageprobe.api.v1alpha1.StorageProbe;
import java.io.PrintStream;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.Collectors;

/**
 * {@code storageprobe operator delete-probes}: what the chart's pre-delete hook runs before Helm
 * deletes the operator. Deletes every StorageProbe and waits until they are gone, so their
 * finalizer runs while the operator still does: it removes the verdict labels and
 * storageprobe.io/affected taints from the nodes. Foreground deletion: a probe is gone only
 * after what it owns (the privileged agent DaemonSet, its pods, the results) is gone too.
 * Needs only list and delete on storageprobes.
 */
public final class DeleteProbes {
    /** What the command ends with: its exit code and the one line it prints. */
    public record Outcome(int exitCode, String message) {}

    private final KubernetesClient client;
    private final Duration timeout;
    private final Duration poll;
    private final Clock clock;
    private final PrintStream progress;

    public DeleteProbes(KubernetesClient client, Duration timeout, Duration poll, Clock clock, PrintStream progress) {
        this.client = client;
        this.timeout = timeout;
        this.poll = poll;
        this.clock = clock;
        this.progress = progress;
    }

    public Outcome run() throws InterruptedException {
        List<StorageProbe> probes;
        try {
            probes = list();
        } catch (KubernetesClientException e) {
            if (e.getCode() == 404) {
                return new Outcome(0, "the StorageProbe CRD is not installed: nothing to delete");
            }
            return failed("list storageprobes", e);
        }
        if (probes.isEmpty()) {
            return new Outcome(0, "no StorageProbes: nothing to delete");
        }
        String deleted = names(probes);
        Instant deadline = clock.instant().plus(timeout);
        try {
            for (StorageProbe probe : probes) {
                client.resources(StorageProbe.class)
                        .withName(probe.getMetadata().getName())
                        .withPropagationPolicy(DeletionPropagation.FOREGROUND)
                        .delete();
            }
            progress.println("deleting StorageProbes " + deleted + "; waiting up to " + timeout.toSeconds()
                    + "s for the operator to remove their node labels and taints and for their agents to stop");
            while (true) {
                List<StorageProbe> left = list();
                if (left.isEmpty()) {
                    return new Outcome(0, "deleted StorageProbes " + deleted);
                }
                if (!clock.instant().isBefore(deadline)) {
                    return new Outcome(1, timedOut(left));
                }
                Thread.sleep(poll.toMillis());
            }
        } catch (KubernetesClientException e) {
            return failed("delete storageprobes", e);
        }
    }

    private List<StorageProbe> list() {
        return client.resources(StorageProbe.class).list().getItems();
    }

    private String timedOut(List<StorageProbe> left) {
        String pending = left.stream()
                .map(p -> p.getMetadata().getName() + " (finalizers: "
                        + String.join(", ", p.getMetadata().getFinalizers()) + ")")
                .collect(Collectors.joining(", "));
        return "StorageProbes still there after " + timeout.toSeconds() + "s: " + pending + ". The operator runs "
                + "their finalizer (it removes node labels and taints): is its Deployment running? foregroundDeletion "
                + "waits for the agent DaemonSet and its pods to be deleted.";
    }

    private static String names(List<StorageProbe> probes) {
        return probes.stream().map(p -> p.getMetadata().getName()).collect(Collectors.joining(", "));
    }

    private Outcome failed(String what, KubernetesClientException e) {
        String why = switch (e.getCode()) {
            case 401 -> "the API server at " + client.getMasterUrl() + " did not accept the credentials";
            case 403 ->
                "forbidden: the hook's ServiceAccount may not " + what + " (its ClusterRole is missing or wrong)";
            default -> "cannot " + what + " at " + client.getMasterUrl() + ": " + firstLine(e);
        };
        return new Outcome(1, why);
    }

    private static String firstLine(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root.getMessage() == null
                ? root.getClass().getSimpleName()
                : root.getClass().getSimpleName() + " (" + root.getMessage() + ")";
        return message.lines().findFirst().orElse(message);
    }
}
