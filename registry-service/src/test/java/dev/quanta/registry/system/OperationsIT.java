package dev.quanta.registry.system;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quanta.registry.HttpApi;
import dev.quanta.registry.HttpApi.Response;
import dev.quanta.registry.RegistryITSupport;
import org.junit.jupiter.api.Test;

/** What operators and clients rely on besides the API itself: OpenAPI, probes, metrics. */
class OperationsIT extends RegistryITSupport {

    @Test
    void openApiDocumentDescribesTheEndpointsAndTheProfileFields() {
        Response r = api.get("/v3/api-docs", HttpApi.ADMIN_TOKEN);
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.json().at("/paths").propertyNames()).contains("/models", "/models/{key}",
                "/models/{key}/artifacts", "/models/{key}/artifacts/{id}/quality", "/models:import", "/imports",
                "/imports/{id}", "/workers", "/workers/{id}");
        var profile = r.json().at("/components/schemas/ModelProfileResponse/properties");
        assertThat(profile.propertyNames()).containsExactlyInAnyOrder("key", "name", "family", "architecture",
                "parametersBillions", "fp16MemoryGb", "layers", "hiddenSize", "attentionHeads", "kvHeads", "headDim",
                "contextLength", "vocabSize", "version");
        assertThat(r.json().at("/components/securitySchemes/adminToken/scheme").asString()).isEqualTo("bearer");
    }

    @Test
    void livenessAndReadinessProbesAreUp() {
        for (String probe : new String[] {"/actuator/health/liveness", "/actuator/health/readiness"}) {
            Response r = api.get(probe);
            assertThat(r.status()).as(probe).isEqualTo(200);
            assertThat(r.text("status")).isEqualTo("UP");
        }
    }

    @Test
    void prometheusMetricsAreExposedToTheAdmin() {
        api.get("/models/llama-7b");
        Response r = api.get("/actuator/prometheus", HttpApi.ADMIN_TOKEN);
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.raw().body()).contains("http_server_requests_seconds").contains("hikaricp_connections");
    }
}
