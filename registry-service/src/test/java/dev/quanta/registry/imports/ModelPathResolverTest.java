package dev.quanta.registry.imports;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quanta.registry.imports.ModelPathResolver.Reason;
import dev.quanta.registry.imports.ModelPathResolver.RefusedPathException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelPathResolverTest {

    @TempDir
    Path base;

    Path models;
    Path outside;
    ModelPathResolver resolver;

    @BeforeEach
    void layout() throws Exception {
        models = Files.createDirectories(base.resolve("models"));
        outside = Files.createDirectories(base.resolve("outside"));
        Files.writeString(models.resolve("a.gguf"), "a");
        Files.createDirectories(models.resolve("sub"));
        Files.writeString(models.resolve("sub/b.gguf"), "b");
        Files.writeString(outside.resolve("secret.gguf"), "s");
        Files.writeString(base.resolve("models-evil.gguf"), "e");
        resolver = new ModelPathResolver(models);
    }

    private Reason refusal(String path) {
        try {
            resolver.resolve(path);
            throw new AssertionError("accepted " + path);
        } catch (RefusedPathException e) {
            return e.reason();
        }
    }

    @Test
    void acceptsRelativeAndAbsolutePathsInside() throws Exception {
        assertThat(resolver.resolve("a.gguf").location()).isEqualTo("a.gguf");
        assertThat(resolver.resolve("sub/b.gguf").location()).isEqualTo("sub/b.gguf");
        assertThat(resolver.resolve("sub/../a.gguf").location()).isEqualTo("a.gguf");
        assertThat(resolver.resolve(models.resolve("sub/b.gguf").toString()).file())
                .isEqualTo(models.resolve("sub/b.gguf").toRealPath());
    }

    @Test
    void refusesDotDotOut() {
        assertThat(refusal("../outside/secret.gguf")).isEqualTo(Reason.OUTSIDE);
        assertThat(refusal("sub/../../outside/secret.gguf")).isEqualTo(Reason.OUTSIDE);
        assertThat(refusal("../no-such-file")).as("outside even when missing").isEqualTo(Reason.OUTSIDE);
    }

    @Test
    void refusesAbsolutePathsElsewhereIncludingSiblingPrefixes() {
        assertThat(refusal(outside.resolve("secret.gguf").toString())).isEqualTo(Reason.OUTSIDE);
        assertThat(refusal(base.resolve("models-evil.gguf").toString())).isEqualTo(Reason.OUTSIDE);
        assertThat(refusal("/etc/passwd")).isEqualTo(Reason.OUTSIDE);
    }

    @Test
    void refusesSymlinksLeadingOut() throws Exception {
        Files.createSymbolicLink(models.resolve("link.gguf"), outside.resolve("secret.gguf"));
        Files.createSymbolicLink(models.resolve("dir"), outside);
        assertThat(refusal("link.gguf")).isEqualTo(Reason.OUTSIDE);
        assertThat(refusal("dir/secret.gguf")).isEqualTo(Reason.OUTSIDE);
    }

    @Test
    void followsSymlinksThatStayInside() throws Exception {
        Files.createSymbolicLink(models.resolve("alias.gguf"), models.resolve("sub/b.gguf"));
        assertThat(resolver.resolve("alias.gguf").location()).isEqualTo("sub/b.gguf");
    }

    @Test
    void reportsMissingFilesDirectoriesAndInvalidPaths() throws Exception {
        assertThat(refusal("nope.gguf")).isEqualTo(Reason.MISSING);
        Files.createSymbolicLink(models.resolve("dangling.gguf"), models.resolve("gone.gguf"));
        assertThat(refusal("dangling.gguf")).isEqualTo(Reason.MISSING);
        assertThat(refusal("sub")).isEqualTo(Reason.NOT_A_FILE);
        assertThat(refusal("")).isEqualTo(Reason.NOT_A_FILE);
        assertThat(refusal("a\0.gguf")).isEqualTo(Reason.INVALID);
    }

    @Test
    void aMissingModelsDirectoryRefusesEverything() {
        ModelPathResolver none = new ModelPathResolver(base.resolve("absent"));
        assertThatThrownBy(() -> none.resolve("a.gguf")).isInstanceOfSatisfying(RefusedPathException.class,
                e -> assertThat(e.reason()).isEqualTo(Reason.MISSING));
    }
}
