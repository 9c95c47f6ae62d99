package dev.quanta.worker.tokenizer;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The tokenizer is a pure core: besides the JDK it uses only the GGUF reader and jinjava (no Spring, no web). */
class TokenizerArchitectureTest {

    @Test
    void tokenizerDependsOnlyOnTheJdkGgufAndJinjava() throws Exception {
        // only the main classes: the package directory beside Tokenizer.class (not the test classes)
        Path mainRoot = Path.of(Tokenizer.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        JavaClasses main = new ClassFileImporter().importPath(mainRoot.resolve("dev/quanta/worker/tokenizer"));
        classes().that().resideInAPackage("dev.quanta.worker.tokenizer..")
                .should().onlyDependOnClassesThat().resideInAnyPackage(
                        "dev.quanta.worker.tokenizer..", "dev.quanta.gguf..", "java..", "javax..",
                        "com.hubspot.jinjava..", "jinjava..")
                .check(main);
    }
}
