package io.storageprobe.api.v1alpha1;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The CRDs under {@code crds/} at the repository root are what the chart and users apply, so
 * they must be exactly what the crd-generator makes from the Java types (with the printer columns
 * in their declared order, see {@link PrinterColumnOrder}, and the schema root's description, see
 * {@link TopLevelSchema}). This test fails the build when they
 * drift; {@code -Dstorageprobe.updateCrds=true} rewrites them instead.
 */
class CheckedInCrdsTest {
    private static final Path GENERATED =
            Path.of(System.getProperty("storageprobe.generated.dir", "target/classes/META-INF/fabric8"));
    private static final Path CHECKED_IN = Path.of(System.getProperty("storageprobe.crds.dir", "../crds"));

    @Test
    void checkedInCrdsMatchTheGeneratedOnes() throws IOException {
        List<Path> generated = generatedCrds();
        assertThat(generated).as("CRDs generated into %s", GENERATED).hasSize(2);
        boolean update = Boolean.getBoolean("storageprobe.updateCrds");
        for (Path source : generated) {
            Path target = CHECKED_IN.resolve(checkedInName(source));
            Class<?> resource = resourceOf(source);
            String expected = TopLevelSchema.edit(
                    PrinterColumnOrder.reorder(Files.readString(source), resource),
                    resource,
                    resource != StorageProbeResult.class);
            if (update) {
                Files.createDirectories(CHECKED_IN);
                Files.writeString(target, expected);
            }
            assertThat(target)
                    .as("%s is missing: build once with -Dstorageprobe.updateCrds=true", target)
                    .exists();
            assertThat(Files.readString(target))
                    .as(
                            "%s differs from the generated CRD: build with -Dstorageprobe.updateCrds=true and commit it",
                            target)
                    .isEqualTo(expected);
        }
    }

    private static Class<?> resourceOf(Path generated) {
        return generated.getFileName().toString().startsWith("storageproberesults.")
                ? StorageProbeResult.class
                : StorageProbe.class;
    }

    /** {@code storageprobes.storageprobe.io-v1.yml} becomes {@code storageprobes.storageprobe.io.yaml}. */
    static String checkedInName(Path generated) {
        return generated.getFileName().toString().replace("-v1.yml", ".yaml");
    }

    private static List<Path> generatedCrds() throws IOException {
        try (Stream<Path> files = Files.list(GENERATED)) {
            return files.filter(p -> p.toString().endsWith("-v1.yml")).sorted().toList();
        }
    }
}
