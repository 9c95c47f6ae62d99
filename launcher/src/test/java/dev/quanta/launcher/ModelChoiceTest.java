package dev.quanta.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelChoiceTest {

    @TempDir
    Path models;

    @Test
    void picksTheExplicitFileFirstThenTheFirstGgufByName() throws Exception {
        Files.writeString(models.resolve("b-model.gguf"), "x");
        Files.writeString(models.resolve("A_Model Q4.GGUF"), "x");
        Files.writeString(models.resolve("notes.txt"), "x");
        assertThat(ModelChoice.explicitOrFound(null, models)).hasValueSatisfying(c -> {
            assertThat(c.file().getFileName().toString()).isEqualTo("A_Model Q4.GGUF");
            assertThat(c.servedName()).isEqualTo("a_model-q4");
            assertThat(c.demo()).isFalse();
        });
        Path explicit = models.resolve("b-model.gguf");
        assertThat(ModelChoice.explicitOrFound(explicit, models)).hasValueSatisfying(
                c -> assertThat(c.servedName()).isEqualTo("b-model"));
    }

    @Test
    void emptyDirectoryLeavesTheDemoModel() throws Exception {
        assertThat(ModelChoice.explicitOrFound(null, models)).isEmpty();
        assertThat(ModelChoice.demo(models.resolve("d.gguf")).servedName()).isEqualTo("demo-random-weights");
    }

    @Test
    void rejectsAMissingExplicitFile() {
        assertThatThrownBy(() -> ModelChoice.explicitOrFound(models.resolve("none.gguf"), models))
                .isInstanceOf(IOException.class).hasMessageContaining("is not a file");
    }

    @Test
    void servedNamesFollowTheRegistrysKeyRules() {
        assertThat(ModelChoice.servedName(Path.of("stories260K.gguf"))).isEqualTo("stories260k")
                .matches("^[a-z0-9][a-z0-9._-]{0,63}$");
        assertThat(ModelChoice.servedName(Path.of("--Weird Name!!.gguf"))).isEqualTo("weird-name-")
                .matches("^[a-z0-9][a-z0-9._-]{0,63}$");
    }
}
