package dev.quanta.worker.config;

import dev.quanta.worker.api.ServedModel;
import dev.quanta.worker.api.WorkerState;
import dev.quanta.worker.engine.EngineRequest;
import dev.quanta.worker.engine.EngineStats;
import dev.quanta.worker.engine.FinishReason;
import dev.quanta.worker.engine.InferenceEngine;
import dev.quanta.worker.engine.RequestListener;
import dev.quanta.worker.engine.TokenOutput;
import dev.quanta.worker.engine.Usage;
import java.net.InetAddress;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.web.server.context.WebServerInitializedEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.context.SmartLifecycle;

/**
 * Loads the model in the background once the web server is up (so {@code /health} answers 503 meanwhile), warms
 * it up with one short generation, then reports ready and takes the registry lease. On shutdown (this stops before
 * the web server): stop admitting (503), release the lease, let running requests finish for
 * {@code drainTimeout}, then close the engine, which cancels whatever is left.
 */
final class WorkerLifecycle implements SmartLifecycle, ApplicationListener<WebServerInitializedEvent> {

    private static final Logger log = LoggerFactory.getLogger(WorkerLifecycle.class);

    private final WorkerProperties properties;
    private final WorkerState state;
    private final EngineLoader loader;
    private final String host;
    private volatile boolean running;
    private volatile int port;
    private volatile Thread loading;
    private volatile RegistryLease lease;

    WorkerLifecycle(WorkerProperties properties, WorkerState state, EngineLoader loader, String host) {
        this.properties = properties;
        this.state = state;
        this.loader = loader;
        this.host = host;
    }

    @Override
    public void onApplicationEvent(WebServerInitializedEvent event) {
        port = event.getWebServer().getPort();
        loading = Thread.ofPlatform().name("quanta-model-loader").daemon(true).start(this::load);
    }

    private void load() {
        long t0 = System.nanoTime();
        try {
            InferenceEngine engine = loader.load(properties.model(), properties.engineConfig());
            ServedModel model = ServedModel.of(state.servedName(), engine);
            if (properties.warmup()) {
                warmUp(engine);
            }
            state.ready(model);
            log.info("serving {} as '{}' on port {} (loaded in {} ms)", properties.model(), state.servedName(), port,
                    (System.nanoTime() - t0) / 1_000_000);
            if (!properties.registryUrl().isBlank()) {
                RegistryLease l = new RegistryLease(properties.registryUrl(), workerId(), state.servedName(),
                        advertisedUrl(), properties.maxSeqs(), properties.registryToken());
                lease = l;
                l.start();
            }
        } catch (Exception | Error e) {
            String why = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            log.error("could not load {}: {}", properties.model(), why, e);
            state.failed(why);
        }
    }

    /** One short greedy generation so the first client does not pay for JIT and page faults. */
    private static void warmUp(InferenceEngine engine) throws InterruptedException {
        int[] prompt = engine.tokenizer().encode("Once upon a time", true, false);
        CountDownLatch done = new CountDownLatch(1);
        engine.submit(EngineRequest.greedy("warmup", prompt, 8), new RequestListener() {
            @Override
            public void onToken(TokenOutput token) {}

            @Override
            public void onFinish(int index, FinishReason reason, String text, Usage usage) {
                done.countDown();
            }

            @Override
            public void onError(Throwable error) {
                done.countDown();
            }
        });
        if (!done.await(5, TimeUnit.MINUTES)) {
            throw new IllegalStateException("warm-up generation did not finish in 5 minutes");
        }
    }

    String advertisedUrl() {
        if (!properties.advertisedUrl().isBlank()) {
            return properties.advertisedUrl();
        }
        String h = host == null || host.isBlank() || host.equals("0.0.0.0") || host.equals("::") ? "127.0.0.1"
                : host;
        return "http://" + (h.contains(":") ? "[" + h + "]" : h) + ":" + port;
    }

    String workerId() {
        if (!properties.workerId().isBlank()) {
            return properties.workerId();
        }
        String machine;
        try {
            machine = InetAddress.getLocalHost().getHostName();
        } catch (Exception e) {
            machine = "localhost";
        }
        return ServedNames.slug(state.servedName() + "-" + machine + "-" + port);
    }

    @Override
    public void start() {
        running = true;
    }

    @Override
    public void stop() {
        running = false;
        state.drain();
        RegistryLease l = lease;
        if (l != null) {
            l.close();
        }
        Thread t = loading;
        if (t != null) {
            t.interrupt();
        }
        ServedModel model = state.loadedOrNull();
        if (model == null) {
            return;
        }
        InferenceEngine engine = model.engine();
        long deadline = System.nanoTime() + properties.drainTimeout().toNanos();
        EngineStats s = engine.stats();
        while (s.running() + s.waiting() > 0 && System.nanoTime() < deadline) {
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            s = engine.stats();
        }
        if (s.running() + s.waiting() > 0) {
            log.warn("shutting down with {} running and {} waiting requests: cancelling them", s.running(),
                    s.waiting());
        }
        engine.close();
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    /** Stops first (before the web server's graceful shutdown), so streams can still finish meanwhile. */
    @Override
    public int getPhase() {
        return SmartLifecycle.DEFAULT_PHASE;
    }
}
