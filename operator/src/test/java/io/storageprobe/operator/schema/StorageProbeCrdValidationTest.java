package io.storageprobe.operator.schema;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The checked-in StorageProbe CRD rejects malformed specs with a message naming the field, and
 * accepts good ones. The mock API server validates nothing, so the schema and its CEL rules are
 * evaluated here the way the API server evaluates them ({@link CrdSchemaValidator}).
 */
class StorageProbeCrdValidationTest {
    private static final Path CRDS = Path.of(System.getProperty("storageprobe.crds.dir", "../crds"));
    private static CrdSchemaValidator validator;

    @BeforeAll
    static void load() throws Exception {
        validator = new CrdSchemaValidator(CRDS.resolve("storageprobes.storageprobe.io.yaml"));
    }

    @Test
    void acceptsAnEmptySpec() {
        assertThat(validator.validate(probe("all-defaults", Map.of()))).isEmpty();
    }

    @Test
    void acceptsAFullSpec() {
        Map<String, Object> spec = Map.of(
                "nodeSelector", Map.of("kubernetes.io/os", "linux"),
                "tolerations",
                        List.of(
                                Map.of("operator", "Exists"),
                                Map.of(
                                        "key",
                                        "node-role.kubernetes.io/control-plane",
                                        "operator",
                                        "Exists",
                                        "effect",
                                        "NoSchedule"),
                                Map.of(
                                        "key",
                                        "dedicated",
                                        "operator",
                                        "Equal",
                                        "value",
                                        "vms",
                                        "effect",
                                        "NoExecute",
                                        "tolerationSeconds",
                                        30)),
                "targets",
                        Map.of(
                                "devices",
                                        Map.of("include", List.of("nvme*n*", "sd[a-z]"), "exclude", List.of("loop*")),
                                "paths", List.of("/var/lib/kubelet", "/var/lib/libvirt/images"),
                                "files", List.of("/var/lib/vm/disk.img")),
                "rules", List.of("qemu-legacy-dio", "dio-alignment-honest", "dio-not-buffered"),
                "interval", "1h30m",
                "nodeActions", Map.of("label", true, "taint", "PreferNoSchedule"),
                "agent",
                        Map.of(
                                "image",
                                "registry.example/storageprobe:0.1.0",
                                "resources",
                                Map.of("requests", Map.of("cpu", "10m", "memory", "64Mi")),
                                "priorityClassName",
                                "system-node-critical",
                                "kubeletRoot",
                                "/var/snap/microk8s/common/var/lib/kubelet"));
        assertThat(validator.validate(probe("full", spec))).isEmpty();
    }

    @Test
    void acceptsANameOf63Characters() {
        assertThat(validator.validate(probe("a".repeat(63), Map.of()))).isEmpty();
    }

