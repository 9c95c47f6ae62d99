package dev.quanta.gateway.ollama;

import dev.quanta.gateway.config.GatewayProperties;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;

/**
 * What the registry knows of a model, for Ollama's {@code details} (family, parameter size, quantization,
 * file size and digest): {@code GET /models/{key}} and its first artifact, cached for 30 s. A model the
 * registry does not know (a static worker, a registry that is down) gets empty details, never invented ones.
 */
@Component
class ModelCatalog {

    /** Registry facts; strings empty and numbers 0 when unknown. */
    record Facts(String family, String architecture, double parametersBillions, int contextLength, String quantType,
            long sizeBytes, String sha256) {
        static final Facts UNKNOWN = new Facts("", "", 0, 0, "", 0, "");
    }

    private record Cached(Facts facts, long atNanos) {}

    private static final long TTL_NANOS = Duration.ofSeconds(30).toNanos();

    private final String registry;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final Map<String, Cached> cache = new ConcurrentHashMap<>();

    ModelCatalog(GatewayProperties properties) {
        String url = properties.platform().registryUrl();
        this.registry = url == null ? "" : url.replaceAll("/+$", "");
    }

    Facts facts(String model) {
        Cached cached = cache.get(model);
        if (cached != null && System.nanoTime() - cached.atNanos() < TTL_NANOS) {
            return cached.facts();
        }
        Facts facts = load(model);
        cache.put(model, new Cached(facts, System.nanoTime()));
        return facts;
    }

    private Facts load(String model) {
        if (registry.isEmpty() || !model.matches("[A-Za-z0-9._-]+")) {
            return Facts.UNKNOWN;
        }
        JsonNode profile = get("/models/" + model);
        if (profile == null) {
            return Facts.UNKNOWN;
        }
        JsonNode artifacts = get("/models/" + model + "/artifacts");
        JsonNode first = artifacts == null ? null
                : artifacts.isArray() ? artifacts.path(0) : artifacts.path("items").path(0);
        return new Facts(profile.path("family").asString(""), profile.path("architecture").asString(""),
                profile.path("parametersBillions").asDouble(0), profile.path("contextLength").asInt(0),
                first == null ? "" : first.path("quantType").asString(""),
                first == null ? 0 : first.path("sizeBytes").asLong(0),
                first == null ? "" : first.path("sha256").asString(""));
    }

    private JsonNode get(String path) {
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(registry + path))
                    .timeout(Duration.ofSeconds(2)).GET().build(), HttpResponse.BodyHandlers.ofString());
            return r.statusCode() == 200 ? OllamaTranslation.JSON.readTree(r.body()) : null;
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            return null;
        }
    }
}
