package dev.quanta.gateway.it;

import dev.quanta.gateway.GatewayApplication;
import dev.quanta.testsupport.TestDatabase;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/** A gateway instance run in the test's JVM on a free port, against the tests' PostgreSQL. */
final class GatewayStack implements AutoCloseable {

    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    final int port;
    private final ConfigurableApplicationContext context;

    private GatewayStack(int port, ConfigurableApplicationContext context) {
        this.port = port;
        this.context = context;
    }

    /** A gateway whose static pool is {@code workers}, with the given extra properties. */
    static GatewayStack start(List<WorkerProcess> workers, Map<String, String> extra) throws Exception {
        int port = WorkerProcess.freePort();
        Map<String, Object> p = new LinkedHashMap<>(TestDatabase.springProperties());
        p.put("server.port", port);
        p.put("quanta.gateway.discovery.registry-url", "");
        p.put("quanta.gateway.platform.registry-url", "http://127.0.0.1:1");
        p.put("quanta.gateway.discovery.metrics-poll", "500ms");
        for (int i = 0; i < workers.size(); i++) {
            p.put("quanta.gateway.discovery.static-workers[" + i + "].model", workers.get(i).model);
            p.put("quanta.gateway.discovery.static-workers[" + i + "].url", workers.get(i).url());
        }
        p.putAll(extra);
        // as command-line arguments: they outrank application.yml (default properties would not)
        String[] args = p.entrySet().stream().map(e -> "--" + e.getKey() + "=" + e.getValue()).toArray(String[]::new);
        ConfigurableApplicationContext context = new SpringApplicationBuilder(GatewayApplication.class).run(args);
        GatewayStack stack = new GatewayStack(port, context);
        stack.awaitModels(workers.stream().map(w -> w.model).distinct().toList(), Duration.ofSeconds(30));
        return stack;
    }

    String url() {
        return "http://127.0.0.1:" + port;
    }

    <T> T bean(Class<T> type) {
        return context.getBean(type);
    }

    HttpResponse<String> post(String path, String json, String key) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url() + path)).timeout(Duration.ofSeconds(120))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json));
        if (key != null) {
            b.header("Authorization", "Bearer " + key);
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> get(String path, String key) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url() + path)).timeout(Duration.ofSeconds(30));
        if (key != null) {
            b.header("Authorization", "Bearer " + key);
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private void awaitModels(List<String> models, Duration timeout) throws Exception {
        Instant deadline = Instant.now().plus(timeout);
        while (Instant.now().isBefore(deadline)) {
            var directory = bean(dev.quanta.gateway.discovery.WorkerDirectory.class);
            if (directory.liveModels().containsAll(models)) {
                return;
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException("gateway on " + port + " did not see models " + models);
    }

    @Override
    public void close() {
        context.close();
    }
}
