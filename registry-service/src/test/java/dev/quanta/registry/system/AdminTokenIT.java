package dev.quanta.registry.system;

import static dev.quanta.registry.Problems.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

import dev.quanta.registry.HttpApi;
import dev.quanta.registry.HttpApi.Response;
import dev.quanta.registry.RegistryITSupport;
import java.net.http.HttpRequest;
import org.junit.jupiter.api.Test;

class AdminTokenIT extends RegistryITSupport {

    @Test
    void writeWithoutTokenIs401AndWritesNothing() {
        Response r = api.write("POST", "/models", profileJson("tok-none", "llama", "llama"), null);
        assertProblem(r, 401, "unauthorized");
        assertThat(r.header("WWW-Authenticate")).startsWith("Bearer");
        assertThat(api.get("/models/tok-none").status()).isEqualTo(404);
    }

    @Test
    void writeWithWrongTokenIs403AndWritesNothing() {
        assertProblem(api.write("POST", "/models", profileJson("tok-wrong", "llama", "llama"), "nope"), 403,
                "forbidden");
        assertProblem(api.write("POST", "/models", profileJson("tok-wrong", "llama", "llama"),
                HttpApi.ADMIN_TOKEN + "x"), 403, "forbidden");
        assertThat(api.get("/models/tok-wrong").status()).isEqualTo(404);
    }

    @Test
    void everyWriteVerbNeedsTheToken() {
        assertThat(api.write("PUT", "/models/llama-7b", "{}", null).status()).isEqualTo(401);
        assertThat(api.send(HttpRequest.newBuilder(api.uri("/models/llama-7b")).DELETE()).status()).isEqualTo(401);
        assertThat(api.write("PUT", "/workers/w-tok", "{}", null).status()).isEqualTo(401);
        assertThat(api.write("POST", "/models:import", "{}", null).status()).isEqualTo(401);
        assertThat(api.write("POST", "/models/llama-7b/artifacts", "{}", null).status()).isEqualTo(401);
        assertThat(api.get("/models/llama-7b").status()).isEqualTo(200);
    }

    @Test
    void nonBearerSchemeIs401() {
        Response r = api.send(HttpRequest.newBuilder(api.uri("/models"))
                .POST(HttpRequest.BodyPublishers.ofString(profileJson("tok-basic", "llama", "llama")))
                .header("Content-Type", "application/json")
                .header("Authorization", "Basic " + HttpApi.ADMIN_TOKEN));
        assertProblem(r, 401, "unauthorized");
    }

    @Test
    void readsAreOpen() {
        assertThat(api.get("/models").status()).isEqualTo(200);
        assertThat(api.get("/models/qwen-72b").status()).isEqualTo(200);
        assertThat(api.get("/workers").status()).isEqualTo(200);
    }
}
