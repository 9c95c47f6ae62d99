package dev.quanta.edge;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quanta.edge.security.CredentialStore;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.security.web.FilterChainProxy;
import org.springframework.security.web.firewall.HttpFirewall;
import org.springframework.test.util.ReflectionTestUtils;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The edge in a running server over real HTTP: every role boundary and the problem for each refusal. */
@SpringBootTest(classes = EdgeTestApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
                "quanta.edge.realm=edge-test",
                "quanta.edge.admin-tokens=" + EdgeHttpTest.ADMIN + "\n",
                "quanta.edge.worker-tokens=w1=" + EdgeHttpTest.WORKER,
                "quanta.edge.api-keys=team-a=" + EdgeHttpTest.API_KEY_HASH_ENTRY,
                "quanta.edge.metrics-tokens=" + EdgeHttpTest.METRICS,
                "quanta.edge.max-body-bytes=1024",
                "spring.mvc.problemdetails.enabled=true",
                "management.endpoints.web.exposure.include=health,info,prometheus,metrics"})
class EdgeHttpTest {

    static final String ADMIN = "admin-token-0123456789abcdef";
    static final String WORKER = "worker-token-0123456789abcdef";
    static final String API_KEY = "api-key-0123456789abcdef";
    static final String API_KEY_HASH_ENTRY =
            "sha256:76bc0af0ace07bd216bda1820b9bb76fd29cde83312a8a91e481d9b1e1392704";
    static final String METRICS = "metrics-token-0123456789abcdef";

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private final HttpClient client = HttpClient.newHttpClient();

    @LocalServerPort
    int port;

    record Response(int status, HttpResponse<String> raw, JsonNode json) {
        String type() {
            return json.path("type").asString();
        }
    }

