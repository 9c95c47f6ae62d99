package dev.quanta.registry;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quanta.registry.HttpApi.Response;

/** Assertions on RFC 9457 problem details. */
public final class Problems {

    private Problems() {}

    /** {@code r} is an application/problem+json of {@code status} with type {@code https://quanta.dev/problems/<type>}. */
    public static void assertProblem(Response r, int status, String type) {
        assertThat(r.status()).as(r.raw().body()).isEqualTo(status);
        assertThat(r.contentType()).startsWith("application/problem+json");
        assertThat(r.text("type")).isEqualTo("https://quanta.dev/problems/" + type);
        assertThat(r.json().get("status").asInt()).isEqualTo(status);
        assertThat(r.text("title")).isNotBlank();
        assertThat(r.text("detail")).isNotBlank();
    }
}
