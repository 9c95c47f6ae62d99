package dev.quanta.gateway.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The gateway in front of three real worker processes on stories260K (two serve it as {@code story-a}, one as
 * {@code story-b}) and two gateway instances sharing PostgreSQL: routing by model, prefix affinity confirmed
 * by the worker's own prefix-cache counter, per-key limits across both instances, 401, 429, and failover
 * when a worker is killed (last, since it leaves one worker fewer).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class GatewayWorkersIT {

    static final JsonMapper JSON = JsonMapper.builder().build();
    static final String KEY = "it-key-0123456789abcdef0123";
    static final String TIGHT = "it-tight-0123456789abcdef0123";
    static final String BUDGET = "it-budget-0123456789abcdef012";

    WorkerProcess a1;
    WorkerProcess a2;
    WorkerProcess b1;
    GatewayStack gatewayA;
    GatewayStack gatewayB;

    @BeforeAll
    void start() throws Exception {
        WorkerProcess.stories(); // skips the class when ../shared is absent
        a1 = WorkerProcess.start("worker-a1", "story-a", null, null);
        a2 = WorkerProcess.start("worker-a2", "story-a", null, null);
        b1 = WorkerProcess.start("worker-b1", "story-b", null, null);
        Map<String, String> common = Map.of(
                "quanta.edge.api-keys", "main=" + KEY + ",tight=" + TIGHT + ",budget=" + BUDGET,
                "quanta.gateway.limits.per-key.tight.requests-per-window", "3",
                "quanta.gateway.limits.per-key.budget.tokens-per-window", "60",
                "quanta.gateway.limits.request-window", "1h",
                "quanta.gateway.limits.token-window", "1h",
                "quanta.gateway.upstream.eject-after-failures", "2",
                "quanta.gateway.upstream.probe-after", "60s");
        gatewayA = GatewayStack.start(List.of(a1, a2, b1), common);
        gatewayB = GatewayStack.start(List.of(a1, a2, b1), common);
    }

    @AfterAll
    void stop() throws Exception {
        for (AutoCloseable c : new AutoCloseable[] {gatewayA, gatewayB, a1, a2, b1}) {
            if (c != null) {
                c.close();
            }
        }
    }

    static String completion(String model, String prompt, int maxTokens) {
        var body = JSON.createObjectNode();
        body.put("model", model);
        body.put("prompt", prompt);
        body.put("max_tokens", maxTokens);
        body.put("temperature", 0);
        return JSON.writeValueAsString(body);
    }

    @Test
    @Order(1)
    void refusesRequestsWithoutAKey() throws Exception {
        HttpResponse<String> r = gatewayA.post("/v1/completions", completion("story-a", "Once", 4), null);
        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(JSON.readTree(r.body()).path("error").path("message").asString()).contains("API key");
    }

    @Test
    @Order(2)
    void routesEachRequestToAWorkerOfItsModel() throws Exception {
        long bBefore = b1.finishedRequests();
        long aBefore = a1.finishedRequests() + a2.finishedRequests();
        for (int i = 0; i < 3; i++) {
            HttpResponse<String> r = gatewayA.post("/v1/completions", completion("story-b", "Once upon a time", 4), KEY);
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            assertThat(JSON.readTree(r.body()).path("model").asString()).isEqualTo("story-b");
        }
        assertThat(b1.finishedRequests() - bBefore).isEqualTo(3);
        assertThat(a1.finishedRequests() + a2.finishedRequests()).isEqualTo(aBefore);
        HttpResponse<String> unknown = gatewayA.post("/v1/completions", completion("story-z", "x", 4), KEY);
        assertThat(unknown.statusCode()).isEqualTo(404);
        JsonNode models = JSON.readTree(gatewayA.get("/v1/models", KEY).body());
        assertThat(models.path("data").findValuesAsString("id")).containsExactly("story-a", "story-b");
    }

    @Test
    @Order(3)
    void requestsSharingAPrefixLandOnTheWorkerThatCachedIt() throws Exception {
        // ~256 tokens of shared prefix (stories260K: about 3.5 characters per token on this text)
        String sentence = "Lily and her little dog Max went to the big park to play with a red ball. ";
        String prefix = sentence.repeat(12);
        int prefixTokens = JSON.readTree(GatewayStack.HTTP.send(java.net.http.HttpRequest.newBuilder(
                java.net.URI.create(a1.url() + "/tokenize")).header("Content-Type", "application/json")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString("{\"model\":\"story-a\",\"prompt\":"
                        + JSON.writeValueAsString(prefix) + "}")).build(),
                HttpResponse.BodyHandlers.ofString()).body()).path("count").asInt();
        assertThat(prefixTokens).as("shared prefix length in tokens").isBetween(200, 400);
        double[] hitsBefore = {a1.load().prefixHits(), a2.load().prefixHits()};
        long[] doneBefore = {a1.finishedRequests(), a2.finishedRequests()};
        int n = 6;
        for (int i = 0; i < n; i++) {
            HttpResponse<String> r = gatewayA.post("/v1/completions",
                    completion("story-a", prefix + "Then friend number " + i + " came.", 4), KEY);
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        }
        long[] served = {a1.finishedRequests() - doneBefore[0], a2.finishedRequests() - doneBefore[1]};
        long[] hits = {(long) (a1.load().prefixHits() - hitsBefore[0]), (long) (a2.load().prefixHits() - hitsBefore[1])};
        int chosen = served[0] == n ? 0 : 1;
        assertThat(served).as("all %d requests on one worker (served per worker)", n).containsExactlyInAnyOrder(n, 0L);
        assertThat(hits[chosen]).as("prefix-cache hits (tokens) on the chosen worker")
                .isGreaterThanOrEqualTo((long) (n - 1) * (prefixTokens - 16));
        assertThat(hits[1 - chosen]).isZero();
    }

    @Test
    @Order(4)
    void requestRateHoldsAcrossTwoGatewayInstances() throws Exception {
        GatewayStack[] both = {gatewayA, gatewayB};
        for (int i = 0; i < 3; i++) {
            HttpResponse<String> r = both[i % 2].post("/v1/completions", completion("story-b", "Once", 2), TIGHT);
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        }
        HttpResponse<String> refused = gatewayB.post("/v1/completions", completion("story-b", "Once", 2), TIGHT);
        assertThat(refused.statusCode()).isEqualTo(429);
        assertThat(refused.headers().firstValue("Retry-After")).hasValueSatisfying(
                v -> assertThat(Long.parseLong(v)).isPositive());
        assertThat(JSON.readTree(refused.body()).path("error").path("code").asString()).isEqualTo("rate_limit_exceeded");
        HttpResponse<String> ollama = gatewayA.post("/api/generate", "{\"model\":\"story-b\",\"prompt\":\"Once\"}", TIGHT);
        assertThat(ollama.statusCode()).isEqualTo(429);
        assertThat(JSON.readTree(ollama.body()).path("error").isString()).isTrue();
    }

    @Test
    @Order(5)
    void tokenBudgetHoldsAcrossTwoGatewayInstances() throws Exception {
        int served = 0;
        HttpResponse<String> last = null;
        for (int i = 0; i < 10; i++) {
            last = (i % 2 == 0 ? gatewayA : gatewayB).post("/v1/completions",
                    completion("story-b", "Once upon a time there was a girl", 16), BUDGET);
            if (last.statusCode() != 200) {
                break;
            }
            served++;
        }
        assertThat(last.statusCode()).isEqualTo(429);
        assertThat(last.body()).contains("token budget");
        assertThat(served).as("requests served before the 60-token budget ran out").isBetween(1, 3);
    }

    @Test
    @Order(9)
    void killingAWorkerLeavesNoErrorForRequestsNotYetStreaming() throws Exception {
        ExecutorService clients = Executors.newFixedThreadPool(3);
        try {
            List<Future<Integer>> results = new ArrayList<>();
            for (int i = 0; i < 12; i++) {
                String prompt = "Story " + i + ": once upon a time";
                results.add(clients.submit(() -> gatewayA.post("/v1/completions", completion("story-a", prompt, 24), KEY)
                        .statusCode()));
                if (i == 3) {
                    a1.kill(); // mid-test: requests in flight on it have not sent their first byte
                }
            }
            List<Integer> statuses = new ArrayList<>();
            for (Future<Integer> f : results) {
                statuses.add(f.get());
            }
            assertThat(statuses).as("statuses after killing worker-a1").containsOnly(200);
        } finally {
            clients.shutdownNow();
        }
    }
}
