package dev.quanta.gateway.proxy;

import dev.quanta.gateway.config.GatewayProperties;
import dev.quanta.gateway.proxy.http.UpstreamCall;
import dev.quanta.gateway.proxy.http.UpstreamClient;
import dev.quanta.gateway.routing.Decision;
import dev.quanta.gateway.routing.Ejection;
import dev.quanta.gateway.routing.Worker;
import dev.quanta.gateway.web.GatewayException;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.stereotype.Component;

/**
 * Sends a request to the decision's workers in order until one answers with a status below 500: a connect
 * error, a timeout before the response headers or a 5xx counts as a failure of that worker (towards its
 * ejection) and the next one is tried, at most {@code maxAttempts} in all. Nothing has been written to the
 * client yet at that point, so a retry is invisible to it.
 *
 * <p>NOTE: the upstream client is the gateway's own blocking HTTP/1.1 one ({@link UpstreamClient}) on a pool of
 * keep-alive connections per worker, with TCP_NODELAY: the request's own (virtual) thread writes the request and
 * reads the response, with no hand-over to a selector thread and back as the JDK's HttpClient does for each read;
 * that hand-over was most of the latency the gateway added. Its reads have no socket timeout: the
 * {@link IdleWatchdog} keeps the first-byte and idle deadlines by cancelling the exchange (see there why).
 */
@Component
public class Forwarder implements DisposableBean {

    private static final Logger log = LoggerFactory.getLogger(Forwarder.class);

    /** Idle keep-alive connections kept per worker (more are closed as they come back). */
    static final int MAX_IDLE_PER_WORKER = 256;
    /** A pooled connection idle this long is closed rather than reused. */
    static final Duration POOL_IDLE_EXPIRY = Duration.ofSeconds(30);

    private final UpstreamClient http;
    private final GatewayProperties.Upstream config;
    private final IdleWatchdog watchdog;
    private final Ejection ejection;
    private final GatewayMetrics metrics;
    private final Clock clock;

    /**
     * A worker's answer, headers read, body not yet. Close it when done: after the body was read to its end
     * the connection goes back to the pool; before, the connection is dropped, which cancels the request on
     * the worker (it sees the client gone and frees the sequence's blocks). {@code watch} cuts the exchange after
     * the idle timeout of silence; readers {@linkplain IdleWatchdog.Watch#touch touch} it on progress.
     */
    public record Upstream(Worker worker, int status, UpstreamCall call, int attempts, IdleWatchdog.Watch watch)
            implements Closeable {
        public InputStream body() {
            return call.body();
        }

        /** The body's declared length, -1 when unknown (chunked). */
        public long contentLength() {
            return call.contentLength();
        }

        public String header(String name) {
            return call.header(name);
        }

        @Override
        public void close() {
            watch.close();
            call.close(); // back to the pool after a body read to its end, else dropped (the worker stops)
        }
    }

    public Forwarder(GatewayProperties properties, IdleWatchdog watchdog, Ejection ejection, GatewayMetrics metrics,
            Clock clock) {
        this.config = properties.upstream();
        this.watchdog = watchdog;
        this.ejection = ejection;
        this.metrics = metrics;
        this.clock = clock;
        this.http = new UpstreamClient(new UpstreamClient.Settings(config.connectTimeout(), MAX_IDLE_PER_WORKER,
                POOL_IDLE_EXPIRY));
    }

    /** POSTs {@code body} to {@code path} on the decision's workers in turn. */
    public Upstream post(String model, Decision decision, String path, byte[] body, Map<String, String> headers) {
        return send(model, decision, path, "POST", body, headers);
    }

    public Upstream send(String model, Decision decision, String path, String method, byte[] body,
            Map<String, String> headers) {
        int attempts = Math.min(Math.max(1, config.maxAttempts()), decision.order().size());
        Exception last = null;
        boolean timedOut = false;
        int lastStatus = 0;
        for (int i = 0; i < attempts; i++) {
            Worker worker = decision.order().get(i);
            long started = System.nanoTime();
            UpstreamCall call;
            try {
                call = http.call(worker.baseUrl(), method, path, headers, body);
            } catch (IllegalArgumentException e) { // a worker URL the client cannot use
                last = e;
                fail(model, worker, "connect");
                continue;
            }
            IdleWatchdog.Watch watch = watchdog.watch(call::cancel, config.firstByteTimeout());
            try {
                call.execute();
                int status = call.status();
                if (status >= 500) {
                    watch.close();
                    lastStatus = status;
                    call.close();
                    fail(model, worker, "status_" + status);
                    continue;
                }
                watch.idle();
                metrics.firstByte(model, worker.id(), Duration.ofNanos(System.nanoTime() - started));
                ejection.success(worker.id());
                return new Upstream(worker, status, call, i + 1, watch);
            } catch (IOException e) {
                watch.close();
                call.close();
                last = e;
                // the watchdog cancelled the exchange at its first-byte deadline (its reads have no timeout)
                timedOut = watch.expired();
                fail(model, worker, timedOut ? "timeout" : "connect");
            }
        }
        String why = last != null ? last.getClass().getSimpleName() + (last.getMessage() == null ? ""
                : ": " + last.getMessage()) : "status " + lastStatus;
        if (timedOut) {
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

    @Override
    public void destroy() {
        http.close();
    }
}
