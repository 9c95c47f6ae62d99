package dev.quanta.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quanta.gateway.discovery.WorkerDirectory;
import dev.quanta.gateway.proxy.Dispatcher;
import dev.quanta.gateway.web.DirectDispatchFilter;
import dev.quanta.gateway.web.DirectHandlerAdapter;
import dev.quanta.testsupport.TestDatabase;
import jakarta.servlet.ServletContext;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.security.web.FilterChainProxy;
import org.springframework.security.web.access.intercept.AuthorizationFilter;
import org.springframework.security.web.header.HeaderWriterFilter;
import org.springframework.security.web.session.DisableEncodeUrlFilter;
import org.springframework.security.web.session.SessionManagementFilter;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The gateway's own mechanics over real HTTP against scripted upstreams: event-by-event relay, usage chunk
 * handling, retries before the first byte, cancellation on client disconnect, error shapes per API, keys.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class GatewayMechanicsTest {

    static final String KEY = "mechanics-key-0123456789abcdef";
    static final String ADMIN = "mechanics-admin-0123456789abcdef";
    static final ScriptedWorker GOOD;
    static final ScriptedWorker BROKEN;
    static final ScriptedWorker ENDLESS;
    static final JsonMapper JSON = JsonMapper.builder().build();

    static {
        try {
            GOOD = new ScriptedWorker("tiny", ScriptedWorker.Mode.OK);
            BROKEN = new ScriptedWorker("tiny", ScriptedWorker.Mode.FAIL_500);
            ENDLESS = new ScriptedWorker("endless", ScriptedWorker.Mode.ENDLESS_STREAM);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        TestDatabase.register(registry);
        registry.add("quanta.edge.api-keys", () -> "mech=" + KEY);
        registry.add("quanta.edge.admin-tokens", () -> ADMIN);
        registry.add("quanta.gateway.discovery.registry-url", () -> "");
        registry.add("quanta.gateway.platform.registry-url", () -> "http://127.0.0.1:1");
        registry.add("quanta.gateway.discovery.static-workers[0].model", () -> "tiny");
        registry.add("quanta.gateway.discovery.static-workers[0].url", GOOD::url);
        registry.add("quanta.gateway.discovery.static-workers[1].model", () -> "tiny");
        registry.add("quanta.gateway.discovery.static-workers[1].url", BROKEN::url);
        registry.add("quanta.gateway.discovery.static-workers[2].model", () -> "endless");
        registry.add("quanta.gateway.discovery.static-workers[2].url", ENDLESS::url);
        registry.add("quanta.gateway.upstream.eject-after-failures", () -> "1000"); // keep BROKEN in rotation
        registry.add("quanta.gateway.routing.strategy", () -> "round-robin");
        registry.add("quanta.edge.max-body-bytes", () -> "4096");
    }

    @AfterAll
    static void stopWorkers() {
        GOOD.close();
        BROKEN.close();
        ENDLESS.close();
    }

    @LocalServerPort
    int port;

    @Autowired
    WorkerDirectory directory;

    final HttpClient http = HttpClient.newHttpClient();

    @BeforeEach
    void pollOnce() {
        directory.poll();
    }

    HttpResponse<String> post(String path, String body, String key) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body));
        if (key != null) {
            b.header("Authorization", "Bearer " + key);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> get(String path, String key) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).GET();
        if (key != null) {
            b.header("Authorization", "Bearer " + key);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void refusesMissingOrWrongKeysInEachApisShape() throws Exception {
        HttpResponse<String> openai = post("/v1/completions", "{\"model\":\"tiny\",\"prompt\":\"x\"}", null);
        assertThat(openai.statusCode()).isEqualTo(401);
        assertThat(JSON.readTree(openai.body()).path("error").path("message").asString()).contains("API key");
        HttpResponse<String> ollama = post("/api/generate", "{\"model\":\"tiny\",\"prompt\":\"x\"}", "wrong-key");
        assertThat(ollama.statusCode()).isEqualTo(401);
        assertThat(JSON.readTree(ollama.body()).path("error").isString()).isTrue();
        HttpResponse<String> platform = get("/platform/registry/models", null);
        assertThat(platform.statusCode()).isEqualTo(401);
        assertThat(platform.headers().firstValue("Content-Type")).hasValueSatisfying(
                t -> assertThat(t).startsWith("application/problem+json"));
        assertThat(get("/actuator/prometheus", KEY).statusCode()).isEqualTo(403);
        assertThat(get("/actuator/prometheus", ADMIN).statusCode()).isEqualTo(200);
        assertThat(get("/actuator/health", null).statusCode()).isEqualTo(200);
    }

    @Test
    void aRequestIdThatCannotBePassedOnIsReplacedNotForwarded() throws Exception {
        // Latin-1 bytes (allowed by HTTP as obs-text) and a space: not a visible-ASCII id, so a new one is made
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
            String body = "{\"model\":\"tiny\",\"prompt\":\"x\",\"max_tokens\":1}";
            String head = "POST /v1/completions HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + KEY
                    + "\r\nContent-Type: application/json\r\nX-Request-Id: caf\u00e9 id\r\nContent-Length: "
                    + body.length() + "\r\nConnection: close\r\n\r\n";
            socket.getOutputStream().write((head + body).getBytes(StandardCharsets.ISO_8859_1));
            String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
            assertThat(answer).startsWith("HTTP/1.1 200");
            assertThat(answer).containsPattern("(?i)X-Request-Id: [0-9a-f-]{36}\r\n").doesNotContain("caf\u00e9");
        }
        assertThat(Dispatcher.requestId("abc-123")).isEqualTo("abc-123");
        assertThat(Dispatcher.requestId("a\tb")).hasSize(36);
        assertThat(Dispatcher.requestId("x".repeat(129))).hasSize(36);
    }

    @Test
    void retriesA5xxOnAnotherWorkerBeforeTheFirstByte() throws Exception {
        int before = BROKEN.completions.get();
        for (int i = 0; i < 4; i++) {
            HttpResponse<String> r = post("/v1/completions", "{\"model\":\"tiny\",\"prompt\":\"hello\"}", KEY);
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            assertThat(r.body()).contains("Hi there");
        }
        assertThat(BROKEN.completions.get()).as("round-robin sent some requests to the broken worker first")
                .isGreaterThan(before);
    }

    @Test
    void relaysEventsAndDropsTheUsageChunkTheClientDidNotAskFor() throws Exception {
        HttpResponse<String> plain = post("/v1/completions",
                "{\"model\":\"tiny\",\"prompt\":\"hello\",\"stream\":true}", KEY);
        assertThat(plain.statusCode()).isEqualTo(200);
        assertThat(plain.body()).contains("w0 ", "w1 ", "w2 ", "data: [DONE]").doesNotContain("\"usage\"");
        assertThat(GOOD.lastBody.replace(" ", "")).contains("\"include_usage\":true");
        HttpResponse<String> withUsage = post("/v1/completions",
                "{\"model\":\"tiny\",\"prompt\":\"hello\",\"stream\":true,\"stream_options\":{\"include_usage\":true}}", KEY);
        assertThat(withUsage.body()).contains("\"total_tokens\":7");
    }

    @Test
    void unknownModelIs404InOpenAiShape() throws Exception {
        HttpResponse<String> r = post("/v1/chat/completions",
                "{\"model\":\"nope\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}", KEY);
        assertThat(r.statusCode()).isEqualTo(404);
        JsonNode error = JSON.readTree(r.body()).path("error");
        assertThat(error.path("code").asString()).isEqualTo("model_not_found");
        assertThat(error.path("param").asString()).isEqualTo("model");
        // made-up names are counted under one tag: a client cannot grow the metrics by inventing models
        post("/v1/completions", "{\"model\":\"made-up-7\",\"prompt\":\"hi\"}", KEY);
        String metrics = get("/actuator/prometheus", ADMIN).body();
        assertThat(metrics).contains("model=\"(unknown)\"").doesNotContain("model=\"nope\"")
                .doesNotContain("made-up-7");
    }

    @Autowired
    @Qualifier("requestMappingHandlerMapping")
    RequestMappingHandlerMapping mappings;

    @Autowired
    DirectHandlerAdapter directAdapter;

    @Test
    void theInferencePathsAreCalledDirectlyAndTheRestThroughSpringMvcsAdapter() throws Exception {
        for (String path : List.of("/v1/completions", "/v1/chat/completions", "/api/generate", "/api/chat")) {
            var handler = mappings.getHandler(new MockHttpServletRequest("POST", path)).getHandler();
            assertThat(directAdapter.supports(handler)).as(path).isTrue();
        }
        var models = mappings.getHandler(new MockHttpServletRequest("GET", "/v1/models")).getHandler();
        assertThat(directAdapter.supports(models)).isFalse();
    }

    @Autowired
    ServletContext servletContext;

    @Autowired
    FilterChainProxy securityChains;

    @Test
    void requestsPassNoFilterTheGatewayDoesNotNeed() {
        assertThat(servletContext.getFilterRegistrations().keySet())
                .doesNotContain("requestContextFilter", "formContentFilter", "characterEncodingFilter")
                .contains("corsFilter", "springSecurityFilterChain");
        List<Class<?>> security = securityChains.getFilterChains().getFirst().getFilters().stream()
                .<Class<?>>map(Object::getClass).toList();
        assertThat(security).doesNotContain(SessionManagementFilter.class, DisableEncodeUrlFilter.class)
                .contains(HeaderWriterFilter.class, AuthorizationFilter.class);
    }

    @Autowired
    @Qualifier("directDispatchFilter")
    FilterRegistrationBean<DirectDispatchFilter> directDispatch;

    @Test
    void inferenceCallsAreDispatchedAfterSecurityWithoutTheDispatcherServlet() throws Exception {
        DirectDispatchFilter filter = directDispatch.getFilter();
        assertThat(filter.routes().keySet()).containsExactlyInAnyOrder("/v1/completions", "/v1/chat/completions",
                "/api/generate", "/api/chat");
        long before = filter.served();
        assertThat(post("/v1/completions", "{\"model\":\"tiny\",\"prompt\":\"hi\"}", KEY).statusCode()).isEqualTo(200);
        assertThat(filter.served()).isEqualTo(before + 1);
        // refused by the security chain in front: never reaches the filter
        assertThat(post("/v1/completions", "{\"model\":\"tiny\",\"prompt\":\"hi\"}", null).statusCode()).isEqualTo(401);
        assertThat(filter.served()).isEqualTo(before + 1);
        // what the handler throws is answered by the controller advice, in the API's own shape
        HttpResponse<String> unknown = post("/api/generate", "{\"model\":\"nope\",\"prompt\":\"hi\"}", KEY);
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(JSON.readTree(unknown.body()).path("error").isString()).isTrue();
        assertThat(filter.served()).isEqualTo(before + 2);
        assertThat(get("/v1/models", KEY).statusCode()).isEqualTo(200);
        assertThat(filter.served()).isEqualTo(before + 2);
    }

    @Test
    void securityHeadersAreOnProxiedAnswersAndOnRefusals() throws Exception {
        for (HttpResponse<String> r : List.of(post("/v1/completions", "{\"model\":\"tiny\",\"prompt\":\"hi\"}", KEY),
                post("/v1/completions", "{\"model\":\"nope\",\"prompt\":\"hi\"}", KEY))) {
            assertThat(r.headers().firstValue("X-Content-Type-Options")).as("status %d", r.statusCode()).hasValue("nosniff");
            assertThat(r.headers().firstValue("X-Frame-Options")).as("status %d", r.statusCode()).hasValue("DENY");
        }
    }

    @Test
    void inferencePathsAreTimedByTheGatewaysOwnTimerAndOtherPathsByHttpServerRequests() throws Exception {
        assertThat(post("/v1/completions", "{\"model\":\"tiny\",\"prompt\":\"hello\"}", KEY).statusCode())
                .isEqualTo(200);
        assertThat(get("/v1/models", KEY).statusCode()).isEqualTo(200);
        String metrics = get("/actuator/prometheus", ADMIN).body();
        assertThat(metrics).containsPattern(
                "quanta_gateway_request_duration_seconds_count\\{api=\"openai\",model=\"tiny\",outcome=\"ok\"[^}]*} [1-9]");
        assertThat(metrics).containsPattern("http_server_requests_seconds_count\\{[^}]*uri=\"/v1/models\"");
        assertThat(metrics).doesNotContainPattern("http_server_requests_seconds_count\\{[^}]*uri=\"/v1/completions\"");
    }

    @Test
    void malformedAndOversizedBodiesAreRefusedInShape() throws Exception {
        HttpResponse<String> bad = post("/v1/completions", "{not json", KEY);
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(bad.body()).path("error").path("type").asString()).isEqualTo("invalid_request_error");
        HttpResponse<String> big = post("/api/generate", "{\"model\":\"tiny\",\"prompt\":\"" + "x".repeat(5000) + "\"}", KEY);
        assertThat(big.statusCode()).isEqualTo(413);
        assertThat(JSON.readTree(big.body()).path("error").isString()).isTrue();
    }

    @Test
    void modelsListIsTheUnionOfLiveWorkersModels() throws Exception {
        JsonNode models = JSON.readTree(get("/v1/models", KEY).body());
        assertThat(models.path("data").findValuesAsString("id")).containsExactly("endless", "tiny");
    }

    @Test
    void ollamaGenerateStreamsNdjsonWithOllamasFields() throws Exception {
        HttpResponse<String> r = post("/api/generate",
                "{\"model\":\"tiny\",\"prompt\":\"hello\",\"options\":{\"temperature\":0,\"num_predict\":3,\"seed\":7,"
                        + "\"stop\":[\"\\n\"]},\"keep_alive\":\"5m\"}", KEY);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("application/x-ndjson"));
        List<String> lines = r.body().lines().toList();
        assertThat(lines).hasSize(4);
        JsonNode first = JSON.readTree(lines.getFirst());
        assertThat(first.propertyNames()).containsExactly("model", "created_at", "response", "done");
        assertThat(first.path("response").asString()).isEqualTo("w0 ");
        JsonNode last = JSON.readTree(lines.getLast());
        assertThat(last.path("done").asBoolean()).isTrue();
        assertThat(last.path("done_reason").asString()).isEqualTo("length");
        assertThat(last.path("prompt_eval_count").asLong()).isEqualTo(4);
        assertThat(last.path("eval_count").asLong()).isEqualTo(3);
        assertThat(last.has("total_duration") && last.has("load_duration") && last.has("eval_duration")).isTrue();
        String sent = GOOD.lastBody.replace(" ", "");
        assertThat(sent).contains("\"max_tokens\":3", "\"seed\":7", "\"temperature\":0", "\"stop\":[\"\\n\"]");
    }

    @Test
    void ollamaChatWithoutStreamAnswersOneObject() throws Exception {
        HttpResponse<String> r = post("/api/chat",
                "{\"model\":\"tiny\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"stream\":false}", KEY);
        assertThat(r.statusCode()).isEqualTo(200);
        JsonNode one = JSON.readTree(r.body());
        assertThat(one.path("message").path("role").asString()).isEqualTo("assistant");
        assertThat(one.path("message").path("content").asString()).isEqualTo("w0 w1 w2 ");
        assertThat(one.path("done").asBoolean()).isTrue();
    }

    @Test
    void ollamaUnknownModelIs404InOllamaShape() throws Exception {
        HttpResponse<String> r = post("/api/show", "{\"model\":\"nope\"}", KEY);
        assertThat(r.statusCode()).isEqualTo(404);
        assertThat(JSON.readTree(r.body()).path("error").asString()).contains("nope");
        assertThat(JSON.readTree(get("/api/version", KEY).body()).path("version").isString()).isTrue();
        assertThat(JSON.readTree(get("/api/tags", KEY).body()).path("models").findValuesAsString("name"))
                .containsExactly("endless", "tiny");
    }

    @Test
    void clientDisconnectCancelsTheUpstreamStream() throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/completions"))
                .header("Authorization", "Bearer " + KEY).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"endless\",\"prompt\":\"x\",\"stream\":true}")).build();
        HttpResponse<InputStream> r = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8))) {
            assertThat(lines.readLine()).startsWith("data: ");
        } // closing the body disconnects the client mid-stream
        assertThat(ENDLESS.streamCut.await(30, TimeUnit.SECONDS))
                .as("the worker's stream was cut after the client left").isTrue();
    }
}
