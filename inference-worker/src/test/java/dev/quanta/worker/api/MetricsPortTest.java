package dev.quanta.worker.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quanta.worker.config.EngineLoader;
import dev.quanta.worker.config.WorkerApplication;
import dev.quanta.worker.model.GoldenFiles;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Primary;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** {@code --metrics-port}: the same vLLM-named exposition on a port of its own, for a scraper the API port refuses. */
@SpringBootTest(classes = {WorkerApplication.class, MetricsPortTest.Fake.class},
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"quanta.worker.warmup=false", "quanta.worker.served-model-name=tiny"})
class MetricsPortTest {

    static int metricsPort;

    @DynamicPropertySource
    static void settings(DynamicPropertyRegistry registry) throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            metricsPort = s.getLocalPort();
        }
        registry.add("quanta.worker.model", () -> GoldenFiles.model("stories260K").toString());
        registry.add("quanta.worker.metrics-port", () -> metricsPort);
    }

    @TestConfiguration
    static class Fake {
        @Bean
        @Primary
        EngineLoader fakeEngineLoader() {
            return (file, config) -> new FakeEngine(file);
        }
    }

    @Autowired
    MetricsPortServer server;

    @Test
    void servesTheVllmMetricsOnTheMetricsPortAndNothingElse() throws Exception {
        assertThat(server.boundPort()).isEqualTo(metricsPort);
        HttpClient client = HttpClient.newHttpClient();
        HttpResponse<String> metrics = client.send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + metricsPort + "/metrics")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(metrics.statusCode()).isEqualTo(200);
        assertThat(metrics.headers().firstValue("Content-Type")).hasValue(MetricsExposition.CONTENT_TYPE);
        assertThat(metrics.body()).contains("vllm:num_requests_running{model_name=\"tiny\"}");
        HttpResponse<String> api = client.send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + metricsPort + "/v1/models")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(api.statusCode()).isEqualTo(404);
    }
}
