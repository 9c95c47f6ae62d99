package dev.quanta.registry.artifact;

import static dev.quanta.registry.Problems.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

import dev.quanta.registry.HttpApi.Response;
import dev.quanta.registry.RegistryITSupport;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

class ArtifactApiIT extends RegistryITSupport {

    private static final String SHA = "0123456789abcdef".repeat(4);

    private static String artifact(String location, String extra) {
        return """
                {"format":"GGUF","quantType":"Q4_K_M","sizeBytes":4683073952,"sha256":"%s","location":"%s"%s}"""
                .formatted(SHA, location, extra);
    }

    @Test
    void artifactsAreAddedAndListedWithNullableQuality() {
        api.post("/models", profileJson("art-a", "qwen", "qwen2"));
        Response plain = api.post("/models/art-a/artifacts", artifact("art-a-q4.gguf", ""));
        assertThat(plain.status()).isEqualTo(201);
        assertThat(plain.header("Location")).isEqualTo("/models/art-a/artifacts/" + plain.json().get("id").asLong());
        Response measured = api.post("/models/art-a/artifacts", artifact("art-a-q8.gguf",
                ",\"perplexity\":6.12,\"klDivergence\":0.0031,\"sameTopTokenRate\":0.987"));
        assertThat(measured.status()).isEqualTo(201);

        Response list = api.get("/models/art-a/artifacts");
        assertThat(list.status()).isEqualTo(200);
        assertThat(list.json().size()).isEqualTo(2);
        JsonNode first = list.json().get(0);
        assertThat(first.get("modelKey").asString()).isEqualTo("art-a");
        assertThat(first.get("format").asString()).isEqualTo("GGUF");
        assertThat(first.get("quantType").asString()).isEqualTo("Q4_K_M");
        assertThat(first.get("sizeBytes").asLong()).isEqualTo(4683073952L);
        assertThat(first.get("sha256").asString()).isEqualTo(SHA);
        assertThat(first.get("perplexity").isNull()).isTrue();
        assertThat(first.get("klDivergence").isNull()).isTrue();
        assertThat(first.get("sameTopTokenRate").isNull()).isTrue();
        JsonNode second = list.json().get(1);
        assertThat(second.get("perplexity").asDouble()).isEqualTo(6.12);
        assertThat(second.get("klDivergence").asDouble()).isEqualTo(0.0031);
        assertThat(second.get("sameTopTokenRate").asDouble()).isEqualTo(0.987);

        Response one = api.get(plain.header("Location"));
        assertThat(one.json().get("location").asString()).isEqualTo("art-a-q4.gguf");
    }

    @Test
    void artifactOfAnUnknownModelIs404() {
        assertProblem(api.post("/models/art-nobody/artifacts", artifact("x.gguf", "")), 404, "not-found");
        assertProblem(api.get("/models/art-nobody/artifacts"), 404, "not-found");
        assertProblem(api.get("/models/llama-7b/artifacts/999999999"), 404, "not-found");
    }

    @Test
    void sameLocationTwiceIs409() {
        api.post("/models", profileJson("art-dup", "qwen", "qwen2"));
        assertThat(api.post("/models/art-dup/artifacts", artifact("same.gguf", "")).status()).isEqualTo(201);
        Response dup = api.post("/models/art-dup/artifacts", artifact("same.gguf", ""));
        assertProblem(dup, 409, "duplicate");
        assertThat(dup.text("field")).isEqualTo("location");
        assertThat(api.get("/models/art-dup/artifacts").json().size()).isEqualTo(1);
    }

    @Test
    void invalidArtifactFieldsAreNamed() {
        api.post("/models", profileJson("art-bad", "qwen", "qwen2"));
        Response r = api.post("/models/art-bad/artifacts", """
                {"format":"gguf","quantType":"Q4_K_M","sizeBytes":-1,"sha256":"XYZ","location":"",
                 "sameTopTokenRate":1.5}""");
        assertProblem(r, 400, "validation");
        assertThat(r.json().findValuesAsString("field")).contains("format", "sizeBytes", "sha256", "location",
                "sameTopTokenRate");
        assertThat(api.get("/models/art-bad/artifacts").json().size()).isZero();
    }
}
