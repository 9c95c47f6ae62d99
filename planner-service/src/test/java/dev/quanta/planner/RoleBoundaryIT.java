package dev.quanta.planner;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quanta.planner.system.Http;
import org.junit.jupiter.api.Test;

/**
 * Every role boundary of the planner: anonymous (plans and inventory reads), admin (inventory writes,
 * metrics, API docs), and credentials of other roles (worker, API key, metrics scraper), which may not write.
 * Wrong or missing credentials get the same answers as on the registry.
 */
class RoleBoundaryIT extends PlannerITSupport {

    private static final String GPU = "{\"memoryGb\":16,\"bandwidthGbPerSecond\":300,\"fp16Tflops\":65,\"available\":1}";

    @Test
    void anonymousPlansAndReadsTheInventory() {
        assertThat(http.get("/gpus").status()).isEqualTo(200);
        assertThat(http.get("/plan?model=qwen-72b&gpu=L40S").status()).isEqualTo(200);
        assertThat(http.send("POST", "/plan", "{\"model\":{\"parametersBillions\":1,\"layers\":2,\"hiddenSize\":64,"
                + "\"attentionHeads\":8,\"kvHeads\":8,\"headDim\":8,\"contextLength\":512},\"gpu\":\"T4\"}", null)
                .status()).isEqualTo(200);
    }

    @Test
    void anonymousCannotWriteTheInventoryNorReadMetricsOrApiDocs() {
        Http.Response put = http.send("PUT", "/gpus/ROLE-ANON", GPU, null);
        assertProblem(put, 401, "unauthorized");
        assertThat(put.wwwAuthenticate()).startsWith("Bearer realm=\"quanta-planner\"");
        assertProblem(http.send("DELETE", "/gpus/T4", null, null), 401, "unauthorized");
        assertProblem(http.get("/actuator/prometheus"), 401, "unauthorized");
        assertProblem(http.get("/v3/api-docs"), 401, "unauthorized");
        assertThat(http.get("/gpus/ROLE-ANON").status()).isEqualTo(404);
    }

    @Test
    void aTokenThatIsNoCredentialIs401EvenOnReads() {
        Http.Response r = http.send("GET", "/gpus", null, "not-a-credential");
        assertProblem(r, 401, "unauthorized");
        assertThat(r.wwwAuthenticate()).contains("invalid_token");
    }

    @Test
    void adminWritesTheInventoryAndReadsMetrics() {
        assertThat(http.send("PUT", "/gpus/ROLE-ADMIN", GPU, TOKEN).status()).isEqualTo(201);
        assertThat(http.send("DELETE", "/gpus/ROLE-ADMIN", null, TOKEN).status()).isEqualTo(204);
        assertThat(http.send("GET", "/actuator/prometheus", null, TOKEN).status()).isEqualTo(200);
    }

    @Test
    void otherRolesMayNotWriteTheInventory() {
        for (String token : new String[] {WORKER_TOKEN, API_KEY, METRICS_TOKEN}) {
            assertProblem(http.send("PUT", "/gpus/ROLE-OTHER", GPU, token), 403, "forbidden");
            assertProblem(http.send("DELETE", "/gpus/T4", null, token), 403, "forbidden");
        }
        assertThat(http.get("/gpus/ROLE-OTHER").status()).isEqualTo(404);
        assertThat(http.get("/gpus/T4").status()).isEqualTo(200);
    }

    @Test
    void onlyAdminAndTheScraperReadMetrics() {
        assertThat(http.send("GET", "/actuator/prometheus", null, METRICS_TOKEN).status()).isEqualTo(200);
        assertProblem(http.send("GET", "/actuator/prometheus", null, WORKER_TOKEN), 403, "forbidden");
        assertProblem(http.send("GET", "/v3/api-docs", null, METRICS_TOKEN), 403, "forbidden");
    }
}
