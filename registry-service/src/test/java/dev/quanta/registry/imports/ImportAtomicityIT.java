package dev.quanta.registry.imports;

import static dev.quanta.registry.Problems.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.quanta.registry.RegistryITSupport;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * An import writes the profile and then the artifact; when the artifact write fails, the profile must not
 * stay behind. The failure is injected in PostgreSQL itself (a temporary CHECK constraint refusing one
 * location), so the rollback under test is the real one.
 */
class ImportAtomicityIT extends RegistryITSupport {

    @Autowired
    JdbcClient jdbc;

    @Test
    void aFailedArtifactWriteLeavesNoProfileBehind() throws Exception {
        String shared = System.getProperty("quanta.shared.dir");
        Path source = shared == null ? null : Path.of(shared, "models", "stories260K-Q4_0.gguf");
        assumeTrue(source != null && Files.isRegularFile(source),
                "shared models absent (system property quanta.shared.dir → ../shared/models): skipping");
        Path file = MODELS_DIR.resolve("atomic/stories260K-Q4_0.gguf");
        Files.createDirectories(file.getParent());
        Files.copy(source, file);

        jdbc.sql("ALTER TABLE registry.artifact ADD CONSTRAINT test_refuse_atomic "
                + "CHECK (location <> 'atomic/stories260K-Q4_0.gguf')").update();
        try {
            var refused = api.post("/models:import", "{\"path\":\"atomic/stories260K-Q4_0.gguf\",\"key\":\"atomic\"}");
            assertProblem(refused, 409, "conflict");
            assertThat(api.get("/models/atomic").status()).as("profile rolled back with the artifact").isEqualTo(404);
        } finally {
            jdbc.sql("ALTER TABLE registry.artifact DROP CONSTRAINT test_refuse_atomic").update();
        }
        var accepted = api.post("/models:import", "{\"path\":\"atomic/stories260K-Q4_0.gguf\",\"key\":\"atomic\"}");
        assertThat(accepted.status()).isEqualTo(201);
    }
}
