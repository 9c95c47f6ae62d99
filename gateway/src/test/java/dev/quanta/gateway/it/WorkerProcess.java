package dev.quanta.gateway.it;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.quanta.gateway.discovery.MetricsText;
import dev.quanta.gateway.routing.WorkerLoad;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A real inference worker ({@code bin/quanta serve}) on stories260K, started by the test as its own JVM from
 * the built {@code inference-worker/target/*-exec.jar}; its log goes to {@code target/it-logs}.
 */
final class WorkerProcess implements AutoCloseable {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    final String name;
    final String model;
    final int port;
    final Path log;
    private final Process process;

    private WorkerProcess(String name, String model, int port, Path log, Process process) {
        this.name = name;
        this.model = model;
        this.port = port;
        this.log = log;
        this.process = process;
    }

    /** The stories260K file; the calling test is skipped with a message when ../shared is absent. */
    static Path stories() {
        Path shared = Path.of(System.getProperty("quanta.shared.dir", "../../shared"));
        Path model = shared.resolve("models/stories260K.gguf");
        assumeTrue(Files.isRegularFile(model), "skipped: " + model + " not found (set -Dquanta.shared.dir)");
        return model.toAbsolutePath().normalize();
    }

    static Path workerJar() throws IOException {
        Path target = Path.of("..", "inference-worker", "target").toAbsolutePath().normalize();
        if (Files.isDirectory(target)) {
            try (var files = Files.list(target)) {
                var jar = files.filter(p -> p.getFileName().toString().endsWith("-exec.jar")).findFirst();
                if (jar.isPresent()) {
                    return jar.get();
                }
            }
        }
        throw new IllegalStateException("inference-worker is not built (no " + target + "/*-exec.jar): run "
                + "./mvnw -pl inference-worker -am package -DskipTests first");
    }

    /** Starts a worker serving stories260K as {@code model}, waits for /health, returns it. */
    static WorkerProcess start(String name, String model, String registryUrl, String token) throws Exception {
        Path file = stories();
        int port = freePort();
        Path log = Path.of("target", "it-logs", name + ".log").toAbsolutePath();
        Files.createDirectories(log.getParent());
        List<String> command = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"),
                "--enable-native-access=ALL-UNNAMED", "--add-modules", "jdk.incubator.vector", "-Xmx384m",
                "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-jar", workerJar().toString(), "serve", "--model",
                file.toString(), "--port", Integer.toString(port), "--served-model-name", model, "--threads", "1",
                "--kv-cache-gib", "0.05", "--host", "127.0.0.1"));
        if (registryUrl != null) {
            command.addAll(List.of("--registry-url", registryUrl));
        }
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.to(log.toFile()));
        if (token != null) {
            builder.environment().put("QUANTA_WORKER_TOKEN", token);
        }
        WorkerProcess worker = new WorkerProcess(name, model, port, log, builder.start());
        worker.awaitHealthy(Duration.ofSeconds(420));
        return worker;
    }

    String url() {
        return "http://127.0.0.1:" + port;
    }

    private void awaitHealthy(Duration timeout) throws Exception {
        Instant deadline = Instant.now().plus(timeout);
        while (Instant.now().isBefore(deadline)) {
            if (!process.isAlive()) {
                throw new IllegalStateException(name + " exited (" + process.exitValue() + "): " + tail());
            }
            try {
                HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(url() + "/health"))
                        .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // still starting
            }
            Thread.sleep(250);
        }
        throw new IllegalStateException(name + " not healthy within " + timeout.toSeconds() + " s: " + tail());
    }

    /** The worker's own vLLM metrics, read directly from it. */
    String metricsText() throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url() + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }

    WorkerLoad load() throws Exception {
        return MetricsText.parse(metricsText());
    }

    /** Requests this worker finished ({@code vllm:e2e_request_latency_seconds_count}). */
    long finishedRequests() throws Exception {
        Matcher m = Pattern.compile("(?m)^vllm:e2e_request_latency_seconds_count(?:\\{[^}]*})?\\s+([0-9.eE+-]+)")
                .matcher(metricsText());
        long total = 0;
        while (m.find()) {
            total += (long) Double.parseDouble(m.group(1));
        }
        return total;
    }

    /** Kills the process at once (SIGKILL), as a crash would. */
    void kill() throws InterruptedException {
        process.destroyForcibly().waitFor(20, TimeUnit.SECONDS);
    }

    String tail() {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.destroy();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
