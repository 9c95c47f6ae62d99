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
 * @param importConcurrency imports ({@code POST /imports}) hashed at the same time (default 2)
 * @param importQueue imports waiting beyond those; one more is refused with 503 (default 16)
 */
@ConfigurationProperties("quanta.registry")
public record RegistryProperties(
        @DefaultValue("./models") Path modelsDir,
        @DefaultValue("30s") Duration leaseTtl,
        @DefaultValue("200") int maxPageSize,
        @DefaultValue("2") int importConcurrency,
        @DefaultValue("16") int importQueue) {

    public RegistryProperties {
        if (leaseTtl.isNegative() || leaseTtl.isZero()) {
            throw new IllegalArgumentException("quanta.registry.lease-ttl must be positive, got " + leaseTtl);
        }
        if (importConcurrency <= 0 || importQueue < 0) {
            throw new IllegalArgumentException("quanta.registry.import-concurrency must be positive and "
                    + "quanta.registry.import-queue not negative, got " + importConcurrency + " and " + importQueue);
        }
        if (maxPageSize <= 0) {
            throw new IllegalArgumentException("quanta.registry.max-page-size must be positive, got " + maxPageSize);
        }
    }
}
