package io.storageprobe.api.qemu;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The CRD's check of spec.rules is built from the catalog's names, so a new rule cannot be left out of it. */
class RuleCatalogTest {
    @Test
    void theCelListAndItsMessageNameEveryRuleInTheCatalogsOrder() {
        List<String> names = RuleCatalog.names();
        assertThat(RuleCatalog.NAMES_CEL).isEqualTo("['" + String.join("', '", names) + "']");
        assertThat(RuleCatalog.NAMES_TEXT)
                .isEqualTo(
                        String.join(", ", names.subList(0, names.size() - 1)) + " and " + names.get(names.size() - 1));
    }
}
