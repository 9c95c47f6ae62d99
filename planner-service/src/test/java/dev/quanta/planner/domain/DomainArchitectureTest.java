package dev.quanta.planner.domain;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

@AnalyzeClasses(packages = "dev.quanta.planner", importOptions = ImportOption.DoNotIncludeTests.class)
class DomainArchitectureTest {

    @ArchTest
    static final ArchRule domainImportsNoSpringJpaOrJackson = noClasses()
            .that().resideInAPackage("dev.quanta.planner.domain..")
            .should().dependOnClassesThat().resideInAnyPackage("org.springframework..", "jakarta.persistence..",
                    "jakarta.validation..", "org.hibernate..", "tools.jackson..", "com.fasterxml..")
            .because("the planner domain is pure Java, tested with tables");

    @ArchTest
    static final ArchRule domainDependsOnNoOtherPlannerPackage = noClasses()
            .that().resideInAPackage("dev.quanta.planner.domain..")
            .should().dependOnClassesThat().resideInAnyPackage("dev.quanta.planner.gpu..",
                    "dev.quanta.planner.plan..", "dev.quanta.planner.registry..", "dev.quanta.planner.config..",
                    "dev.quanta.planner.system..")
            .because("adapters depend on the domain, never the other way");
}
