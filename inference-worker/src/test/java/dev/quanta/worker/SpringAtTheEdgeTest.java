package dev.quanta.worker;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import dev.quanta.worker.engine.InferenceEngine;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * Spring stays at the edge: the serving core (engine, kv, scheduler, sampling, model, tokenizer, generate) imports
 * none of it, and the OpenAI request handling the batch runner shares with the HTTP API is Spring-free too.
 */
class SpringAtTheEdgeTest {

    private static JavaClasses main() throws Exception {
        Path root = Path.of(InferenceEngine.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        return new ClassFileImporter().importPath(root.resolve("dev/quanta/worker"));
    }

    @Test
    void theServingCoreImportsNoSpring() throws Exception {
        noClasses().that().resideInAnyPackage("dev.quanta.worker.engine..", "dev.quanta.worker.kv..",
                        "dev.quanta.worker.scheduler..", "dev.quanta.worker.sampling..", "dev.quanta.worker.model..",
                        "dev.quanta.worker.tokenizer..", "dev.quanta.worker.generate..")
                .should().dependOnClassesThat().resideInAnyPackage("org.springframework..", "jakarta.servlet..")
                .check(main());
    }

    @Test
    void theSharedRequestHandlingImportsNoSpring() throws Exception {
        noClasses().that().haveSimpleNameEndingWith("Api").or().haveSimpleName("BatchRunner")
                .or().haveSimpleName("Generation").or().haveSimpleName("GenerationOptions")
                .or().haveSimpleName("MetricsExposition")
                .should().dependOnClassesThat().resideInAnyPackage("org.springframework..", "jakarta.servlet..")
                .check(main());
    }
}
