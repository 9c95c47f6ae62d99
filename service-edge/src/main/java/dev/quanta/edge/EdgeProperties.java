package dev.quanta.edge;

import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The web edge of a Quanta service ({@code quanta.edge.*}). Credential lists take entries
 * {@code [name=]secret} or {@code [name=]sha256:<64 hex>} (see {@code CredentialStore}); a comma-separated
 * string binds as a list, so {@code admin-tokens: ${QUANTA_ADMIN_TOKEN:}} works.
 *
 * @param realm the realm named in {@code WWW-Authenticate} (default {@code quanta}; services set their name)
 * @param adminTokens credentials of role ADMIN: every write, metrics, API docs (default none: writes refused)
 * @param workerTokens credentials of role WORKER, each named by its worker id: that worker's lease only
 * @param apiKeys credentials of role API_KEY (the gateway's clients); the name identifies the key
 * @param metricsTokens credentials of role METRICS: the actuator's endpoints only (a Prometheus scraper)
 * @param maxBodyBytes largest request body in bytes (default 65536); a larger one gets 413
 * @param anonymousReads whether GET/HEAD/OPTIONS of the service's own routes are open without a credential
 *     (default true; the gateway sets false)
 * @param publicApiDocs whether the OpenAPI document and Swagger UI are open (default false: ADMIN only)
 */
@ConfigurationProperties("quanta.edge")
public record EdgeProperties(
        @DefaultValue("quanta") String realm,
        @DefaultValue List<String> adminTokens,
        @DefaultValue List<String> workerTokens,
        @DefaultValue List<String> apiKeys,
        @DefaultValue List<String> metricsTokens,
        @DefaultValue("65536") long maxBodyBytes,
        @DefaultValue("true") boolean anonymousReads,
        @DefaultValue("false") boolean publicApiDocs) {

    public EdgeProperties {
        if (maxBodyBytes <= 0) {
            throw new IllegalArgumentException("quanta.edge.max-body-bytes must be positive, got " + maxBodyBytes);
        }
        if (realm == null || !realm.matches("[A-Za-z0-9._-]{1,64}")) {
            throw new IllegalArgumentException("quanta.edge.realm must be 1-64 letters, digits, '.', '_' or '-'");
        }
    }

    /** Never prints the credentials. */
    @Override
    public String toString() {
        return "EdgeProperties[realm=" + realm + ", adminTokens=" + adminTokens.size() + ", workerTokens="
                + workerTokens.size() + ", apiKeys=" + apiKeys.size() + ", metricsTokens=" + metricsTokens.size()
                + ", maxBodyBytes=" + maxBodyBytes + ", anonymousReads=" + anonymousReads + ", publicApiDocs="
                + publicApiDocs + "]";
    }
}
