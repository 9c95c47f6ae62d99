package dev.quanta.registry.artifact;

import static dev.quanta.registry.Problems.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

import dev.quanta.registry.HttpApi;
import dev.quanta.registry.HttpApi.Response;
import dev.quanta.registry.RegistryITSupport;
import org.junit.jupiter.api.Test;

/** An artifact receives its measured quality and speed after creation (it could not before). */
class ArtifactQualityIT extends RegistryITSupport {

    private static final String SHA = "89abcdef01234567".repeat(4);

    private long newArtifact(String model) {
        api.post("/models", profileJson(model, "llama", "llama"));
        Response created = api.post("/models/" + model + "/artifacts", """
                {"format":"GGUF","quantType":"Q4_0","sizeBytes":1000,"sha256":"%s","location":"%s.gguf"}"""
                .formatted(SHA, model));
        assertThat(created.status()).as(created.raw().body()).isEqualTo(201);
        assertThat(created.json().get("perplexity").isNull()).isTrue();
        return created.json().get("id").asLong();
    }

    @Test
    void reportsQualityAndSpeedAfterCreation() {
        long id = newArtifact("qual-a");

        Response r = api.put("/models/qual-a/artifacts/" + id + "/quality", """
                {"perplexity":7.25,"klDivergence":0.031,"sameTopTokenRate":0.94,
                 "decodeTokensPerSecond":21.5,"promptTokensPerSecond":160.25,"measuredOn":"cpu-avx512-2c"}""");

        assertThat(r.status()).as(r.raw().body()).isEqualTo(200);
        Response stored = api.get("/models/qual-a/artifacts/" + id);
        assertThat(stored.json().get("perplexity").asDouble()).isEqualTo(7.25);
        assertThat(stored.json().get("klDivergence").asDouble()).isEqualTo(0.031);
        assertThat(stored.json().get("sameTopTokenRate").asDouble()).isEqualTo(0.94);
        assertThat(stored.json().get("decodeTokensPerSecond").asDouble()).isEqualTo(21.5);
        assertThat(stored.json().get("promptTokensPerSecond").asDouble()).isEqualTo(160.25);
        assertThat(stored.text("measuredOn")).isEqualTo("cpu-avx512-2c");
        assertThat(stored.text("sha256")).isEqualTo(SHA);
    }

    @Test
    void aLaterReportReplacesTheEarlierOne() {
        long id = newArtifact("qual-b");
        api.put("/models/qual-b/artifacts/" + id + "/quality", "{\"perplexity\":9.5,\"klDivergence\":0.2}");

        api.put("/models/qual-b/artifacts/" + id + "/quality", "{\"perplexity\":8.5}");

        Response stored = api.get("/models/qual-b/artifacts/" + id);
        assertThat(stored.json().get("perplexity").asDouble()).isEqualTo(8.5);
        assertThat(stored.json().get("klDivergence").isNull()).isTrue();
    }

    @Test
    void rejectsImpossibleMeasurementsNamingTheField() {
        long id = newArtifact("qual-c");
        String path = "/models/qual-c/artifacts/" + id + "/quality";

        Response rate = api.put(path, "{\"sameTopTokenRate\":1.5}");
        assertProblem(rate, 400, "validation");
        assertThat(rate.text("field")).isEqualTo("sameTopTokenRate");
        Response speed = api.put(path, "{\"decodeTokensPerSecond\":20}");
        assertProblem(speed, 400, "validation");
        assertThat(speed.text("field")).isEqualTo("measuredOn");
        assertProblem(api.put(path, "{\"perplexity\":-1}"), 400, "validation");
        assertThat(api.get("/models/qual-c/artifacts/" + id).json().get("perplexity").isNull()).isTrue();
    }

    @Test
    void unknownArtifactIs404() {
        newArtifact("qual-d");
        assertProblem(api.put("/models/qual-d/artifacts/999999/quality", "{\"perplexity\":7}"), 404, "not-found");
        assertProblem(api.put("/models/qual-none/artifacts/1/quality", "{\"perplexity\":7}"), 404, "not-found");
    }

    @Test
    void onlyTheAdminReportsQuality() {
        long id = newArtifact("qual-e");
        String path = "/models/qual-e/artifacts/" + id + "/quality";
        assertProblem(api.write("PUT", path, "{\"perplexity\":7}", null), 401, "unauthorized");
        assertProblem(api.write("PUT", path, "{\"perplexity\":7}", HttpApi.WORKER_TOKEN), 403, "forbidden");
        assertThat(api.get("/models/qual-e/artifacts/" + id).json().get("perplexity").isNull()).isTrue();
    }
}
