package dev.quanta.worker.config;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The worker's lease in the registry ({@code PUT /workers/{id}} with {@code {modelKey, baseUrl, capacity}},
 * renewed at a third of the TTL the registry answers; {@code DELETE /workers/{id}} on shutdown). A registry that
 * is down is retried every few seconds; it never stops the worker from serving.
 */
final class RegistryLease implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(RegistryLease.class);
    private static final Pattern TTL = Pattern.compile("\"ttlSeconds\"\\s*:\\s*(\\d+)");
    private static final long RETRY_SECONDS = 5;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("quanta-lease").daemon(true).factory());
    private final URI lease;
    private final String token;
    private final String body;
    private volatile boolean held;

    RegistryLease(String registryUrl, String workerId, String modelKey, String baseUrl, int capacity, String token) {
        String base = registryUrl.endsWith("/") ? registryUrl.substring(0, registryUrl.length() - 1) : registryUrl;
        this.lease = URI.create(base + "/workers/" + workerId);
        this.token = token;
        this.body = "{\"modelKey\":\"" + modelKey + "\",\"baseUrl\":\"" + baseUrl + "\",\"capacity\":" + capacity
                + "}";
    }

    void start() {
        timer.execute(this::renew);
    }

    private void renew() {
        long next = RETRY_SECONDS;
        try {
            HttpRequest.Builder b = HttpRequest.newBuilder(lease).timeout(Duration.ofSeconds(10))
                    .header("Content-Type", "application/json")
                    .PUT(HttpRequest.BodyPublishers.ofString(body));
            if (!token.isBlank()) {
                b.header("Authorization", "Bearer " + token);
            }
            HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() == 200 || r.statusCode() == 201) {
                if (!held) {
                    log.info("registered with the registry: {} ({})", lease, body);
                }
                held = true;
                Matcher m = TTL.matcher(r.body());
                next = m.find() ? Math.max(1, Long.parseLong(m.group(1)) / 3) : 10;
            } else {
                log.warn("registry refused the lease {}: HTTP {} {}", lease, r.statusCode(),
                        r.body().lines().findFirst().orElse(""));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        } catch (Exception e) {
            log.warn("registry unreachable at {}: {}; retrying in {} s", lease, e.toString(), RETRY_SECONDS);
        }
        if (!timer.isShutdown()) {
            timer.schedule(this::renew, next, TimeUnit.SECONDS);
        }
    }

    boolean held() {
        return held;
    }

    /** Stops renewing and releases the lease at once (best effort). */
    @Override
    public void close() {
        timer.shutdownNow();
        try {
            HttpRequest.Builder b = HttpRequest.newBuilder(lease).timeout(Duration.ofSeconds(5)).DELETE();
            if (!token.isBlank()) {
                b.header("Authorization", "Bearer " + token);
            }
            HttpResponse<Void> r = http.send(b.build(), HttpResponse.BodyHandlers.discarding());
            log.info("released the lease {}: HTTP {}", lease, r.statusCode());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            log.warn("could not release the lease {}: {}", lease, e.toString());
        }
    }
}
