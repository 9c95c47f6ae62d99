package dev.quanta.registry.worker;

import static dev.quanta.registry.Problems.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

import dev.quanta.registry.HttpApi.Response;
import dev.quanta.registry.RegistryITSupport;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Leases over HTTP; expiry is driven by the test clock, not by sleeping. */
class WorkerLeaseIT extends RegistryITSupport {

    private static String lease(String model, String url, int capacity) {
        return """
                {"modelKey":"%s","baseUrl":"%s","capacity":%d}""".formatted(model, url, capacity);
    }

    private List<String> liveIds(String model) {
        Response r = api.get(model == null ? "/workers" : "/workers?model=" + model);
        assertThat(r.status()).isEqualTo(200);
        return r.json().findValuesAsString("id");
    }

    @Test
    void putCreatesThenRenewsTheLease() {
        Response created = api.put("/workers/w-create", lease("lease-model-a", "http://10.0.0.1:8090", 4));
        assertThat(created.status()).isEqualTo(201);
        assertThat(created.json().get("ttlSeconds").asLong()).isEqualTo(30);
        Instant expires = Instant.parse(created.text("expiresAt"));
        assertThat(Duration.between(Instant.parse(created.text("renewedAt")), expires)).isEqualTo(Duration.ofSeconds(30));

        clock.advance(Duration.ofSeconds(10));
        Response renewed = api.put("/workers/w-create", lease("lease-model-a", "http://10.0.0.1:8091", 8));
        assertThat(renewed.status()).isEqualTo(200);
        assertThat(Instant.parse(renewed.text("expiresAt"))).isAfter(expires);
        assertThat(renewed.json().get("capacity").asInt()).isEqualTo(8);
        assertThat(renewed.text("baseUrl")).isEqualTo("http://10.0.0.1:8091");
        assertThat(liveIds("lease-model-a")).containsExactly("w-create");
    }

    @Test
    void listingFiltersByModel() {
        api.put("/workers/w-filter-1", lease("lease-model-b", "http://10.0.0.2:8090", 1));
        api.put("/workers/w-filter-2", lease("lease-model-b", "http://10.0.0.3:8090", 1));
        api.put("/workers/w-filter-3", lease("lease-model-c", "http://10.0.0.4:8090", 1));
        assertThat(liveIds("lease-model-b")).containsExactly("w-filter-1", "w-filter-2");
        assertThat(liveIds("lease-model-c")).containsExactly("w-filter-3");
        assertThat(liveIds(null)).contains("w-filter-1", "w-filter-2", "w-filter-3");
        assertThat(liveIds("lease-model-none")).isEmpty();
    }

    @Test
    void lapsedLeaseVanishesFromListingsUntilRenewed() {
        api.put("/workers/w-lapse", lease("lease-model-d", "http://10.0.0.5:8090", 2));
        clock.advance(Duration.ofSeconds(29));
        assertThat(liveIds("lease-model-d")).containsExactly("w-lapse");
        clock.advance(Duration.ofSeconds(2));
        assertThat(liveIds("lease-model-d")).isEmpty();
        assertThat(liveIds(null)).doesNotContain("w-lapse");

        Response back = api.put("/workers/w-lapse", lease("lease-model-d", "http://10.0.0.5:8090", 2));
        assertThat(back.status()).isIn(200, 201);
        assertThat(liveIds("lease-model-d")).containsExactly("w-lapse");
    }

    @Test
    void releaseRemovesTheLeaseAtOnce() {
        api.put("/workers/w-release", lease("lease-model-e", "http://10.0.0.6:8090", 2));
        assertThat(api.delete("/workers/w-release").status()).isEqualTo(204);
        assertThat(liveIds("lease-model-e")).isEmpty();
        assertProblem(api.delete("/workers/w-release"), 404, "not-found");
    }

    @Test
    void invalidLeasesAreRefusedNamingTheField() {
        Response badUrl = api.put("/workers/w-bad", lease("lease-model-f", "ftp://x", 2));
        assertProblem(badUrl, 400, "validation");
        assertThat(badUrl.text("field")).isEqualTo("baseUrl");
        Response badCapacity = api.put("/workers/w-bad", lease("lease-model-f", "http://x:1", 0));
        assertThat(badCapacity.text("field")).isEqualTo("capacity");
        Response badId = api.put("/workers/-bad%20id", lease("lease-model-f", "http://x:1", 2));
        assertProblem(badId, 400, "validation");
        assertThat(badId.text("field")).isEqualTo("id");
        assertThat(liveIds("lease-model-f")).isEmpty();
    }
}
