package dev.quanta.gateway.proxy;

import dev.quanta.gateway.auth.ApiKey;
import dev.quanta.gateway.auth.GatewaySecurity;
import dev.quanta.gateway.config.GatewayProperties;
import dev.quanta.gateway.discovery.WorkerDirectory;
import dev.quanta.gateway.limits.KeyLimits;
import dev.quanta.gateway.routing.Candidate;
import dev.quanta.gateway.routing.Decision;
import dev.quanta.gateway.routing.Router;
import dev.quanta.gateway.web.GatewayException;
import jakarta.servlet.http.HttpServletRequest;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataAccessException;
import org.springframework.stereotype.Component;

/**
 * The common path of every inference request, whichever API it came in on: per-key limits, the model's live
 * workers (404 unknown, 503 none live), the routing decision, the call with retries before the first byte,
 * and afterwards the token charge and the outcome metrics.
 */
@Component
public class Dispatcher {

    private static final Logger log = LoggerFactory.getLogger(Dispatcher.class);

    private final WorkerDirectory directory;
    private final Router router;
    private final Forwarder forwarder;
    private final KeyLimits limits;
    private final GatewayMetrics metrics;
    private final String sessionHeader;

    /** An inference request on its way: which key, model and worker, and the prompt's prefix hashes. */
    public record Routed(String api, String model, ApiKey key, Forwarder.Upstream upstream, String requestId,
            long startedNanos) {}

    public Dispatcher(WorkerDirectory directory, Router router, Forwarder forwarder, KeyLimits limits,
            GatewayMetrics metrics, GatewayProperties properties) {
        this.directory = directory;
        this.router = router;
        this.forwarder = forwarder;
        this.limits = limits;
        this.metrics = metrics;
        this.sessionHeader = properties.routing().sessionHeader();
    }

    /** The model tag of requests naming a model no worker serves. */
    static final String UNKNOWN_MODEL_TAG = "(unknown)";

    /**
     * Admits, routes and sends {@code body} to {@code path} on a worker of {@code model}.
     *
     * @param prompt the text whose prefix routes the request (null: no prefix affinity)
     */
    public Routed open(HttpServletRequest request, String api, String model, String prompt, String path, byte[] body) {
        ApiKey key = GatewaySecurity.currentKey();
        admit(api, model, key);
        List<Candidate> candidates = directory.candidates(model);
        if (candidates.isEmpty()) {
            if (directory.knows(model)) {
                metrics.request(api, model, "none", "no_live_worker");
                throw new GatewayException(503, "service_unavailable", "no live worker serves model '" + model
                        + "' right now; retry shortly", 5, "model");
            }
            metrics.request(api, UNKNOWN_MODEL_TAG, "none", "unknown_model");
            throw new GatewayException(404, "not_found", "model '" + model + "' does not exist or no worker serves it; "
                    + "see GET /v1/models", 0, "model");
        }
        long[] hashes = router.hashes(model, prompt);
        String session = sessionHeader == null || sessionHeader.isBlank() ? null : request.getHeader(sessionHeader);
        Decision decision = router.route(model, candidates, hashes, session);
        metrics.decision(router.strategy(), decision.reason());
        String requestId = requestId(request.getHeader("X-Request-Id"));
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Content-Type", "application/json");
        headers.put("X-Request-Id", requestId);
        Forwarder.Upstream upstream;
        long started = System.nanoTime();
        try {
            upstream = forwarder.post(model, decision, path, body, headers);
        } catch (GatewayException e) {
            metrics.request(api, model, decision.chosen().id(), "upstream_error");
            throw e;
        }
        if (upstream.status() < 400) {
            router.served(upstream.worker(), hashes);
        }
        return new Routed(api, model, key, upstream, requestId, started);
    }

    /**
     * Charges the tokens a request used to its key. Callers charge as soon as the worker's usage is known and
     * before the response's last bytes reach the client, so a client's next request, on whichever replica,
     * finds the tokens counted.
     */
    public void charge(Routed routed, long tokens) {
        if (routed.key() != null && tokens > 0) {
            try {
                limits.charge(routed.key().id(), tokens);
            } catch (DataAccessException e) {
                log.warn("could not charge {} tokens to key {}: {}", tokens, routed.key().id(), e.getMessage());
            }
        }
    }

    /** Counts the request's outcome. */
    public void finish(Routed routed, String outcome) {
        metrics.request(routed.api(), routed.model(), routed.upstream().worker().id(), outcome);
        metrics.duration(routed.api(), routed.model(), outcome, System.nanoTime() - routed.startedNanos());
    }

    /**
     * The model's metric tag: its name when a worker serves or served it, else {@link #UNKNOWN_MODEL_TAG}. Names sent
     * by clients become tag values only once the platform knows them, so a client cannot grow the metrics without
     * bound by sending made-up names.
     */
    private String modelTag(String model) {
        return model != null && directory.knows(model) ? model : UNKNOWN_MODEL_TAG;
    }

    /**
     * The client's request id when it is 1-128 visible ASCII characters (it is passed on to the worker and back),
     * else a new one: anything else could not be sent on, or not safely.
     */
    public static String requestId(String sent) {
        if (sent == null || sent.isEmpty() || sent.length() > 128) {
            return randomId();
        }
        for (int i = 0; i < sent.length(); i++) {
            char c = sent.charAt(i);
            if (c <= ' ' || c >= 0x7f) {
                return randomId();
            }
        }
        return sent;
    }

    /** A version-4-shaped UUID from a non-blocking generator: request ids need to be unique, not secret. */
    static String randomId() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        long high = (random.nextLong() & ~0xF000L) | 0x4000L;
        long low = (random.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
        return new UUID(high, low).toString();
    }

    private void admit(String api, String model, ApiKey key) {
        if (key == null) {
            return; // not reachable behind the security chain, which requires a credential here
        }
        KeyLimits.Admission admission;
        try {
            admission = limits.admit(key.id());
        } catch (DataAccessException e) {
            // NOTE: fail closed: without the shared counters no replica can tell whether the key is within its limits.
            log.warn("usage limits unavailable: {}", e.getMessage());
            metrics.request(api, modelTag(model), "none", "limits_unavailable");
            throw new GatewayException(503, "service_unavailable", "usage limits cannot be checked right now", 2, null);
        }
        if (!admission.allowed()) {
            metrics.limited(admission.reason().startsWith("token") ? "tokens" : "rate");
            metrics.request(api, modelTag(model), "none", "rate_limited");
            throw new GatewayException(429, "rate_limit_exceeded", "limit reached for this API key: "
                    + admission.reason(), admission.retryAfterSeconds(), null);
        }
    }
}
