package io.storageprobe.operator.schema;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.storageprobe.api.v1alpha1.StorageProbe;
import io.storageprobe.operator.spec.SpecProblem;
import io.storageprobe.operator.spec.SpecValidator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.provider.Arguments;

/**
 * Defence in depth: every malformed spec the CRD rejects, if it still reached the operator (an
 * old CRD, a cluster without CEL), is reported by the operator as InvalidSpec naming the same
 * field. Specs the operator cannot even read (a string where a list belongs) are left out: the
 * informer could not hand them over, and no DaemonSet would be made for them.
 */
class SpecValidatorParityTest {
    private final KubernetesSerialization serialization = new KubernetesSerialization();
    private final SpecValidator validator = new SpecValidator();

    @Test
    void theOperatorFlagsWhatTheCrdRejectsNamingTheSameField() {
        List<Arguments> cases = StorageProbeCrdValidationTest.malformed().toList();
        int readable = 0;
        for (Arguments a : cases) {
            Object[] args = a.get();
            String what = (String) args[0];
            @SuppressWarnings("unchecked")
            Map<String, Object> spec = (Map<String, Object>) args[2];
            String field = (String) args[3];
            Optional<StorageProbe> probe = read((String) args[1], spec);
            if (probe.isEmpty()) {
                continue;
            }
            readable++;
            Optional<SpecProblem> problem = validator.validate(probe.get());
            assertThat(problem).as(what).isPresent();
            assertThat(problem.get().message()).as(what).contains(field);
        }
        assertThat(readable).as("malformed specs the operator can read").isGreaterThanOrEqualTo(15);
    }

    private Optional<StorageProbe> read(String name, Map<String, Object> spec) {
        Map<String, Object> object = new HashMap<>();
        object.put("apiVersion", "storageprobe.io/v1alpha1");
        object.put("kind", "StorageProbe");
        object.put("metadata", Map.of("name", name));
        object.put("spec", spec);
        try {
            return Optional.of(serialization.convertValue(object, StorageProbe.class));
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }
}
