package dev.quanta.registry.system;

import java.nio.file.Path;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Typed configuration of the registry ({@code quanta.registry.*}); defaults also in {@code application.yml}.
 * Credentials, body limit and problem types are the shared edge's ({@code quanta.edge.*}).
 *
 * @param modelsDir directory {@code POST /models:import} may read from ({@code QUANTA_MODELS_DIR}, default
 *     {@code ./models})
 * @param leaseTtl how long a worker lease lives after its last renewal (default 30 s)
 * @param maxPageSize largest page size a listing accepts (default 200)
 */
@ConfigurationProperties("quanta.registry")
public record RegistryProperties(
        @DefaultValue("./models") Path modelsDir,
        @DefaultValue("30s") Duration leaseTtl,
        @DefaultValue("200") int maxPageSize) {

    public RegistryProperties {
        if (leaseTtl.isNegative() || leaseTtl.isZero()) {
            throw new IllegalArgumentException("quanta.registry.lease-ttl must be positive, got " + leaseTtl);
        }
        if (maxPageSize <= 0) {
            throw new IllegalArgumentException("quanta.registry.max-page-size must be positive, got " + maxPageSize);
        }
    }
}
