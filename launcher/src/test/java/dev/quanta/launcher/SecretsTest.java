package dev.quanta.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SecretsTest {

    @TempDir
    Path state;

    @Test
    void generatedSecretIsWrittenOwnerOnlyAndShownOnce() throws Exception {
        Secrets.Secret first = Secrets.resolve("X_TOKEN", null, state, "token");
        assertThat(first.source()).isEqualTo(Secrets.Source.GENERATED);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(state.resolve("token"))))
                .isEqualTo("rw-------");
        assertThat(first.display("X_TOKEN")).contains(first.value());
        Secrets.Secret again = Secrets.resolve("X_TOKEN", "", state, "token");
        assertThat(again.source()).isEqualTo(Secrets.Source.FILE);
        assertThat(again.value()).isEqualTo(first.value());
        assertThat(again.display("X_TOKEN")).doesNotContain(first.value()).contains(state.resolve("token").toString());
    }

    @Test
    void secretFromTheEnvironmentIsNeverPrintedNorWritten() throws Exception {
        Secrets.Secret s = Secrets.resolve("X_TOKEN", "from-env-secret-value", state, "token");
        assertThat(s.display("X_TOKEN")).doesNotContain("from-env-secret-value").contains("$X_TOKEN");
        assertThat(s.toString()).doesNotContain("from-env-secret-value");
        assertThat(state.resolve("token")).doesNotExist();
    }
}
