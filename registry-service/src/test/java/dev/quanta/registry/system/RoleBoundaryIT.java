package dev.quanta.registry.system;

import static dev.quanta.registry.Problems.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

import dev.quanta.registry.HttpApi;
import dev.quanta.registry.HttpApi.Response;
import dev.quanta.registry.RegistryITSupport;
import java.net.http.HttpRequest;
import org.junit.jupiter.api.Test;

/**
 * Every role boundary of the registry: anonymous (reads only), admin (everything), worker (its own lease
 * only), metrics scraper (the actuator only). No credential where one is needed, or a token that is none:
 * 401; a credential of the wrong role: 403 (one answer per fault, the edge's).
 */
class RoleBoundaryIT extends RegistryITSupport {

    private static final String LEASE = """
            {"modelKey":"role-model","baseUrl":"http://10.0.0.9:8090","capacity":2}""";

    // --- anonymous ---

    @Test
    void anonymousReadsAreOpen() {
        assertThat(api.get("/models").status()).isEqualTo(200);
        assertThat(api.get("/models/qwen-72b").status()).isEqualTo(200);
        assertThat(api.get("/models/qwen-72b/artifacts").status()).isEqualTo(200);
        assertThat(api.get("/workers").status()).isEqualTo(200);
        assertThat(api.get("/actuator/health").status()).isEqualTo(200);
    }

    @Test
    void anonymousWritesAre401WithABearerChallengeAndWriteNothing() {
        Response r = api.write("POST", "/models", profileJson("role-anon", "llama", "llama"), null);
        assertProblem(r, 401, "unauthorized");
        assertThat(r.header("WWW-Authenticate")).startsWith("Bearer realm=\"quanta-registry\"");
        assertThat(api.get("/models/role-anon").status()).isEqualTo(404);
        assertProblem(api.write("PUT", "/models/llama-7b", "{}", null), 401, "unauthorized");
        assertProblem(api.send(HttpRequest.newBuilder(api.uri("/models/llama-7b")).DELETE()), 401, "unauthorized");
        assertProblem(api.write("POST", "/models:import", "{}", null), 401, "unauthorized");
        assertProblem(api.write("POST", "/models/llama-7b/artifacts", "{}", null), 401, "unauthorized");
        assertProblem(api.write("PATCH", "/models/llama-7b/artifacts/1", "{}", null), 401, "unauthorized");
        assertProblem(api.write("PUT", "/workers/w-anon", LEASE, null), 401, "unauthorized");
        assertProblem(api.send(HttpRequest.newBuilder(api.uri("/workers/w-anon")).DELETE()), 401, "unauthorized");
        assertThat(api.get("/models/llama-7b").status()).isEqualTo(200);
    }

    @Test
    void anonymousGetsNeitherMetricsNorApiDocs() {
        assertProblem(api.get("/actuator/prometheus"), 401, "unauthorized");
        assertProblem(api.get("/v3/api-docs"), 401, "unauthorized");
    }

    // --- wrong credentials ---

    @Test
    void aTokenThatIsNoCredentialIs401OnReadsAndWritesAlike() {
        Response write = api.write("POST", "/models", profileJson("role-wrong", "llama", "llama"), "nope");
        assertProblem(write, 401, "unauthorized");
        assertThat(write.header("WWW-Authenticate")).contains("error=\"invalid_token\"");
        assertProblem(api.write("POST", "/models", profileJson("role-wrong", "llama", "llama"),
                HttpApi.ADMIN_TOKEN + "x"), 401, "unauthorized");
        assertProblem(api.get("/models", "nope"), 401, "unauthorized");
        assertThat(api.get("/models/role-wrong").status()).isEqualTo(404);
    }

    @Test
    void nonBearerSchemeIs401() {
        Response r = api.send(HttpRequest.newBuilder(api.uri("/models"))
                .POST(HttpRequest.BodyPublishers.ofString(profileJson("role-basic", "llama", "llama")))
                .header("Content-Type", "application/json")
                .header("Authorization", "Basic " + HttpApi.ADMIN_TOKEN));
        assertProblem(r, 401, "unauthorized");
    }

