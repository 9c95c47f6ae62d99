package dev.quanta.planner.registry;

import dev.quanta.planner.config.RegistryProperties;
import dev.quanta.planner.domain.InvalidInputException;
import dev.quanta.planner.domain.ModelShape;
import dev.quanta.planner.domain.Names;
import dev.quanta.planner.system.NotFoundException;
import dev.quanta.planner.system.UpstreamException;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.client.JdkClientHttpRequestFactory;
import org.springframework.stereotype.Component;
import org.springframework.web.client.HttpClientErrorException;
import org.springframework.web.client.RestClient;
import org.springframework.web.client.RestClientException;
import tools.jackson.databind.JsonNode;

/**
 * Reads model profiles from the registry over HTTP, with connect/read timeouts and a short TTL cache.
 * While the registry is down a cached profile is served even when stale; with nothing cached the caller
 * gets a 503 problem. An unknown key is a 404 listing the closest keys the registry knows.
 */
@Component
public class RegistryClient {

    private static final Logger log = LoggerFactory.getLogger(RegistryClient.class);
    private static final int SUGGESTION_PAGE_SIZE = 200;

    private record Cached<T>(T value, Instant fetchedAt) {}

    private final RestClient http;
    private final RegistryProperties properties;
    private final Clock clock;
    private final Map<String, Cached<ModelShape>> cache = new ConcurrentHashMap<>();
    private volatile Cached<List<String>> keys;

    @Autowired
    public RegistryClient(RestClient.Builder builder, RegistryProperties properties) {
        this(builder, properties, Clock.systemUTC());
    }

    RegistryClient(RestClient.Builder builder, RegistryProperties properties, Clock clock) {
        HttpClient client = HttpClient.newBuilder().connectTimeout(properties.connectTimeout())
                .version(HttpClient.Version.HTTP_1_1).build();
        JdkClientHttpRequestFactory factory = new JdkClientHttpRequestFactory(client);
        factory.setReadTimeout(properties.readTimeout());
        this.http = builder.clone().baseUrl(properties.url().toString()).requestFactory(factory).build();
        this.properties = properties;
        this.clock = clock;
    }

    /** The model {@code key}, from the cache while fresh. */
    public ModelShape model(String key) {
        if (key == null || key.isBlank()) {
            throw new InvalidInputException("model", "query parameter 'model' must not be blank");
        }
        Cached<ModelShape> cached = cache.get(key);
        if (cached != null && fresh(cached)) {
            return cached.value();
        }
        RegistryModel body;
        try {
            body = http.get().uri("/models/{key}", key).accept(MediaType.APPLICATION_JSON).retrieve()
                    .body(RegistryModel.class);
        } catch (HttpClientErrorException.NotFound e) {
            cache.remove(key);
            List<String> known = knownKeys();
            // NOTE: "Qwen-72B" or "qwen72b" name exactly one registry key once case and separators are
            // ignored; follow it rather than refuse (never twice: the resolved key is a known one).
            var spelledDifferently = Names.resolve(key, known).filter(k -> !k.equals(key));
            if (spelledDifferently.isPresent()) {
                return model(spelledDifferently.get());
            }
            throw new NotFoundException("model", "model", key, Names.closest(key, known, 3));
        } catch (HttpClientErrorException e) {
            throw new UpstreamException(HttpStatus.BAD_GATEWAY, "the registry refused GET /models/" + key + " with "
                    + e.getStatusCode().value(), e);
        } catch (RestClientException e) {
            if (cached != null) {
                log.warn("registry unreachable ({}); serving {} cached at {}", e.getMessage(), key, cached.fetchedAt());
                return cached.value();
            }
            throw unavailable(e);
        }
        if (body == null) {
            throw new UpstreamException(HttpStatus.BAD_GATEWAY, "the registry answered GET /models/" + key
                    + " without a body", null);
        }
        ModelShape shape;
        try {
            shape = body.toShape();
        } catch (InvalidInputException e) {
            throw new UpstreamException(HttpStatus.BAD_GATEWAY, "the registry's profile of " + key
                    + " cannot be planned: " + e.getMessage(), e);
        }
        if (cache.size() >= properties.cacheMaxEntries()) {
            evictOne();
        }
        cache.put(key, new Cached<>(shape, clock.instant()));
        return shape;
    }

    /** Model keys the registry knows (first page of up to 200), cached like profiles; empty when unreachable. */
    List<String> knownKeys() {
        Cached<List<String>> cached = keys;
        if (cached != null && fresh(cached)) {
            return cached.value();
        }
        try {
            JsonNode page = http.get()
                    .uri(b -> b.path("/models").queryParam("page", 0).queryParam("size", SUGGESTION_PAGE_SIZE).build())
                    .accept(MediaType.APPLICATION_JSON).retrieve().body(JsonNode.class);
            List<String> found = new ArrayList<>();
            for (JsonNode item : items(page)) {
                JsonNode key = item.get("key");
                if (key != null && key.isString()) {
                    found.add(key.asString());
                }
            }
            keys = new Cached<>(List.copyOf(found), clock.instant());
            return keys.value();
        } catch (RestClientException e) {
            log.warn("could not list registry models for suggestions: {}", e.getMessage());
            return cached == null ? List.of() : cached.value();
        }
    }

    /** The items of a page: a bare array, or the array under content/items/models/data. */
    private static Iterable<JsonNode> items(JsonNode page) {
        if (page == null) {
            return List.of();
        }
        if (page.isArray()) {
            return page;
        }
        for (String field : List.of("content", "items", "models", "data")) {
            JsonNode node = page.get(field);
            if (node != null && node.isArray()) {
                return node;
            }
        }
        return List.of();
    }

    private boolean fresh(Cached<?> cached) {
        return cached.fetchedAt().plus(properties.cacheTtl()).isAfter(clock.instant());
    }

    private void evictOne() {
        Iterator<Map.Entry<String, Cached<ModelShape>>> it = cache.entrySet().iterator();
        Map.Entry<String, Cached<ModelShape>> oldest = null;
        while (it.hasNext()) {
            Map.Entry<String, Cached<ModelShape>> e = it.next();
            if (oldest == null || e.getValue().fetchedAt().isBefore(oldest.getValue().fetchedAt())) {
                oldest = e;
            }
        }
        if (oldest != null) {
            cache.remove(oldest.getKey());
        }
    }

    private UpstreamException unavailable(RestClientException e) {
        String why = e instanceof org.springframework.web.client.HttpServerErrorException s
                ? "answered " + s.getStatusCode().value() : "is unreachable (" + e.getClass().getSimpleName() + ")";
        return new UpstreamException(HttpStatus.SERVICE_UNAVAILABLE, "the model registry at " + properties.url() + " "
                + why + " and no cached profile is available", e);
    }
}
