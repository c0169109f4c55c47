package io.storageprobe.api;

import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** The API's packages (CRD types, results, QEMU knowledge) depend on each other one way only. */
class PackageCyclesTest {
    @Test
    void apiPackagesAreFreeOfCycles() {
        JavaClasses api = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("io.storageprobe.api");
        slices().matching("io.storageprobe.api.(*)..").should().beFreeOfCycles().check(api);
    }
}
