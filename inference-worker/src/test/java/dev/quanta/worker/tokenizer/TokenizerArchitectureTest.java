package dev.quanta.worker.tokenizer;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import org.junit.jupiter.api.Test;

/** The tokenizer is a pure core: besides the JDK it uses only the GGUF reader and jinjava (no Spring, no web). */
class TokenizerArchitectureTest {

    @Test
    void tokenizerDependsOnlyOnTheJdkGgufAndJinjava() {
        // only the main classes: those loaded from where Tokenizer itself comes from
        String mainRoot = Tokenizer.class.getProtectionDomain().getCodeSource().getLocation().toString();
        JavaClasses main = new ClassFileImporter()
                .withImportOption(location -> location.asURI().toString().startsWith(mainRoot))
                .importPackages("dev.quanta.worker.tokenizer");
        classes().that().resideInAPackage("dev.quanta.worker.tokenizer..")
                .should().onlyDependOnClassesThat().resideInAnyPackage(
                        "dev.quanta.worker.tokenizer..", "dev.quanta.gguf..", "java..", "javax..",
                        "com.hubspot.jinjava..", "jinjava..")
                .check(main);
    }
}
