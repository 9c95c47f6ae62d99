package dev.quanta.deploy.compose;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quanta.deploy.RepoPaths;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The worker image's entrypoint, run by sh with a stand-in {@code java} on the PATH that prints what it was given:
 * the credential file becomes QUANTA_WORKER_TOKEN, the arguments reach the CLI unchanged, a missing file stops it.
 */
class WorkerEntrypointTest {

    record Result(int exit, String output) {}

    static Result run(Path bin, Map<String, String> env, String... args) throws Exception {
        List<String> command = new java.util.ArrayList<>(List.of("sh",
                RepoPaths.root().resolve("inference-worker/docker-entrypoint.sh").toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().remove("QUANTA_WORKER_TOKEN");
        builder.environment().remove("QUANTA_WORKER_TOKEN_FILE");
        builder.environment().put("PATH", bin + ":" + System.getenv("PATH"));
        builder.environment().putAll(env);
        Process p = builder.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        return new Result(p.exitValue(), out);
    }

    static Path fakeJava(Path dir) throws Exception {
        Path java = dir.resolve("java");
        Files.writeString(java, "#!/bin/sh\necho \"token=${QUANTA_WORKER_TOKEN:-<unset>}\"\necho \"args=$*\"\n");
        Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));
        return dir;
    }

    @Test
    void readsTheCredentialFileAndPassesTheArgumentsOn(@TempDir Path dir) throws Exception {
        Path token = Files.writeString(dir.resolve("quanta-worker-3"), "s3cret");
        Result r = run(fakeJava(dir), Map.of("QUANTA_WORKER_TOKEN_FILE", token.toString()),
                "serve", "--model", "/models/m.gguf", "--served-model-name", "two words");
        assertThat(r.exit()).as(r.output()).isZero();
        assertThat(r.output()).contains("token=s3cret").contains("args=--enable-native-access=ALL-UNNAMED "
                + "--add-modules jdk.incubator.vector -XX:MaxRAMPercentage=25 -jar /app/quanta-inference-worker.jar "
                + "serve --model /models/m.gguf --served-model-name two words");
    }

    @Test
    void withoutAFileLeavesTheEnvironmentAlone(@TempDir Path dir) throws Exception {
        Result r = run(fakeJava(dir), Map.of("QUANTA_WORKER_TOKEN", "from-env"), "serve");
        assertThat(r.exit()).isZero();
        assertThat(r.output()).contains("token=from-env");
    }

    @Test
    void refusesAMissingCredentialFileWithOneLine(@TempDir Path dir) throws Exception {
        Result r = run(fakeJava(dir), Map.of("QUANTA_WORKER_TOKEN_FILE", dir.resolve("absent").toString()), "serve");
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.output().strip()).startsWith("quanta: QUANTA_WORKER_TOKEN_FILE").doesNotContain("args=")
                .doesNotContain("\n");
    }
}
