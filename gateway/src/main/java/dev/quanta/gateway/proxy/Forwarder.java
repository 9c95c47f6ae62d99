package dev.quanta.gateway.proxy;

import dev.quanta.gateway.config.GatewayProperties;
import dev.quanta.gateway.routing.Decision;
import dev.quanta.gateway.routing.Ejection;
import dev.quanta.gateway.routing.Worker;
import dev.quanta.gateway.web.GatewayException;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Sends a request to the decision's workers in order until one answers with a status below 500: a connect
 * error, a timeout before the response headers or a 5xx counts as a failure of that worker (towards its
 * ejection) and the next one is tried, at most {@code maxAttempts} in all. Nothing has been written to the
 * client yet at that point, so a retry is invisible to it.
 */
@Component
public class Forwarder {

    private static final Logger log = LoggerFactory.getLogger(Forwarder.class);

    private final HttpClient http;
    private final GatewayProperties.Upstream config;
    private final Ejection ejection;
    private final GatewayMetrics metrics;
    private final Clock clock;

    /** A worker's answer, headers read, body not yet. The caller must close {@code body}. */
    public record Upstream(Worker worker, int status, HttpResponse<InputStream> response, int attempts) {
        public InputStream body() {
            return response.body();
        }

        public String header(String name) {
            return response.headers().firstValue(name).orElse(null);
        }
    }

    public Forwarder(GatewayProperties properties, Ejection ejection, GatewayMetrics metrics, Clock clock) {
        this.config = properties.upstream();
        this.ejection = ejection;
        this.metrics = metrics;
        this.clock = clock;
        this.http = HttpClient.newBuilder().connectTimeout(config.connectTimeout())
                .version(HttpClient.Version.HTTP_1_1)
                .executor(Executors.newVirtualThreadPerTaskExecutor()).build();
    }

    /** POSTs {@code body} to {@code path} on the decision's workers in turn. */
    public Upstream post(String model, Decision decision, String path, byte[] body, Map<String, String> headers) {
        return send(model, decision, path, "POST", body, headers);
    }

    public Upstream send(String model, Decision decision, String path, String method, byte[] body,
            Map<String, String> headers) {
        int attempts = Math.min(Math.max(1, config.maxAttempts()), decision.order().size());
        Exception last = null;
        int lastStatus = 0;
        for (int i = 0; i < attempts; i++) {
            Worker worker = decision.order().get(i);
            long started = System.nanoTime();
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(worker.baseUrl() + path))
                    .timeout(config.firstByteTimeout())
                    .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                            : HttpRequest.BodyPublishers.ofByteArray(body));
            headers.forEach(request::header);
            try {
                HttpResponse<InputStream> response = http.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
                if (response.statusCode() >= 500) {
                    lastStatus = response.statusCode();
                    response.body().close();
                    fail(model, worker, "status_" + response.statusCode());
                    continue;
                }
                metrics.firstByte(model, worker.id(), Duration.ofNanos(System.nanoTime() - started));
                ejection.success(worker.id());
                return new Upstream(worker, response.statusCode(), response, i + 1);
            } catch (HttpTimeoutException e) {
                last = e;
                fail(model, worker, "timeout");
            } catch (IOException e) {
                last = e;
                fail(model, worker, "connect");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new GatewayException(503, "service_unavailable", "interrupted while calling a worker", 1, null);
            }
        }
        String why = last != null ? last.getClass().getSimpleName() + (last.getMessage() == null ? ""
                : ": " + last.getMessage()) : "status " + lastStatus;
        if (last instanceof HttpTimeoutException) {
            throw new GatewayException(504, "timeout", "no worker for model '" + model + "' answered within "
                    + config.firstByteTimeout().toSeconds() + " s (" + attempts + " tried)");
        }
        throw new GatewayException(502, "upstream_error", "no worker for model '" + model + "' could serve the request ("
                + attempts + " tried; last: " + why + ")", 1, null);
    }

    private void fail(String model, Worker worker, String cause) {
        metrics.retry(model, worker.id(), cause);
        if (ejection.failure(worker.id(), clock.instant())) {
            log.warn("worker {} ({}) ejected after repeated failures ({})", worker.id(), worker.baseUrl(), cause);
        }
    }
}
