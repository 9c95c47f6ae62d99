package dev.quanta.planner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.quanta.planner.config.RegistryProperties;
import dev.quanta.planner.registry.ContractRegistryStub;
import dev.quanta.planner.registry.RegistryApiConfiguration;
import dev.quanta.planner.registry.RegistryProcess;
import dev.quanta.registry.api.ModelProfileResponse;
import dev.quanta.registry.api.PageResponse;
import dev.quanta.registry.api.RegistryApi;
import org.springframework.web.client.HttpClientErrorException;
import org.springframework.web.client.RestClient;
import dev.quanta.planner.system.Http;
import dev.quanta.testsupport.TestDatabase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * The planner against the real registry service (its exec jar started as a child process on the same test
 * PostgreSQL): the typed contract ({@code RegistryApi}) read back from the running registry, the contract
 * stub compared with it field by field, and the registry's seed profiles through HTTP into the heuristic and
 * the full plan. Never skipped: without the registry's jar the class fails and says how to build it
 * ({@code ./mvnw -pl registry-service,planner-service -am verify} builds it first).
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RegistryContractIT {

    private static RegistryProcess registry;

    @BeforeAll
    static void startRegistry() throws Exception {
        Path jar = RegistryProcess.jar();
        if (jar == null || !Files.isRegularFile(jar)) {
            throw new IllegalStateException("the registry's exec jar is missing (" + jar + "): the contract test "
                    + "runs against the real registry; build it with ./mvnw -pl registry-service,planner-service "
                    + "-am verify (or -Dquanta.registry.jar=...)");
        }
        registry = RegistryProcess.start(jar, Duration.ofMinutes(5));
    }

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry properties) {
        TestDatabase.register(properties);
        properties.add("quanta.registry.url", () -> registry.url().toString());
        // NOTE: CI machines run many builds on two cores; a loaded registry may take seconds to answer.
        properties.add("quanta.registry.read-timeout", () -> "30s");
    }

    @AfterAll
    static void stopRegistry() {
        if (registry != null) {
            registry.close();
        }
    }

    @LocalServerPort
    int port;

    Http http;

    @BeforeEach
    void client() {
        http = new Http("http://127.0.0.1:" + port);
    }

    private static RegistryApi typedClient() {
        return RegistryApiConfiguration.create(RestClient.builder(), new RegistryProperties(registry.url(),
                Duration.ofSeconds(2), Duration.ofSeconds(30), Duration.ofSeconds(60), 10));
    }

    @Order(0)
    @Test
    void theTypedClientReadsEverySeedProfileAsTheStubServesIt() {
        RegistryApi api = typedClient();
        for (ModelProfileResponse seed : ContractRegistryStub.SEED.values()) {
            ModelProfileResponse real = api.model(seed.key());
            assertThat(ContractRegistryStub.copyAs(real.key(), real)).as(seed.key())
                    .usingRecursiveComparison().ignoringFields("version").isEqualTo(seed);
        }
    }

    @Order(0)
    @Test
    void theListingIsAPageOfProfilesUnderItems() {
        PageResponse<ModelProfileResponse> page = typedClient().models(0, RegistryApi.MAX_PAGE_SIZE);

        assertThat(page.page()).isZero();
        assertThat(page.size()).isEqualTo(RegistryApi.MAX_PAGE_SIZE);
        assertThat(page.items()).extracting(ModelProfileResponse::key)
                .containsAll(ContractRegistryStub.SEED.keySet());
        assertThat(page.totalElements()).isEqualTo(page.items().size());
    }

    @Order(0)
    @Test
    void artifactsAndUnknownKeysFollowTheContract() {
        RegistryApi api = typedClient();
        assertThat(api.artifacts("llama-7b")).isEmpty();
        assertThatThrownBy(() -> api.model("no-such-model")).isInstanceOf(HttpClientErrorException.NotFound.class);
    }

    /** The five seed models × six seed GPUs, as the seed rule answers (see SeedHeuristicTest for the rule). */
    @Order(1)
    @ParameterizedTest(name = "{0} on {1} → {2}")
    @CsvSource({
        "llama-7b,  A100-80GB,    FP16,     16, 14.0,  16.8,  100",
        "llama-7b,  A100-40GB,    FP16,     16, 14.0,  16.8,   50",
        "llama-7b,  H100,         FP16,     16, 14.0,  16.8,  150",
        "llama-7b,  L40S,         FP16,     16, 14.0,  16.8,   80",
        "llama-7b,  4090,         FP16,     16, 14.0,  16.8,   70",
        "llama-7b,  T4,           INT8,      8,  7.0,   8.4,   39",
        "llama-13b, A100-80GB,    FP16,     16, 26.0,  31.2,  100",
        "llama-13b, A100-40GB,    FP16,     16, 26.0,  31.2,   50",
        "llama-13b, H100,         FP16,     16, 26.0,  31.2,  150",
        "llama-13b, L40S,         FP16,     16, 26.0,  31.2,   80",
        "llama-13b, 4090,         INT8,      8, 13.0,  15.6,   91",
        "llama-13b, T4,           INT8,      8, 13.0,  15.6,   39",
        "llama-70b, A100-80GB,    INT4_AWQ,  4, 35.0,  42.0,  180",
        "llama-70b, A100-40GB,    GGUF,      3, 26.25, 31.5,   40",
        "llama-70b, H100,         INT4_AWQ,  4, 35.0,  42.0,  270",
        "llama-70b, L40S,         INT4_AWQ,  4, 35.0,  42.0,  144",
        "llama-70b, 4090,         GGUF,      3, 26.25, 31.5,   56",
        "llama-70b, T4,           GGUF,      3, 26.25, 31.5,   24",
        "qwen-7b,   A100-80GB,    FP16,     16, 14.0,  16.8,  100",
        "qwen-7b,   A100-40GB,    FP16,     16, 14.0,  16.8,   50",
        "qwen-7b,   H100,         FP16,     16, 14.0,  16.8,  150",
        "qwen-7b,   L40S,         FP16,     16, 14.0,  16.8,   80",
        "qwen-7b,   4090,         FP16,     16, 14.0,  16.8,   70",
        "qwen-7b,   T4,           INT8,      8,  7.0,   8.4,   39",
        "qwen-72b,  A100-80GB,    INT4_AWQ,  4, 36.0,  43.2,  180",
        "qwen-72b,  A100-40GB,    GGUF,      3, 27.0,  32.4,   40",
        "qwen-72b,  H100,         INT4_AWQ,  4, 36.0,  43.2,  270",
        "qwen-72b,  L40S,         INT4_AWQ,  4, 36.0,  43.2,  144",
        "qwen-72b,  4090,         GGUF,      3, 27.0,  32.4,   56",
        "qwen-72b,  T4,           GGUF,      3, 27.0,  32.4,   24",
    })
    void seedModelsFromTheRegistryGiveTheSeedHeuristic(String model, String gpu, String method, int bits,
            double estimated, double min, int tokens) {
        Http.Response r = http.get("/plan?model=" + model + "&gpu=" + gpu);

        assertThat(r.status()).as(r.raw()).isEqualTo(200);
        JsonNode h = r.json().get("heuristic");
        assertThat(h.get("method").asString()).isEqualTo(method);
        assertThat(h.get("bits").asInt()).isEqualTo(bits);
        assertThat(h.get("estimatedMemoryGb").asDouble()).isCloseTo(estimated, within(1e-9));
        assertThat(h.get("minGpuMemoryGb").asDouble()).isCloseTo(min, within(1e-9));
        assertThat(h.get("tokensPerSecond").asInt()).isEqualTo(tokens);
    }

    @Order(2)
    @Test
    void qwen72bShapeFromTheRegistryGivesItsKvBytesPerToken() {
        Http.Response r = http.get("/plan?model=qwen-72b&gpu=L40S&context=8192&concurrency=8");

        assertThat(r.status()).as(r.raw()).isEqualTo(200);
        assertThat(r.json().get("model").get("layers").asInt()).isEqualTo(80);
        assertThat(r.json().get("plan").get("methods").get(0).get("kvBytesPerToken").asLong()).isEqualTo(327_680);
        assertThat(r.json().get("plan").get("recommendation").get("method").asString()).isEqualTo("INT4_AWQ");
    }

    @Order(3)
    @Test
    void modelsOnlyTheRegistryKnowsAreRankedOverTheInventory() {
        Http.Response r = http.get("/plan?model=llama-3.1-8b&context=8192&concurrency=16");

        assertThat(r.status()).as(r.raw()).isEqualTo(200);
        assertThat(r.json().get("ranking").size()).isGreaterThanOrEqualTo(14);
        assertThat(r.json().get("ranking").get(0).get("recommendation").get("gpuCount").asInt()).isEqualTo(1);
    }

    @Order(4)
    @Test
    void unknownModelIs404WithTheRegistrysClosestKeys() {
        Http.Response r = http.get("/plan?model=qwen-70b&gpu=L40S");

        assertThat(r.status()).as(r.raw()).isEqualTo(404);
        assertThat(r.contentType()).startsWith("application/problem+json");
        assertThat(r.json().get("suggestions").toString()).contains("qwen-72b");
    }

    @Order(5)
    @Test
    void whenTheRegistryStopsCachedModelsStillPlanAndOthersAre503() {
        assertThat(http.get("/plan?model=llama-70b&gpu=H100").status()).isEqualTo(200);
        registry.close();

        assertThat(http.get("/plan?model=llama-70b&gpu=H100").status()).isEqualTo(200);
        Http.Response down = http.get("/plan?model=mistral-7b&gpu=H100");
        assertThat(down.status()).as(down.raw()).isEqualTo(503);
        assertThat(down.json().get("detail").asString()).contains("registry");
    }
}
