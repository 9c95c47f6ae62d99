package dev.quanta.gateway.routing;

import java.util.Objects;

/**
 * One inference worker as the gateway knows it: a stable id (the registry lease id, or the URL for a static
 * worker), the model it serves and where it answers. Pure value, no Spring.
 */
public record Worker(String id, String model, String baseUrl) {
    public Worker {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(baseUrl, "baseUrl");
        baseUrl = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
    }
}
