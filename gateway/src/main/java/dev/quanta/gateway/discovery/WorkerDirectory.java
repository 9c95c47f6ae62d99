package dev.quanta.gateway.discovery;

import dev.quanta.gateway.config.GatewayProperties;
import dev.quanta.gateway.routing.Candidate;
import dev.quanta.gateway.routing.Ejection;
import dev.quanta.gateway.routing.Router;
import dev.quanta.gateway.routing.Worker;
import dev.quanta.gateway.routing.WorkerLoad;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The live worker pool: the registry's leases ({@code GET /workers}, re-read every {@code refresh}) plus the
 * static list, each worker's load scraped from its {@code /metrics} every {@code metricsPoll}, failing workers
 * ejected and probed back on {@code /health}. When the registry does not answer, the last known pool stays.
 */
@Component
public class WorkerDirectory implements DisposableBean {

    private static final Logger log = LoggerFactory.getLogger(WorkerDirectory.class);
    private static final JsonMapper JSON = JsonMapper.builder().build();

    /** A pool member: the worker, its last scraped load and its {@code /v1/models} entry (null until read). */
    public record Member(Worker worker, WorkerLoad load, JsonNode modelCard) {}

    private final GatewayProperties.Discovery config;
    private final Router router;
    private final Ejection ejection;
    private final Clock clock;
    private final HttpClient http;
    private final Map<String, Member> members = new ConcurrentHashMap<>();
    private final ScheduledExecutorService timer;
    private volatile boolean registryDown;