    static Stream<Arguments> malformed() {
        return Stream.of(
                bad("name longer than 63 characters", "a".repeat(64), Map.of(), "metadata.name"),
                bad("interval in words", Map.of("interval", "6 hours"), "spec.interval"),
                bad("interval in days", Map.of("interval", "1d"), "spec.interval"),
                bad("interval below one minute", Map.of("interval", "30s"), "spec.interval"),
                bad("interval as a number", Map.of("interval", 6), "spec.interval"),
                bad("negative interval", Map.of("interval", "-5m"), "spec.interval"),
                bad("unknown rule", Map.of("rules", List.of("qemu-legacy")), "spec.rules"),
                bad("rule named twice", Map.of("rules", List.of("dio-not-buffered", "dio-not-buffered")), "spec.rules"),
                bad("rules as a string", Map.of("rules", "qemu-legacy-dio"), "spec.rules"),
                bad(
                        "taint effect NoExecute",
                        Map.of("nodeActions", Map.of("taint", "NoExecute")),
                        "spec.nodeActions.taint"),
                bad("label as a string", Map.of("nodeActions", Map.of("label", "yes")), "spec.nodeActions.label"),
                bad(
                        "device glob with a slash",
                        Map.of("targets", Map.of("devices", Map.of("include", List.of("/dev/sda")))),
                        "spec.targets.devices.include"),
                bad(
                        "empty device glob",
                        Map.of("targets", Map.of("devices", Map.of("exclude", List.of("")))),
                        "spec.targets.devices.exclude"),
                bad(
                        "relative path",
                        Map.of("targets", Map.of("paths", List.of("var/lib/kubelet"))),
                        "spec.targets.paths"),
                bad(
                        "path escaping with ..",
                        Map.of("targets", Map.of("paths", List.of("/var/lib/../../etc"))),
                        "spec.targets.paths"),
                bad(
                        "path longer than 1024",
                        Map.of("targets", Map.of("paths", List.of("/" + "x".repeat(1024)))),
                        "spec.targets.paths"),
                bad("relative file", Map.of("targets", Map.of("files", List.of("disk.img"))), "spec.targets.files"),
                bad(
                        "toleration value with Exists",
                        Map.of("tolerations", List.of(Map.of("key", "a", "operator", "Exists", "value", "x"))),
                        "spec.tolerations[0]"),
                bad(
                        "toleration operator unknown",
                        Map.of("tolerations", List.of(Map.of("operator", "Sometimes"))),
                        "spec.tolerations[0].operator"),
                bad(
                        "toleration without key nor Exists",
                        Map.of("tolerations", List.of(Map.of("effect", "NoSchedule"))),
                        "spec.tolerations[0]"),
                bad(
                        "toleration key with spaces",
                        Map.of("tolerations", List.of(Map.of("key", "bad key", "operator", "Exists"))),
                        "spec.tolerations[0].key"),
                bad(
                        "tolerationSeconds as words",
                        Map.of("tolerations", List.of(Map.of("operator", "Exists", "tolerationSeconds", "ten"))),
                        "spec.tolerations[0].tolerationSeconds"),
                bad("image with a space", Map.of("agent", Map.of("image", "storageprobe latest")), "spec.agent.image"),
                bad(
                        "priority class not a DNS name",
                        Map.of("agent", Map.of("priorityClassName", "Not_Valid")),
                        "spec.agent.priorityClassName"),
                bad(
                        "relative kubelet root",
                        Map.of("agent", Map.of("kubeletRoot", "var/lib/kubelet")),
                        "spec.agent.kubeletRoot"),
                bad(
                        "kubelet root with a trailing slash",
                        Map.of("agent", Map.of("kubeletRoot", "/var/lib/kubelet/")),
                        "spec.agent.kubeletRoot"),
                bad(
                        "kubelet root escaping with ..",
                        Map.of("agent", Map.of("kubeletRoot", "/var/lib/../../etc")),
                        "spec.agent.kubeletRoot"),
                bad("kubelet root /", Map.of("agent", Map.of("kubeletRoot", "/")), "spec.agent.kubeletRoot"),
                bad("nodeSelector as a string", Map.of("nodeSelector", "disk=ssd"), "spec.nodeSelector"),
                bad(
                        "nodeSelector value too long",
                        Map.of("nodeSelector", Map.of("disk", "v".repeat(64))),
                        "spec.nodeSelector"),
                bad("targets as a list", Map.of("targets", List.of("/dev/sda")), "spec.targets"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformed")
    void rejectsMalformedSpecNamingTheField(String what, String name, Map<String, Object> spec, String field) {
        List<String> problems = validator.validate(probe(name, spec));
        assertThat(problems).as(what).isNotEmpty();
        assertThat(problems).as("%s: a message names %s", what, field).anyMatch(p -> p.contains(field));
    }

    @Test
    void reportsFieldsTheApiServerWouldPrune() {
        Map<String, Object> typo = probe("typo", Map.of("intervall", "6h", "targets", Map.of("path", List.of("/var"))));
        assertThat(validator.unknownFields(typo)).containsExactlyInAnyOrder("spec.intervall", "spec.targets.path");
    }

    @Test
    void atLeastTwentyMalformedSpecsAreChecked() {
        assertThat(malformed().count()).isGreaterThanOrEqualTo(20);
    }

    private static Arguments bad(String what, Map<String, Object> spec, String field) {
        return bad(what, "probe", spec, field);
    }

    private static Arguments bad(String what, String name, Map<String, Object> spec, String field) {
        return Arguments.of(what, name, spec, field);
    }

    private static Map<String, Object> probe(String name, Map<String, Object> spec) {
        Map<String, Object> object = new HashMap<>();
        object.put("apiVersion", "storageprobe.io/v1alpha1");
        object.put("kind", "StorageProbe");
        object.put("metadata", Map.of("name", name));
        object.put("spec", spec);
        return object;
    }
}
