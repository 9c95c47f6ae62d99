package dev.quanta.gateway.proxy;

import dev.quanta.gateway.config.GatewayProperties;
import dev.quanta.gateway.routing.Decision;
import dev.quanta.gateway.routing.Ejection;
import dev.quanta.gateway.routing.Worker;
import dev.quanta.gateway.web.GatewayException;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.hc.client5.http.ConnectTimeoutException;
import org.apache.hc.client5.http.classic.methods.HttpUriRequestBase;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManager;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.HttpEntity;
import org.apache.hc.core5.http.io.SocketConfig;
import org.apache.hc.core5.http.io.entity.ByteArrayEntity;
import org.apache.hc.core5.pool.PoolConcurrencyPolicy;
import org.apache.hc.core5.util.TimeValue;
import org.apache.hc.core5.util.Timeout;
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
 * <p>NOTE: the upstream client is Apache HttpClient's classic (blocking) one on a pool of HTTP/1.1 keep-alive
 * connections per worker, with TCP_NODELAY: the request's own (virtual) thread writes the request and reads
 * the response, with no hand-over to a selector thread and back as the JDK's HttpClient does for each read;
 * that hand-over was most of the latency the gateway added. Its reads have no socket timeout: the
 * {@link IdleWatchdog} keeps the first-byte and idle deadlines by cancelling the exchange (see there why).
 */
@Component
public class Forwarder implements DisposableBean {

    private static final Logger log = LoggerFactory.getLogger(Forwarder.class);

    private final CloseableHttpClient http;
    private final GatewayProperties.Upstream config;
    private final IdleWatchdog watchdog;
    private final Ejection ejection;
    private final GatewayMetrics metrics;
    private final Clock clock;
    private final Map<String, Map<String, URI>> uris = new ConcurrentHashMap<>();
    private static final int MAX_CACHED_WORKERS = 1024;
    private static final int MAX_CACHED_PATHS = 16;

    /**
     * A worker's answer, headers read, body not yet. Close it when done: after the body was read to its end
     * the connection goes back to the pool; before, the connection is dropped, which cancels the request on
     * the worker (it sees the client gone and frees the sequence's blocks). {@code watch} cuts the exchange after
     * the idle timeout of silence; readers {@linkplain IdleWatchdog.Watch#touch touch} it on progress.
     */
    public record Upstream(Worker worker, int status, HttpUriRequestBase request, ClassicHttpResponse response,
            int attempts, IdleWatchdog.Watch watch) implements Closeable {
        public InputStream body() throws IOException {
            HttpEntity entity = response.getEntity();
            return entity == null ? InputStream.nullInputStream() : entity.getContent();
        }

        /** The body's declared length, -1 when unknown (chunked). */
        public long contentLength() {
            HttpEntity entity = response.getEntity();
            return entity == null ? 0 : entity.getContentLength();
        }

        public String header(String name) {
            Header h = response.getFirstHeader(name);
            return h == null ? null : h.getValue();
        }

        @Override
        public void close() {
            // NOTE: cancel first: closing the response alone reads a chunked body to its end (endless for a
            // stream the client left). After the body's end the connection is back in the pool: cancel is a no-op.
            watch.close();
            request.cancel();
            try {
                response.close();
            } catch (IOException ignored) {
                // the connection is discarded either way
            }
        }
    }

