package dev.quanta.worker.api;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * {@code /metrics} on a port of its own ({@code --metrics-port}, property {@code quanta.worker.metrics-port}; 0 = off,
 * the default): Kubernetes NetworkPolicies select ports, not paths, so a separate port lets Prometheus scrape a
 * worker that only the gateway may call. The API port keeps serving {@code /metrics} for the gateway's load polling.
 */
@Component
final class MetricsPortServer implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(MetricsPortServer.class);

    private final WorkerState state;
    private final int port;
    private final String host;
    private HttpServer server;
    private ExecutorService executor;

    MetricsPortServer(WorkerState state, @Value("${quanta.worker.metrics-port:0}") int port,
                      @Value("${server.address:}") String host) {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("--metrics-port must be between 0 and 65535, got " + port);
        }
        this.state = state;
        this.port = port;
        this.host = host;
    }

    @Override
    public void start() {
        if (port == 0) {
            return;
        }
        try {
            InetSocketAddress address = host.isBlank() ? new InetSocketAddress(port) : new InetSocketAddress(host, port);
            server = HttpServer.create(address, 16);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot listen for metrics on port " + port, e);
        }
        executor = Executors.newVirtualThreadPerTaskExecutor();
        server.setExecutor(executor);
        server.createContext("/metrics", exchange -> {
            try (exchange) {
                if (!"GET".equals(exchange.getRequestMethod())) {
                    exchange.sendResponseHeaders(405, -1);
                    return;
                }
                ServedModel m = state.loadedOrNull();
                byte[] body = MetricsExposition.render(state.servedName(), m == null ? null : m.engine().stats(),
                        state.metrics()).getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().set("Content-Type", MetricsExposition.CONTENT_TYPE);
                exchange.sendResponseHeaders(200, body.length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(body);
                }
            }
        });
        server.start();
        log.info("metrics on port {}", server.getAddress().getPort());
    }

    @Override
    public void stop() {
        if (server != null) {
            server.stop(0);
            executor.close();
            server = null;
        }
    }

    @Override
    public boolean isRunning() {
        return server != null;
    }

    /** The bound port (tests), or -1 when off. */
    int boundPort() {
        return server == null ? -1 : server.getAddress().getPort();
    }
}
