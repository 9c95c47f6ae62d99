package dev.quanta.registry.system;

import java.nio.file.Path;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Typed configuration of the registry ({@code quanta.registry.*}); defaults also in {@code application.yml}.
 *
 * @param adminToken bearer token required on every write; blank (the default when
 *     {@code QUANTA_ADMIN_TOKEN} is unset) refuses all writes with 403
 * @param modelsDir directory {@code POST /models:import} may read from ({@code QUANTA_MODELS_DIR}, default
 *     {@code ./models})
 * @param leaseTtl how long a worker lease lives after its last renewal (default 30 s)
 * @param maxBodyBytes largest request body accepted, in bytes (default 64 KiB); larger gets 413
 * @param maxPageSize largest page size a listing accepts (default 200)
 */
@ConfigurationProperties("quanta.registry")
public record RegistryProperties(
        @DefaultValue("") String adminToken,
        @DefaultValue("./models") Path modelsDir,
        @DefaultValue("30s") Duration leaseTtl,
        @DefaultValue("65536") long maxBodyBytes,
        @DefaultValue("200") int maxPageSize) {

    public RegistryProperties {
        if (leaseTtl.isNegative() || leaseTtl.isZero()) {
            throw new IllegalArgumentException("quanta.registry.lease-ttl must be positive, got " + leaseTtl);
        }
        if (maxBodyBytes <= 0) {
            throw new IllegalArgumentException("quanta.registry.max-body-bytes must be positive, got " + maxBodyBytes);
        }
        if (maxPageSize <= 0) {
            throw new IllegalArgumentException("quanta.registry.max-page-size must be positive, got " + maxPageSize);
        }
    }

    /** Whether writes are possible at all (a non-blank admin token is configured). */
    public boolean writesEnabled() {
        return adminToken != null && !adminToken.isBlank();
    }
}