    public WorkerDirectory(GatewayProperties properties, Router router, Ejection ejection, Clock clock) {
        this.config = properties.discovery();
        this.router = router;
        this.ejection = ejection;
        this.clock = clock;
        this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2))
                .version(HttpClient.Version.HTTP_1_1).build();
        for (GatewayProperties.StaticWorker w : config.staticWorkers()) {
            Worker worker = new Worker(w.url().toString(), w.model(), w.url().toString());
            members.put(worker.id(), new Member(worker, WorkerLoad.UNKNOWN, null));
        }
        this.timer = Executors.newScheduledThreadPool(1, Thread.ofPlatform().daemon().name("worker-directory").factory());
        timer.scheduleWithFixedDelay(this::refreshQuietly, 0, config.refresh().toMillis(), TimeUnit.MILLISECONDS);
        timer.scheduleWithFixedDelay(this::pollQuietly, config.metricsPoll().toMillis(), config.metricsPoll().toMillis(),
                TimeUnit.MILLISECONDS);
    }

    /** Live, not ejected workers serving {@code model}, with their load. */
    public List<Candidate> candidates(String model) {
        List<Candidate> out = new ArrayList<>();
        for (Member m : members.values()) {
            if (m.worker().model().equals(model) && !ejection.isEjected(m.worker().id())) {
                out.add(new Candidate(m.worker(), m.load()));
            }
        }
        return out;
    }

    /** Whether any worker, even an ejected one, serves {@code model} (404 versus 503). */
    public boolean knows(String model) {
        return members.values().stream().anyMatch(m -> m.worker().model().equals(model));
    }

    /** Models with at least one live, not ejected worker, sorted. */
    public Set<String> liveModels() {
        Set<String> out = new TreeSet<>();
        for (Member m : members.values()) {
            if (!ejection.isEjected(m.worker().id())) {
                out.add(m.worker().model());
            }
        }
        return out;
    }

    /** Every pool member (ejected ones included), by id. */
    public List<Member> members() {
        return members.values().stream().sorted(Comparator.comparing(m -> m.worker().id())).toList();
    }

    /** The first {@code /v1/models} entry a live worker of {@code model} reported, or null. */
    public JsonNode modelCard(String model) {
        return members.values().stream()
                .filter(m -> m.worker().model().equals(model) && m.modelCard() != null)
                .map(Member::modelCard).findFirst().orElse(null);
    }

    /** Re-reads the registry's leases now (also called on a timer). */
    public void refresh() throws Exception {
        Map<String, Worker> wanted = new LinkedHashMap<>();
        for (GatewayProperties.StaticWorker w : config.staticWorkers()) {
            wanted.put(w.url().toString(), new Worker(w.url().toString(), w.model(), w.url().toString()));
        }
        if (config.registryUrl() != null && !config.registryUrl().isBlank()) {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(strip(config.registryUrl())
                    + "/workers")).timeout(Duration.ofSeconds(3)).GET().build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new IllegalStateException("registry answered " + response.statusCode() + " to GET /workers");
            }
            for (JsonNode lease : JSON.readTree(response.body())) {
                Worker worker = new Worker("lease:" + lease.path("id").asString(), lease.path("modelKey").asString(),
                        lease.path("baseUrl").asString());
                wanted.put(worker.id(), worker);
            }
        }
        for (Worker worker : wanted.values()) {
            members.compute(worker.id(), (id, old) -> old != null && old.worker().equals(worker) ? old
                    : new Member(worker, WorkerLoad.UNKNOWN, null));
        }
        for (String id : List.copyOf(members.keySet())) {
            if (!wanted.containsKey(id)) {
                members.remove(id);
                router.forget(id);
                ejection.forget(id);
                log.info("worker {} left the pool (lease gone)", id);
            }
        }
    }

    /** Scrapes every worker's load now (also called on a timer); ejected workers are probed instead. */
    public void poll() {
        try (var scope = Executors.newVirtualThreadPerTaskExecutor()) {
            for (Member m : members.values()) {
                scope.submit(() -> pollOne(m.worker()));
            }
        }
    }

    private void pollOne(Worker worker) {
        String id = worker.id();
        if (ejection.isEjected(id)) {
            if (!ejection.dueForProbe(id, clock.instant())) {
                return;
            }
            if (get(worker.baseUrl() + "/health") != null) {
                ejection.success(id);
                log.info("worker {} ({}) answered its health probe: back in rotation", id, worker.baseUrl());
            } else {
                ejection.probeFailed(id, clock.instant());
                return;
            }
        }
        String metrics = get(worker.baseUrl() + "/metrics");
        if (metrics == null) {
            if (ejection.failure(id, clock.instant())) {
                log.warn("worker {} ({}) failed repeatedly: out of rotation until its health probe passes", id,
                        worker.baseUrl());
            }
            return;
        }
        WorkerLoad load = MetricsText.parse(metrics);
        members.computeIfPresent(id, (k, old) -> new Member(old.worker(), load, old.modelCard()));
        Member current = members.get(id);
        if (current != null && current.modelCard() == null) {
            String models = get(worker.baseUrl() + "/v1/models");
            if (models != null) {
                for (JsonNode card : JSON.readTree(models).path("data")) {
                    if (card.path("id").asString().equals(worker.model())) {
                        members.computeIfPresent(id, (k, old) -> new Member(old.worker(), old.load(), card));
                    }
                }
            }
        }
    }

    /** Body of a 200 answer, or null on any failure. */
    private String get(String url) {
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(2))
                    .GET().build(), HttpResponse.BodyHandlers.ofString());
            return r.statusCode() == 200 ? r.body() : null;
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            return null;
        }
    }

    private void refreshQuietly() {
        try {
            refresh();
            if (registryDown) {
                log.info("registry answers again; worker pool refreshed");
                registryDown = false;
            }
        } catch (Exception e) {
            if (!registryDown) {
                log.warn("cannot read worker leases from {} ({}); keeping the last known pool", config.registryUrl(),
                        e.toString());
                registryDown = true;
            }
        }
    }

    private void pollQuietly() {
        try {
            poll();
        } catch (RuntimeException e) {
            log.warn("load poll failed: {}", e.toString());
        }
    }

    private static String strip(String url) {
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }

    @Override
    public void destroy() {
        timer.shutdownNow();
    }
}
