package dev.quanta.worker.cli;

import dev.quanta.worker.config.WorkerApplication;
import dev.quanta.worker.config.WorkerProperties;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.event.ContextClosedEvent;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code quanta serve --model FILE [...]}: the OpenAI-compatible worker. Flags become {@code quanta.worker.*}
 * properties ({@code WorkerProperties}); anything else Spring Boot reads (environment, {@code --spring.*} system
 * properties) still applies. Runs until SIGINT/SIGTERM, then drains gracefully.
 */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = "Serve a model over an OpenAI-compatible HTTP API (continuous batching, prefix caching).")
final class ServeCommand implements Callable<Integer> {

    @Option(names = {"-m", "--model"}, paramLabel = "FILE", required = true, description = "GGUF model file.")
    Path model;

    @Option(names = "--served-model-name", paramLabel = "NAME",
            description = "Model name in the API (default: from the file name, as a registry model key).")
    String servedModelName = "";

    @Option(names = "--host", paramLabel = "H", description = "Address to bind (default 0.0.0.0).")
    String host = "0.0.0.0";

    @Option(names = {"-p", "--port"}, paramLabel = "P", description = "Port (default 8090; 0 = any free port).")
    int port = 8090;

    @Option(names = {"-t", "--threads"}, paramLabel = "N", description = "Kernel threads (default: all cores).")
    int threads = 0;

    @Option(names = "--kv-cache-gib", paramLabel = "G",
            description = "KV cache budget in GiB (default 0 = half of the free memory).")
    double kvCacheGib = 0;

    @Option(names = "--kv-cache-dtype", paramLabel = "f16|f32", description = "KV element type (default f16).")
    String kvCacheDtype = "f16";

    @Option(names = "--max-model-len", paramLabel = "L",
            description = "Positions per sequence (default: the model's context, at most 4096).")
    int maxModelLen = 0;

    @Option(names = "--max-batched-tokens", paramLabel = "B", description = "Token budget per step (default 512).")
    int maxBatchedTokens = 512;

    @Option(names = "--max-seqs", paramLabel = "S", description = "Sequences running at once (default 64).")
    int maxSeqs = 64;

    @Option(names = "--max-waiting", paramLabel = "W",
            description = "Queued requests beyond the running ones before 429 (default 256).")
    int maxWaiting = 256;

    @Option(names = "--registry-url", paramLabel = "URL",
            description = "Register with this registry-service and renew the lease (default: $QUANTA_REGISTRY_URL, "
                    + "none when unset). Credential: $QUANTA_WORKER_TOKEN, else $QUANTA_ADMIN_TOKEN.")
    String registryUrl;

    @Option(names = "--advertised-url", paramLabel = "URL",
            description = "Base URL announced to the registry (default http://<host>:<port>).")
    String advertisedUrl = "";

    @Option(names = "--metrics-port", paramLabel = "P",
            description = "Also serve /metrics on this port, for a scraper the API port is closed to (default 0 = off).")
    int metricsPort = 0;

    @Option(names = "--java-kernels", description = "Use the pure-Java reference kernels.")
    boolean javaKernels;

    @Option(names = "--no-warmup", description = "Skip the warm-up generation after loading.")
    boolean noWarmup;

    @Override
    public Integer call() throws Exception {
        if (!Files.isRegularFile(model)) {
            throw new IllegalArgumentException("model file not found: " + model);
        }
        // checked here so a bad flag is one line on stderr rather than a failed Spring context
        new WorkerProperties(model, servedModelName, threads, kvCacheGib, kvCacheDtype, maxModelLen,
                maxBatchedTokens, maxSeqs, maxWaiting, javaKernels, !noWarmup, "", "", advertisedUrl, "",
                Duration.ofSeconds(30)).engineConfig();
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("--port must be between 0 and 65535, got " + port);
        }
        if (metricsPort < 0 || metricsPort > 65535 || (metricsPort != 0 && metricsPort == port)) {
            throw new IllegalArgumentException("--metrics-port must be between 1 and 65535 and differ from --port, got "
                    + metricsPort);
        }
        // as command-line arguments: they take precedence over application.yml (default properties would not)
        String[] args = properties().entrySet().stream().map(e -> "--" + e.getKey() + "=" + e.getValue())
                .toArray(String[]::new);
        ConfigurableApplicationContext context = new SpringApplicationBuilder(WorkerApplication.class).run(args);
        CountDownLatch closed = new CountDownLatch(1);
        context.addApplicationListener(event -> {
            if (event instanceof ContextClosedEvent) {
                closed.countDown();
            }
        });
        closed.await();
        return 0;
    }

    Map<String, Object> properties() {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("server.address", host);
        p.put("server.port", port);
        p.put("quanta.worker.model", model.toAbsolutePath().toString());
        p.put("quanta.worker.served-model-name", servedModelName);
        p.put("quanta.worker.threads", threads);
        p.put("quanta.worker.kv-cache-gib", kvCacheGib);
        p.put("quanta.worker.kv-cache-dtype", kvCacheDtype);
        p.put("quanta.worker.max-model-len", maxModelLen);
        p.put("quanta.worker.max-batched-tokens", maxBatchedTokens);
        p.put("quanta.worker.max-seqs", maxSeqs);
        p.put("quanta.worker.max-waiting", maxWaiting);
        p.put("quanta.worker.java-kernels", javaKernels);
        p.put("quanta.worker.warmup", !noWarmup);
        p.put("quanta.worker.advertised-url", advertisedUrl);
        p.put("quanta.worker.metrics-port", metricsPort);
        if (registryUrl != null) {
            p.put("quanta.worker.registry-url", registryUrl);
        }
        return p;
    }
}
