package io.storageprobe.operator.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * The operator's packages depend on each other one way only: a cycle means neither package can
 * be read, tested or moved without the other. Production classes only; tests may reach across.
 */
class PackageCyclesTest {
    private static final JavaClasses OPERATOR = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.storageprobe.operator");

    @Test
    void subpackagesAreFreeOfCycles() {
        slices().matching("io.storageprobe.operator.(*)..")
                .should()
                .beFreeOfCycles()
                .check(OPERATOR);
    }

    /** The slices above leave the top package out: it wires the others, so none may reach up to it. */
    @Test
    void subpackagesDoNotDependOnTheTopPackage() {
        noClasses()
                .that()
                .resideInAPackage("io.storageprobe.operator.*..")
                .should()
                .dependOnClassesThat()
                .resideInAPackage("io.storageprobe.operator")
                .check(OPERATOR);
    }
}
