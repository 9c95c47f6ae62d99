package dev.quanta.registry;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import dev.quanta.registry.imports.ImportedModel;
import dev.quanta.registry.imports.ModelPathResolver;
import dev.quanta.registry.model.ModelKeys;
import dev.quanta.registry.model.ModelShape;
import dev.quanta.registry.worker.WorkerLease;
import org.junit.jupiter.api.Test;

/** The pure core stays free of Spring and persistence; feature packages do not form cycles. */
class ArchitectureTest {

    private static final JavaClasses CLASSES = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.quanta.registry");

    @Test
    void coreRulesAreFreeOfSpringAndPersistence() {
        noClasses().that().belongToAnyOf(ModelShape.class, ModelKeys.class, ImportedModel.class,
                        ModelPathResolver.class, WorkerLease.class)
                .should().dependOnClassesThat().resideInAnyPackage("org.springframework..", "jakarta.persistence..",
                        "jakarta.servlet..")
                .check(CLASSES);
    }

    @Test
    void featurePackagesHaveNoCycles() {
        slices().matching("dev.quanta.registry.(*)..").should().beFreeOfCycles().check(CLASSES);
    }
}