    public Forwarder(GatewayProperties properties, IdleWatchdog watchdog, Ejection ejection, GatewayMetrics metrics,
            Clock clock) {
        this.config = properties.upstream();
        this.watchdog = watchdog;
        this.ejection = ejection;
        this.metrics = metrics;
        this.clock = clock;
        PoolingHttpClientConnectionManager pool = PoolingHttpClientConnectionManagerBuilder.create()
                .setPoolConcurrencyPolicy(PoolConcurrencyPolicy.LAX)
                .setMaxConnPerRoute(1024).setMaxConnTotal(4096)
                .setDefaultSocketConfig(SocketConfig.custom().setTcpNoDelay(true).build())
                .setDefaultConnectionConfig(ConnectionConfig.custom()
                        .setConnectTimeout(Timeout.of(config.connectTimeout()))
                        // no read timeout: the watchdog keeps the deadlines (first byte, then idle)
                        .setSocketTimeout(Timeout.DISABLED)
                        // a connection idle this long is checked before reuse: the worker may have closed it
                        .setValidateAfterInactivity(TimeValue.ofSeconds(2))
                        .setTimeToLive(TimeValue.ofMinutes(10)).build())
                .build();
        this.http = HttpClients.custom().setConnectionManager(pool)
                .setDefaultRequestConfig(RequestConfig.custom()
                        .setResponseTimeout(Timeout.DISABLED)
                        .setConnectionRequestTimeout(Timeout.of(config.connectTimeout()))
                        .setRedirectsEnabled(false).build())
                .disableAutomaticRetries() // retries are ours: on another worker, counted
                .disableRedirectHandling().disableCookieManagement().disableAuthCaching()
                .disableContentCompression().disableDefaultUserAgent()
                .evictIdleConnections(TimeValue.ofSeconds(30)).evictExpiredConnections()
                .build();
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
            HttpUriRequestBase request = new HttpUriRequestBase(method, uri(worker, path));
            headers.forEach((name, value) -> {
                if (!name.equalsIgnoreCase("Content-Type")) {
                    request.setHeader(name, value); // the entity carries the content type
                }
            });
            if (body != null) {
                request.setEntity(new ByteArrayEntity(body, contentType(headers)));
            }
            IdleWatchdog.Watch watch = watchdog.watch(request::cancel, config.firstByteTimeout());
            try {
                ClassicHttpResponse response = http.executeOpen(null, request, null);
                int status = response.getCode();
                if (status >= 500) {
                    watch.close();
                    lastStatus = status;
                    response.close();
                    fail(model, worker, "status_" + status);
                    continue;
                }
                watch.idle();
                metrics.firstByte(model, worker.id(), Duration.ofNanos(System.nanoTime() - started));
                ejection.success(worker.id());
                return new Upstream(worker, status, request, response, i + 1, watch);
            } catch (IOException e) {
                watch.close();
                last = e;
                // the watchdog cancelled the exchange at its first-byte deadline (its reads have no timeout)
                timedOut = watch.expired() || (e instanceof SocketTimeoutException && !(e instanceof ConnectTimeoutException));
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

    /** The worker's URL for {@code path}, parsed once: requests go to a few paths on a few workers. */
    private URI uri(Worker worker, String path) {
        Map<String, URI> byPath = uris.get(worker.baseUrl());
        if (byPath == null) {
            if (uris.size() >= MAX_CACHED_WORKERS) {
                uris.clear(); // workers that left the pool; the live ones are parsed again
            }
            byPath = uris.computeIfAbsent(worker.baseUrl(), b -> new ConcurrentHashMap<>());
        }
        URI uri = byPath.get(path);
        if (uri == null) {
            uri = URI.create(worker.baseUrl() + path);
            if (byPath.size() < MAX_CACHED_PATHS) {
                byPath.put(path, uri);
            }
        }
        return uri;
    }

    private static ContentType contentType(Map<String, String> headers) {
        String type = headers.get("Content-Type");
        if (type == null) {
            return ContentType.APPLICATION_OCTET_STREAM;
        }
        return type.equals("application/json") ? ContentType.APPLICATION_JSON : ContentType.parse(type);
    }

    private void fail(String model, Worker worker, String cause) {
        metrics.retry(model, worker.id(), cause);
        if (ejection.failure(worker.id(), clock.instant())) {
            log.warn("worker {} ({}) ejected after repeated failures ({})", worker.id(), worker.baseUrl(), cause);
        }
    }

    @Override
    public void destroy() throws IOException {
        http.close();
    }
}
