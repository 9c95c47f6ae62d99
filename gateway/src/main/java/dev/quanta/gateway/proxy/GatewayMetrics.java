package dev.quanta.gateway.proxy;

import dev.quanta.gateway.routing.Decision;
import dev.quanta.gateway.routing.Strategy;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.springframework.stereotype.Component;

/**
 * The gateway's own metrics (Prometheus names in brackets): requests by API, model, worker and outcome
 * ({@code quanta_gateway_requests_total}), their duration by API, model and outcome
 * ({@code quanta_gateway_request_duration_seconds}: the inference paths are not in {@code http_server_requests}),
 * routing decisions by strategy and reason
 * ({@code quanta_gateway_routing_decisions_total}), retries before the first byte, ejections, time to the
 * upstream's first byte per model and worker, limit refusals.
 */
@Component
public class GatewayMetrics {

    private final MeterRegistry registry;
    /** Meters already registered, by name and tag values: one map lookup per count instead of a builder. */
    private final Map<Key, Counter> counters = new ConcurrentHashMap<>();
    private final Map<Key, Timer> timers = new ConcurrentHashMap<>();

    private record Key(String name, String a, String b, String c, String d) {}

    public GatewayMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    /** @param outcome ok, client_error, upstream_error, cancelled, rejected_*, no_worker, unknown_model, ... */
    public void request(String api, String model, String worker, String outcome) {
        counters.computeIfAbsent(new Key("requests", api, model, worker, outcome), k -> Counter
                .builder("quanta.gateway.requests").description("Requests by API, model, worker and outcome")
                .tag("api", api).tag("model", model).tag("worker", worker).tag("outcome", outcome)
                .register(registry)).increment();
    }

    /** A request that reached a worker, from the call to the worker to its last byte passed on (or its failure). */
    public void duration(String api, String model, String outcome, long nanos) {
        timers.computeIfAbsent(new Key("duration", api, model, outcome, null), k -> Timer
                .builder("quanta.gateway.request.duration")
                .description("Inference requests from the call to a worker to the last byte passed on")
                .tag("api", api).tag("model", model).tag("outcome", outcome)
                .register(registry)).record(nanos, TimeUnit.NANOSECONDS);
    }

    public void decision(Strategy strategy, Decision.Reason reason) {
        counters.computeIfAbsent(new Key("decisions", strategy.name(), reason.name(), null, null), k -> Counter
                .builder("quanta.gateway.routing.decisions").description("Routing decisions by reason")
                .tag("strategy", strategy.name().toLowerCase()).tag("reason", reason.name().toLowerCase())
                .register(registry)).increment();
    }

    public void retry(String model, String worker, String cause) {
        Counter.builder("quanta.gateway.upstream.retries").description("Attempts abandoned before the first byte")
                .tag("model", model).tag("worker", worker).tag("cause", cause).register(registry).increment();
    }

    public void firstByte(String model, String worker, Duration elapsed) {
        timers.computeIfAbsent(new Key("first.byte", model, worker, null, null), k -> Timer
                .builder("quanta.gateway.upstream.first.byte").description("Until the worker's response headers")
                .tag("model", model).tag("worker", worker).register(registry)).record(elapsed);
    }

    public void limited(String reason) {
        Counter.builder("quanta.gateway.limits.refused").description("Requests refused by a per-key limit")
                .tag("reason", reason).register(registry).increment();
    }
}