    private Response send(String method, String path, String body, String authorization) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body))
                .header("Content-Type", "application/json");
        if (authorization != null) {
            b.header("Authorization", authorization);
        }
        return send(b);
    }

    private Response send(HttpRequest.Builder b) {
        try {
            HttpResponse<String> r = client.send(b.build(), HttpResponse.BodyHandlers.ofString());
            String type = r.headers().firstValue("Content-Type").orElse("");
            JsonNode json = type.contains("json") && !r.body().isEmpty() ? JSON.readTree(r.body())
                    : JSON.missingNode();
            return new Response(r.statusCode(), r, json);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static String bearer(String token) {
        return "Bearer " + token;
    }

    private static void assertProblem(Response r, int status, String type) {
        assertThat(r.status()).as(r.raw().body()).isEqualTo(status);
        assertThat(r.raw().headers().firstValue("Content-Type").orElse("")).startsWith("application/problem+json");
        assertThat(r.type()).isEqualTo("https://quanta.dev/problems/" + type);
        assertThat(r.json().path("status").asInt()).isEqualTo(status);
        assertThat(r.json().path("title").asString()).isNotBlank();
        assertThat(r.json().path("detail").asString()).isNotBlank();
    }

    // --- anonymous ---

    @Autowired
    FilterChainProxy securityChains;

    @Autowired
    HttpFirewall firewall;

    @Test
    void theSecurityChainUsesTheEdgesFirewall() {
        // the bean is a composite (request-path filter + the chain proxy): the firewall is the inner proxy's
        Object inner = ReflectionTestUtils.getField(securityChains, "springSecurityFilterChain");
        assertThat(ReflectionTestUtils.getField(inner, "firewall")).isSameAs(firewall);
    }

    @Test
    void anonymousReadsAreOpen() {
        assertThat(send("GET", "/things/a", null, null).status()).isEqualTo(200);
    }

    @Test
    void anonymousWriteIs401WithABearerChallenge() {
        Response r = send("POST", "/things", "{\"name\":\"x\",\"size\":1}", null);
        assertProblem(r, 401, "unauthorized");
        assertThat(r.raw().headers().firstValue("WWW-Authenticate").orElse("")).startsWith("Bearer realm=\"edge-test\"");
    }

    @Test
    void anonymousCannotTouchALease() {
        assertProblem(send("PUT", "/leases/w1", "{}", null), 401, "unauthorized");
        assertProblem(send("DELETE", "/leases/w1", null, null), 401, "unauthorized");
    }

    @Test
    void anonymousGatewayRouteIs401() {
        assertProblem(send("GET", "/v1/models", null, null), 401, "unauthorized");
    }

    // --- wrong credentials: the same 401 on every route ---

    @Test
    void unknownTokenIs401InvalidTokenOnReadsAndWritesAlike() {
        for (String method : new String[] {"GET", "POST"}) {
            Response r = send(method, "/things" + (method.equals("GET") ? "/a" : ""), "{\"name\":\"x\",\"size\":1}",
                    bearer(ADMIN + "x"));
            assertProblem(r, 401, "unauthorized");
            assertThat(r.raw().headers().firstValue("WWW-Authenticate").orElse("")).contains("error=\"invalid_token\"");
        }
    }

    @Test
    void nonBearerSchemeIs401() {
        assertProblem(send("POST", "/things", "{\"name\":\"x\",\"size\":1}", "Basic " + ADMIN), 401, "unauthorized");
        assertProblem(send("POST", "/things", "{\"name\":\"x\",\"size\":1}", "Bearer "), 401, "unauthorized");
    }

    // --- admin ---

    @Test
    void adminMayWriteRenewAnyLeaseAndReadMetrics() {
        assertThat(send("POST", "/things", "{\"name\":\"x\",\"size\":1}", bearer(ADMIN)).status()).isEqualTo(200);
        assertThat(send("PUT", "/leases/w2", "{}", bearer(ADMIN)).status()).isEqualTo(200);
        assertThat(send("GET", "/actuator/prometheus", null, bearer(ADMIN)).status()).isEqualTo(200);
    }

    @Test
    void theConfiguredTokensTrailingNewlineDoesNotMatter() {
        assertThat(send("POST", "/things", "{\"name\":\"x\",\"size\":1}", bearer(" " + ADMIN)).status()).isEqualTo(200);
    }

    // --- worker ---

    @Test
    void workerRenewsAndReleasesItsOwnLease() {
        Response r = send("PUT", "/leases/w1", "{}", bearer(WORKER));
        assertThat(r.status()).as(r.raw().body()).isEqualTo(200);
        assertThat(r.json().path("by").asString()).isEqualTo("w1");
        assertThat(send("DELETE", "/leases/w1", null, bearer(WORKER)).status()).isEqualTo(200);
    }

    @Test
    void workerMayNotTouchAnotherWorkersLease() {
        assertProblem(send("PUT", "/leases/w2", "{}", bearer(WORKER)), 403, "forbidden");
        assertProblem(send("DELETE", "/leases/w2", null, bearer(WORKER)), 403, "forbidden");
    }

    @Test
    void workerMayNotWriteAnythingElseNorReadMetrics() {
        assertProblem(send("POST", "/things", "{\"name\":\"x\",\"size\":1}", bearer(WORKER)), 403, "forbidden");
        assertProblem(send("GET", "/actuator/prometheus", null, bearer(WORKER)), 403, "forbidden");
    }

    // --- API key ---

    @Test
    void apiKeyReachesTheGatewayRouteUnderItsName() {
        Response r = send("GET", "/v1/models", null, bearer(API_KEY));
        assertThat(r.status()).as(r.raw().body()).isEqualTo(200);
        assertThat(r.json().path("key").asString()).isEqualTo("team-a");
    }

    @Test
    void apiKeyMayNotWriteNorTouchLeases() {
        assertProblem(send("POST", "/things", "{\"name\":\"x\",\"size\":1}", bearer(API_KEY)), 403, "forbidden");
        assertProblem(send("PUT", "/leases/team-a", "{}", bearer(API_KEY)), 403, "forbidden");
    }

    // --- actuator ---

    @Test
    void healthIsOpenAndMetricsNeedAdminOrTheMetricsRole() {
        assertThat(send("GET", "/actuator/health", null, null).status()).isEqualTo(200);
        assertProblem(send("GET", "/actuator/prometheus", null, null), 401, "unauthorized");
        assertProblem(send("GET", "/actuator/metrics", null, null), 401, "unauthorized");
        assertThat(send("GET", "/actuator/prometheus", null, bearer(METRICS)).status()).isEqualTo(200);
        assertProblem(send("POST", "/things", "{\"name\":\"x\",\"size\":1}", bearer(METRICS)), 403, "forbidden");
    }

    // --- problems ---

    @Test
    void oversizedBodiesAre413DeclaredOrChunked() {
        String big = "{\"name\":\"" + "x".repeat(2000) + "\",\"size\":1}";
        assertProblem(send("POST", "/things", big, bearer(ADMIN)), 413, "payload-too-large");
        Response chunked = send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/things"))
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(big.getBytes())))
                .header("Content-Type", "application/json").header("Authorization", bearer(ADMIN)));
        assertProblem(chunked, 413, "payload-too-large");
    }

    @Test
    void errorsAreProblemsOfTheCatalogue() {
        assertProblem(send("GET", "/things/missing", null, null), 404, "not-found");
        assertProblem(send("GET", "/nope", null, null), 404, "not-found");
        assertProblem(send("DELETE", "/things", null, bearer(ADMIN)), 405, "method-not-allowed");
        assertProblem(send("POST", "/things", "{\"name\":", bearer(ADMIN)), 400, "malformed-request");
        Response wrongType = send("POST", "/things", "{\"name\":\"x\",\"size\":\"big\"}", bearer(ADMIN));
        assertProblem(wrongType, 400, "malformed-request");
        assertThat(wrongType.json().path("field").asString()).isEqualTo("size");
        Response badParam = send("GET", "/things?size=0", null, null);
        assertProblem(badParam, 400, "validation");
        assertThat(badParam.json().path("field").asString()).isEqualTo("size");
        Response notANumber = send("GET", "/things?size=abc", null, null);
        assertProblem(notANumber, 400, "validation");
        assertThat(notANumber.json().path("field").asString()).isEqualTo("size");
        assertProblem(send("GET", "/busy", null, null), 503, "upstream-unavailable");
        Response internal = send("GET", "/fail", null, null);
        assertProblem(internal, 500, "internal");
        assertThat(internal.raw().body()).doesNotContain("boom");
    }

    @Test
    void hashedEntryInTheTestMatchesTheKey() {
        // NOTE: guards the constant above; the API-key tests rely on it being the digest of API_KEY.
        assertThat(API_KEY_HASH_ENTRY).isEqualTo(CredentialStore.hashedEntry(API_KEY));
    }
}
