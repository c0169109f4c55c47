package io.storageprobe.operator.spec;

import static org.assertj.core.api.Assertions.assertThat;

import io.storageprobe.api.v1alpha1.DeviceTargets;
import io.storageprobe.api.v1alpha1.ProbeToleration;
import io.storageprobe.api.v1alpha1.StorageProbe;
import io.storageprobe.api.v1alpha1.StorageProbeSpec;
import io.storageprobe.api.v1alpha1.Targets;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** What the schema would reject but got through anyway is reported naming the field. */
class SpecValidatorTest {
    private final SpecValidator validator = new SpecValidator();

    @Test
    void acceptsDefaults() {
        assertThat(validator.validate(probe("ok", spec(null, null, null, null))))
                .isEmpty();
        assertThat(validator.validate(probe("ok", null))).isEmpty();
    }

    @Test
    void namesTheOffendingField() {
        assertThat(field(probe("x".repeat(64), null))).contains("metadata.name");
        assertThat(field(probe("p", spec("5s", null, null, null)))).contains("spec.interval");
        assertThat(field(probe("p", spec("soon", null, null, null)))).contains("spec.interval");
        assertThat(field(probe("p", spec(null, List.of("no-such-rule"), null, null))))
                .contains("spec.rules");
        assertThat(field(probe("p", spec(null, List.of("dio-not-buffered", "dio-not-buffered"), null, null))))
                .contains("spec.rules");
        assertThat(field(probe(
                        "p",
                        spec(
                                null,
                                null,
                                new Targets(new DeviceTargets(List.of("/dev/sda"), null), null, null, null, null),
                                null))))
                .contains("spec.targets.devices.include");
        assertThat(field(probe("p", spec(null, null, new Targets(null, List.of("relative"), null, null, null), null))))
                .contains("spec.targets.paths");
        assertThat(field(probe("p", spec(null, null, new Targets(null, null, List.of("/a/../b"), null, null), null))))
                .contains("spec.targets.files");
        assertThat(field(probe(
                        "p",
                        spec(
                                null,
                                null,
                                null,
                                List.of(new ProbeToleration(
                                        "k", ProbeToleration.TolerationOperator.Exists, "v", null, null))))))
                .contains("spec.tolerations[0].value");
    }

    @Test
    void messageStartsWithTheField() {
        Optional<SpecProblem> p = validator.validate(probe("p", spec("30s", null, null, null)));
        assertThat(p)
                .get()
                .satisfies(x ->
                        assertThat(x.message()).startsWith("spec.interval: ").contains("30s"));
    }

    private Optional<String> field(StorageProbe probe) {
        return validator.validate(probe).map(SpecProblem::field);
    }

    private static StorageProbeSpec spec(
            String interval, List<String> rules, Targets targets, List<ProbeToleration> tolerations) {
        return new StorageProbeSpec(null, tolerations, targets, rules, interval, null, null, null);
    }

    private static StorageProbe probe(String name, StorageProbeSpec spec) {
        StorageProbe p = new StorageProbe();
        p.getMetadata().setName(name);
        p.setSpec(spec);
        return p;
    }
}
