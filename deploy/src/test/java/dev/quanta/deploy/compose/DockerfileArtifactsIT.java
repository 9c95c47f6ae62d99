package dev.quanta.deploy.compose;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quanta.deploy.BuildLayout;
import dev.quanta.deploy.RepoPaths;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * After {@code package} (this module depends on the services, so the reactor has built them): the jar each
 * Dockerfile copies out of the Maven build exists, exactly one per module, as the Dockerfile's glob names it.
 */
class DockerfileArtifactsIT {

    @ParameterizedTest
    @CsvSource({"registry-service", "planner-service", "gateway", "inference-worker"})
    void theJarTheDockerfileCopiesIsProducedByTheBuild(String module) throws IOException {
        String glob = BuildLayout.runnableJarGlob(module);
        assertThat(Files.readString(RepoPaths.root().resolve(module).resolve("Dockerfile"))).contains(glob);
        List<Path> jars = BuildLayout.runnableJars(module);
        assertThat(jars).as(glob).hasSize(1);
        assertThat(jars.getFirst()).isNotEmptyFile();
    }
}
