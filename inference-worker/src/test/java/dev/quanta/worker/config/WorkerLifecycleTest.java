package dev.quanta.worker.config;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.quanta.worker.engine.EngineConfig;
import dev.quanta.worker.engine.InferenceEngine;
import dev.quanta.worker.model.GoldenFiles;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Primary;

/**
 * The worker's life: 503 with problem details while the model loads, ready afterwards, a lease taken in a registry
 * (a small HTTP server recording what the worker sends) and released on shutdown, the engine closed last.
 */
class WorkerLifecycleTest {

    static final CountDownLatch release = new CountDownLatch(1);
    static volatile InferenceEngine loaded;
    static volatile Path loadedFrom;

    @Configuration
    static class SlowLoader {
        @Bean
        @Primary
        EngineLoader slowEngineLoader() {
            return (file, config) -> {
                release.await();
                loadedFrom = file;
                loaded = dev.quanta.worker.engine.LlmEngine.open(file, config);
                return loaded;
            };
        }
    }

    record Call(String method, String path, String auth, String body) {}

    final List<Call> calls = new CopyOnWriteArrayList<>();
    HttpServer registry;
    ConfigurableApplicationContext context;

    @AfterEach
    void stop() {
        if (context != null) {
            context.close();
        }
        if (registry != null) {
            registry.stop(0);
        }
    }

    @Test
    void answers503WhileLoadingThenServesLeasesAndReleasesOnShutdown() throws Exception {
        Path model = GoldenFiles.model("stories260K");
        registry = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        registry.createContext("/workers/", exchange -> {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            calls.add(new Call(exchange.getRequestMethod(), exchange.getRequestURI().getPath(),
                    exchange.getRequestHeaders().getFirst("Authorization"), body));
            byte[] answer = "{\"ttlSeconds\":3}".getBytes(StandardCharsets.UTF_8);
            int status = exchange.getRequestMethod().equals("DELETE") ? 204 : 201;
            exchange.sendResponseHeaders(status, status == 204 ? -1 : answer.length);
            if (status != 204) {
                exchange.getResponseBody().write(answer);
            }
            exchange.close();
        });
        registry.start();
        context = new SpringApplicationBuilder(WorkerApplication.class, SlowLoader.class).run(
                "--server.port=0", "--server.address=127.0.0.1",
                "--quanta.worker.model=" + model,
                "--quanta.worker.threads=1", "--quanta.worker.kv-cache-gib=0.02", "--quanta.worker.max-seqs=8",
                "--quanta.worker.registry-url=http://127.0.0.1:" + registry.getAddress().getPort(),
                "--quanta.worker.registry-token=s3cret", "--quanta.worker.worker-id=w-1");
        int port = ((WebServerApplicationContext) context).getWebServer().getPort();
        HttpClient http = HttpClient.newHttpClient();
        String base = "http://127.0.0.1:" + port;

        HttpResponse<String> loading = http.send(HttpRequest.newBuilder(URI.create(base + "/health")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(loading.statusCode()).isEqualTo(503);
        assertThat(loading.headers().firstValue("Content-Type").orElseThrow()).startsWith("application/problem+json");
        assertThat(loading.headers().firstValue("Retry-After")).isPresent();
        assertThat(loading.body()).contains("\"type\":\"https://quanta.dev/problems/unavailable\"", "loading");
        HttpResponse<String> models = http.send(HttpRequest.newBuilder(URI.create(base + "/v1/models")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(models.statusCode()).isEqualTo(503);
        assertThat(models.body()).startsWith("{\"error\":");
        assertThat(calls).isEmpty(); // no lease before the model can serve

        release.countDown();
        for (int i = 0; i < 1200 && http.send(HttpRequest.newBuilder(URI.create(base + "/health")).build(),
                HttpResponse.BodyHandlers.discarding()).statusCode() != 200; i++) {
            Thread.sleep(50);
        }
        for (int i = 0; i < 200 && calls.isEmpty(); i++) {
            Thread.sleep(50);
        }
        assertThat(loadedFrom.toRealPath()).isEqualTo(model.toRealPath());
        Call put = calls.getFirst();
        assertThat(put.method()).isEqualTo("PUT");
        assertThat(put.path()).isEqualTo("/workers/w-1");
        assertThat(put.auth()).isEqualTo("Bearer s3cret");
        assertThat(put.body()).contains("\"modelKey\":\"stories260k\"", "\"baseUrl\":\"http://127.0.0.1:" + port + "\"",
                "\"capacity\":8");

        context.close();
        context = null;
        assertThat(calls.getLast().method()).isEqualTo("DELETE");
        assertThat(calls.getLast().path()).isEqualTo("/workers/w-1");
        // the engine was closed: it refuses new work
        assertThat(loaded.stats().running()).isZero();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> loaded.submit(
                dev.quanta.worker.engine.EngineRequest.greedy("late", new int[] {1}, 1), null))
                .isInstanceOf(dev.quanta.worker.engine.EngineRejectedException.class);
    }

    @Test
    void derivesServedNamesTheRegistryAccepts() {
        assertThat(ServedNames.fromFile(Path.of("models/Stories260K.Q8_0.gguf"))).isEqualTo("stories260k.q8_0");
        assertThat(ServedNames.fromFile(Path.of("Llama 3.2 1B Instruct (Q4_K_M).gguf")))
                .isEqualTo("llama-3.2-1b-instruct-q4_k_m");
        assertThat(ServedNames.fromFile(Path.of("__.gguf"))).isEqualTo("model");
        assertThat(ServedNames.fromFile(Path.of("x".repeat(100) + ".gguf"))).hasSize(64);
        for (String f : List.of("A.gguf", "Émile-7B.GGUF", "-lead.gguf", "a b c.bin")) {
            assertThat(ServedNames.isValid(ServedNames.fromFile(Path.of(f)))).as(f).isTrue();
        }
    }

    @Test
    void rejectsOutOfRangeEngineSettingsNamingTheFlag() {
        WorkerProperties p = new WorkerProperties(Path.of("m.gguf"), "", 0, 0, "q4", 0, 512, 64, 256, false, true,
                "", "", "", "", java.time.Duration.ofSeconds(1));
        org.assertj.core.api.Assertions.assertThatThrownBy(p::engineConfig).hasMessageContaining("--kv-cache-dtype");
        WorkerProperties q = new WorkerProperties(Path.of("m.gguf"), "", 0, 0, "f16", 0, 512, 0, 256, false, true,
                "", "", "", "", java.time.Duration.ofSeconds(1));
        org.assertj.core.api.Assertions.assertThatThrownBy(q::engineConfig).hasMessageContaining("--max-seqs");
        EngineConfig ok = new WorkerProperties(Path.of("m.gguf"), "", 3, 1.5, "F32", 256, 128, 8, 4, false, true,
                "", "", "", "", java.time.Duration.ofSeconds(1)).engineConfig();
        assertThat(ok.threads()).isEqualTo(3);
        assertThat(ok.kvCacheGib()).isEqualTo(1.5);
        assertThat(ok.maxModelLen()).isEqualTo(256);
        assertThat(ok.maxSeqs()).isEqualTo(8);
    }
}