    // --- admin ---

    @Test
    void adminWritesAnythingAndReadsMetricsAndApiDocs() {
        assertThat(api.post("/models", profileJson("role-admin", "llama", "llama")).status()).isEqualTo(201);
        assertThat(api.put("/workers/w-admin-made", LEASE).status()).isEqualTo(201);
        assertThat(api.delete("/workers/w-admin-made").status()).isEqualTo(204);
        assertThat(api.get("/actuator/prometheus", HttpApi.ADMIN_TOKEN).status()).isEqualTo(200);
        assertThat(api.get("/v3/api-docs", HttpApi.ADMIN_TOKEN).status()).isEqualTo(200);
    }

    // --- worker ---

    @Test
    void workerCreatesRenewsAndReleasesItsOwnLease() {
        Response created = api.write("PUT", "/workers/" + HttpApi.WORKER_ID, LEASE, HttpApi.WORKER_TOKEN);
        assertThat(created.status()).as(created.raw().body()).isIn(200, 201);
        assertThat(api.write("PUT", "/workers/" + HttpApi.WORKER_ID, LEASE, HttpApi.WORKER_TOKEN).status())
                .isEqualTo(200);
        Response released = api.send(HttpRequest.newBuilder(api.uri("/workers/" + HttpApi.WORKER_ID)).DELETE()
                .header("Authorization", "Bearer " + HttpApi.WORKER_TOKEN));
        assertThat(released.status()).isEqualTo(204);
    }

    @Test
    void workerCannotTouchAnotherWorkersLease() {
        assertThat(api.put("/workers/w-victim", LEASE).status()).isEqualTo(201);

        assertProblem(api.write("PUT", "/workers/w-victim", LEASE.replace("10.0.0.9", "6.6.6.6"),
                HttpApi.WORKER_TOKEN), 403, "forbidden");
        assertProblem(api.send(HttpRequest.newBuilder(api.uri("/workers/w-victim")).DELETE()
                .header("Authorization", "Bearer " + HttpApi.WORKER_TOKEN)), 403, "forbidden");
        Response live = api.get("/workers?model=role-model");
        assertThat(live.json().findValuesAsString("id")).contains("w-victim");
        assertThat(live.json().findValuesAsString("baseUrl")).doesNotContain("http://6.6.6.6:8090");
    }

    @Test
    void aCompromisedWorkerCannotDeleteModelsOrWriteAnythingElse() {
        assertProblem(api.send(HttpRequest.newBuilder(api.uri("/models/llama-7b")).DELETE()
                .header("Authorization", "Bearer " + HttpApi.WORKER_TOKEN)), 403, "forbidden");
        assertThat(api.get("/models/llama-7b").status()).isEqualTo(200);
        assertProblem(api.write("POST", "/models", profileJson("role-worker", "llama", "llama"),
                HttpApi.WORKER_TOKEN), 403, "forbidden");
        assertProblem(api.write("POST", "/models:import", "{\"path\":\"x.gguf\"}", HttpApi.WORKER_TOKEN), 403,
                "forbidden");
        assertProblem(api.get("/actuator/prometheus", HttpApi.WORKER_TOKEN), 403, "forbidden");
    }

    // --- metrics scraper ---

    @Test
    void metricsCredentialReadsTheActuatorOnly() {
        Response metrics = api.get("/actuator/prometheus", HttpApi.METRICS_TOKEN);
        assertThat(metrics.status()).isEqualTo(200);
        assertThat(metrics.raw().body()).contains("http_server_requests_seconds");
        assertProblem(api.get("/v3/api-docs", HttpApi.METRICS_TOKEN), 403, "forbidden");
        assertProblem(api.write("POST", "/models", profileJson("role-metrics", "llama", "llama"),
                HttpApi.METRICS_TOKEN), 403, "forbidden");
    }
}
