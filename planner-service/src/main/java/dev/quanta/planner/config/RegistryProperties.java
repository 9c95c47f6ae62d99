package dev.quanta.planner.config;

import java.net.URI;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code quanta.registry.*}: where and how the planner reads model profiles.
 *
 * @param url registry base URL ({@code QUANTA_REGISTRY_URL}, default http://127.0.0.1:8081)
 * @param connectTimeout TCP connect timeout (default 1 s)
 * @param readTimeout whole-response timeout (default 3 s)
 * @param cacheTtl how long a fetched profile is reused before asking again (default 60 s)
 * @param cacheMaxEntries most profiles kept (default 1000)
 */
@ConfigurationProperties("quanta.registry")
public record RegistryProperties(
        @DefaultValue("http://127.0.0.1:8081") URI url,
        @DefaultValue("1s") Duration connectTimeout,
        @DefaultValue("3s") Duration readTimeout,
        @DefaultValue("60s") Duration cacheTtl,
        @DefaultValue("1000") int cacheMaxEntries) {
}
