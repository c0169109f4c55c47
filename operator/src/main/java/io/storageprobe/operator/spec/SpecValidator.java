package io.storageprobe.operator.spec;

import io.storageprobe.api.qemu.QemuVersion;
import io.storageprobe.api.v1alpha1.DeviceTargets;
import io.storageprobe.api.v1alpha1.ProbeInterval;
import io.storageprobe.api.v1alpha1.ProbeToleration;
import io.storageprobe.api.v1alpha1.StorageProbe;
import io.storageprobe.api.v1alpha1.StorageProbeSpec;
import io.storageprobe.api.v1alpha1.Targets;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Repeats, in the operator, the checks the CRD schema makes, for objects that got past it (an
 * old CRD, a cluster without CEL, a direct etcd write). The first problem found is reported.
 */
public final class SpecValidator {
    private static final Pattern DNS_LABEL = Pattern.compile("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$");
    private static final Pattern GLOB = Pattern.compile(DeviceTargets.GLOB);
    private static final Pattern IMAGE = Pattern.compile("^[^\\s]{1,512}$");
    private static final Pattern DNS_SUBDOMAIN = Pattern.compile("^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$");
    /** spec.agent.kubeletRoot: absolute, no empty segments, no trailing slash (the CRD's pattern). */
    private static final Pattern KUBELET_ROOT = Pattern.compile("^(/[^/\\s]+)+$");

    private static final Pattern TAINT_KEY =
            Pattern.compile("^([a-z0-9]([-a-z0-9.]*[a-z0-9])?/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$");

    public Optional<SpecProblem> validate(StorageProbe probe) {
        String name = probe.getMetadata().getName();
        if (name == null || name.length() > 63 || !DNS_LABEL.matcher(name).matches()) {
            return problem(
                    "metadata.name",
                    "must be a DNS label of at most 63 characters, since it is used in the node label key");
        }
        StorageProbeSpec spec = probe.getSpec();
        if (spec == null) {
            return Optional.empty();
        }
        try {
            ProbeInterval.parse(spec.interval());
        } catch (IllegalArgumentException e) {
            return problem("spec.interval", e.getMessage());
        }
        if (spec.qemu() != null && !StorageProbeSpec.QEMU_AUTO.equals(spec.qemu())) {
            try {
                QemuVersion.parse(spec.qemu());
            } catch (IllegalArgumentException e) {
                return problem("spec.qemu", "must be auto or " + e.getMessage());
            }
        }
        if (spec.rules() != null) {
            for (String rule : spec.rules()) {
                if (!StorageProbeSpec.BUILT_IN_RULES.contains(rule)) {
                    return problem(
                            "spec.rules",
                            "names an unknown rule '" + rule + "' (known: "
                                    + String.join(", ", StorageProbeSpec.BUILT_IN_RULES) + ")");
                }
            }
            if (new HashSet<>(spec.rules()).size() != spec.rules().size()) {
                return problem("spec.rules", "names a rule twice");
            }
        }
        Optional<SpecProblem> targets = validateTargets(spec.targets());
        if (targets.isPresent()) {
            return targets;
        }
        if (spec.nodeSelector() != null) {
            for (var e : spec.nodeSelector().entrySet()) {
                if (e.getKey().length() > 317
                        || e.getValue() == null
                        || e.getValue().length() > 63) {
                    return problem("spec.nodeSelector", "keys must be at most 317 and values at most 63 characters");
                }
            }
        }
        Optional<SpecProblem> tolerations = validateTolerations(spec.tolerations());
        if (tolerations.isPresent()) {
            return tolerations;
        }
        if (spec.agent() != null
                && spec.agent().image() != null
                && !IMAGE.matcher(spec.agent().image()).matches()) {
            return problem("spec.agent.image", "must be an image reference without spaces");
        }
        if (spec.agent() != null
                && spec.agent().priorityClassName() != null
                && !DNS_SUBDOMAIN.matcher(spec.agent().priorityClassName()).matches()) {
            return problem("spec.agent.priorityClassName", "must be the name of a PriorityClass (a DNS subdomain)");
        }
        if (spec.agent() != null && spec.agent().kubeletRoot() != null) {
            String root = spec.agent().kubeletRoot();
            if (!KUBELET_ROOT.matcher(root).matches()
                    || root.length() > 1024
                    || root.contains("/../")
                    || root.endsWith("/..")) {
                return problem(
                        "spec.agent.kubeletRoot",
                        "'" + root + "' is not an absolute directory path without '..' (e.g. /var/lib/kubelet)");
            }
        }
        return Optional.empty();
    }

    private static Optional<SpecProblem> validateTolerations(List<ProbeToleration> tolerations) {
        if (tolerations == null) {
            return Optional.empty();
        }
        for (int i = 0; i < tolerations.size(); i++) {
            ProbeToleration t = tolerations.get(i);
            String field = "spec.tolerations[" + i + "]";
            if (t == null) {
                return problem(field, "must not be null");
            }
            if (t.key() != null
                    && !t.key().isEmpty()
                    && !TAINT_KEY.matcher(t.key()).matches()) {
                return problem(field + ".key", "'" + t.key() + "' is not a taint key");
            }
            if (t.operator() == ProbeToleration.TolerationOperator.Exists
                    && t.value() != null
                    && !t.value().isEmpty()) {
                return problem(field + ".value", "must be empty when operator is Exists");
            }
            if ((t.key() == null || t.key().isEmpty()) && t.operator() != ProbeToleration.TolerationOperator.Exists) {
                return problem(field + ".operator", "must be Exists when key is empty");
            }
        }
        return Optional.empty();
    }

    private static Optional<SpecProblem> validateTargets(Targets targets) {
        if (targets == null) {
            return Optional.empty();
        }
        DeviceTargets devices = targets.devices();
        if (devices != null) {
            Optional<SpecProblem> p = globs("spec.targets.devices.include", devices.include());
            if (p.isPresent()) {
                return p;
            }
            p = globs("spec.targets.devices.exclude", devices.exclude());
            if (p.isPresent()) {
                return p;
            }
        }
        Optional<SpecProblem> p = absolutePaths("spec.targets.paths", targets.paths());
        return p.isPresent() ? p : absolutePaths("spec.targets.files", targets.files());
    }

    private static Optional<SpecProblem> globs(String field, List<String> globs) {
        if (globs == null) {
            return Optional.empty();
        }
        for (String g : globs) {
            if (g == null || !GLOB.matcher(g).matches()) {
                return problem(
                        field,
                        "'" + g + "' is not a device name glob (letters, digits, _ . : - and * ? [ ] !, no slashes)");
            }
        }
        return Optional.empty();
    }

    private static Optional<SpecProblem> absolutePaths(String field, List<String> paths) {
        if (paths == null) {
            return Optional.empty();
        }
        for (String p : paths) {
            if (p == null || !p.startsWith("/") || p.length() > 1024 || p.contains("/../") || p.endsWith("/..")) {
                return problem(field, "'" + p + "' is not an absolute path without '..'");
            }
        }
        return Optional.empty();
    }

    private static Optional<SpecProblem> problem(String field, String message) {
        return Optional.of(SpecProblem.of(field, message));
    }
}
