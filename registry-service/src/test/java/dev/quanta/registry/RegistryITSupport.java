package dev.quanta.registry;

import dev.quanta.testsupport.TestDatabase;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Base of the integration tests: the whole service on a random port against a real PostgreSQL
 * ({@link TestDatabase}), one Spring context shared by every IT class (same configuration, so the context
 * cache reuses it), a models directory of its own and a clock tests can advance.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "quanta.edge.admin-tokens=" + HttpApi.ADMIN_TOKEN,
        "quanta.edge.worker-tokens=" + HttpApi.WORKER_ID + "=" + HttpApi.WORKER_TOKEN,
        "quanta.edge.metrics-tokens=" + HttpApi.METRICS_TOKEN,
        "quanta.edge.max-body-bytes=65536",
        "quanta.registry.lease-ttl=30s",
        "quanta.registry.max-page-size=50"})
@Import(TestClockConfig.class)
public abstract class RegistryITSupport {

    /** The models directory of the shared context; import tests put their files here. */
    protected static final Path MODELS_DIR = tempDir();

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        TestDatabase.register(registry);
        registry.add("quanta.registry.models-dir", MODELS_DIR::toString);
    }

    @LocalServerPort
    int port;

    @Autowired
    protected MutableClock clock;

    protected HttpApi api;

    @BeforeEach
    void client() {
        api = new HttpApi(port);
    }

    private static Path tempDir() {
        try {
            Path dir = Files.createTempDirectory("quanta-registry-models-").toRealPath();
            Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteTree(dir), "models-dir-cleanup"));
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void deleteTree(Path dir) {
        // NOTE: walks without following links, so symlinks the import tests make out of the dir stay harmless
        try (var paths = Files.walk(dir)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            // best effort at JVM exit; the directory is under the system temp dir
        }
    }

    /** A model profile body with the given key and a small valid shape. */
    protected static String profileJson(String key, String family, String architecture) {
        return """
                {"key":"%s","name":"Test %s","family":"%s","architecture":"%s","parametersBillions":1.5,
                 "layers":28,"hiddenSize":1536,"attentionHeads":12,"kvHeads":2,"contextLength":32768,
                 "vocabSize":151936}""".formatted(key, key, family, architecture);
    }
}
