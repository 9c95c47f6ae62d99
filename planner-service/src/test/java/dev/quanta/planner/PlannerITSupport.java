package dev.quanta.planner;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quanta.planner.registry.ContractRegistryStub;
import dev.quanta.planner.system.Http;
import dev.quanta.testsupport.TestDatabase;
import java.io.IOException;
import org.junit.jupiter.api.BeforeEach;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Base of the planner's integration tests over HTTP on a real PostgreSQL, with the registry contract stub
 * (one per JVM; the real registry is {@link RegistryContractIT}'s). Every subclass has the same configuration,
 * so they share one Spring context. Tests that depend on what the planner has cached use model keys no
 * other test asks for.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
public abstract class PlannerITSupport {

    static final String TOKEN = "test-admin-token-0123456789";
    static final String WORKER_TOKEN = "test-worker-token-0123456789";
    static final String METRICS_TOKEN = "test-metrics-token-0123456789";
    static final String API_KEY = "test-api-key-0123456789";
    static final ContractRegistryStub REGISTRY;

    static {
        try {
            REGISTRY = new ContractRegistryStub();
            Runtime.getRuntime().addShutdownHook(new Thread(REGISTRY::close, "registry-stub-stop"));
        } catch (IOException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        TestDatabase.register(registry);
        registry.add("quanta.registry.url", () -> REGISTRY.url().toString());
        registry.add("quanta.edge.admin-tokens", () -> TOKEN);
        registry.add("quanta.edge.worker-tokens", () -> "w1=" + WORKER_TOKEN);
        registry.add("quanta.edge.metrics-tokens", () -> METRICS_TOKEN);
        registry.add("quanta.edge.api-keys", () -> API_KEY);
        registry.add("quanta.registry.read-timeout", () -> "30s");
    }

    @LocalServerPort
    int port;

    Http http;

    @BeforeEach
    void client() {
        http = new Http("http://127.0.0.1:" + port);
        REGISTRY.mode(ContractRegistryStub.Mode.UP);
    }

    static void assertProblem(Http.Response r, int status) {
        assertThat(r.status()).as(r.raw()).isEqualTo(status);
        assertThat(r.contentType()).startsWith("application/problem+json");
        assertThat(r.json().get("type").asString()).startsWith("https://quanta.dev/problems/");
        assertThat(r.json().get("title").asString()).isNotBlank();
        assertThat(r.json().get("status").asInt()).isEqualTo(status);
        assertThat(r.json().get("detail").asString()).isNotBlank();
    }

    static void assertProblem(Http.Response r, int status, String type) {
        assertProblem(r, status);
        assertThat(r.json().get("type").asString()).isEqualTo("https://quanta.dev/problems/" + type);
    }

    static void assertInvalid(Http.Response r, String field) {
        assertProblem(r, 400);
        assertThat(r.json().get("field").asString()).isEqualTo(field);
    }
}
