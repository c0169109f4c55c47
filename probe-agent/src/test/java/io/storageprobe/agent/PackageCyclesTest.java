package io.storageprobe.agent;

import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** The agent's packages depend on each other one way only, so each can be read without the ones above it. */
class PackageCyclesTest {
    @Test
    void agentPackagesAreFreeOfCycles() {
        JavaClasses agent = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("io.storageprobe.agent");
        slices().matching("io.storageprobe.agent.(*)..")
                .should()
                .beFreeOfCycles()
                .check(agent);
    }
}
