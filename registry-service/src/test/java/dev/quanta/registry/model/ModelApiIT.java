package dev.quanta.registry.model;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quanta.registry.HttpApi.Response;
import dev.quanta.registry.RegistryITSupport;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

class ModelApiIT extends RegistryITSupport {

    @Test
    void createdProfileCanBeReadBackWithDerivedFields() {
        Response created = api.post("/models", profileJson("crud-a", "testfam", "qwen2"));
        assertThat(created.status()).isEqualTo(201);
        assertThat(created.header("Location")).isEqualTo("/models/crud-a");
        assertThat(created.header("ETag")).isEqualTo("\"0\"");

        Response read = api.get("/models/crud-a");
        assertThat(read.status()).isEqualTo(200);
        JsonNode m = read.json();
        assertThat(m.get("key").asString()).isEqualTo("crud-a");
        assertThat(m.get("name").asString()).isEqualTo("Test crud-a");
        assertThat(m.get("family").asString()).isEqualTo("testfam");
        assertThat(m.get("architecture").asString()).isEqualTo("qwen2");
        assertThat(m.get("parametersBillions").asDouble()).isEqualTo(1.5);
        assertThat(m.get("fp16MemoryGb").asDouble()).as("params x 2 when absent").isEqualTo(3.0);
        assertThat(m.get("layers").asInt()).isEqualTo(28);
        assertThat(m.get("hiddenSize").asInt()).isEqualTo(1536);
        assertThat(m.get("attentionHeads").asInt()).isEqualTo(12);
        assertThat(m.get("kvHeads").asInt()).isEqualTo(2);
        assertThat(m.get("headDim").asInt()).as("hidden / heads when absent").isEqualTo(128);
        assertThat(m.get("contextLength").asInt()).isEqualTo(32768);
        assertThat(m.get("vocabSize").asInt()).isEqualTo(151936);
        assertThat(m.get("version").asLong()).isZero();
    }

    @Test
    void explicitFp16MemoryAndHeadDimAreKept() {
        String body = """
                {"key":"crud-explicit","name":"Explicit","family":"gemma","architecture":"gemma2",
                 "parametersBillions":9.24,"fp16MemoryGb":18.5,"layers":42,"hiddenSize":3584,"attentionHeads":16,
                 "kvHeads":8,"headDim":256,"contextLength":8192,"vocabSize":256000}""";
        assertThat(api.post("/models", body).status()).isEqualTo(201);
        JsonNode m = api.get("/models/crud-explicit").json();
        assertThat(m.get("fp16MemoryGb").asDouble()).isEqualTo(18.5);
        assertThat(m.get("headDim").asInt()).isEqualTo(256);
    }

    @Test
    void seededClassicProfilesHaveTheirPublishedShapes() {
        record Seed(String key, String name, double params, double fp16, int layers, int hidden, int heads, int kv,
                int ctx, int vocab) {}
        List<Seed> seeds = List.of(
                new Seed("llama-7b", "Llama-2-7B", 7, 14, 32, 4096, 32, 32, 4096, 32000),
                new Seed("llama-13b", "Llama-2-13B", 13, 26, 40, 5120, 40, 40, 4096, 32000),
                new Seed("llama-70b", "Llama-2-70B", 70, 140, 80, 8192, 64, 8, 4096, 32000),
                new Seed("qwen-7b", "Qwen2.5-7B", 7, 14, 28, 3584, 28, 4, 131072, 152064),
                new Seed("qwen-72b", "Qwen2.5-72B", 72, 144, 80, 8192, 64, 8, 131072, 152064));
        for (Seed seed : seeds) {
            JsonNode m = api.get("/models/" + seed.key()).json();
            assertThat(m.get("name").asString()).isEqualTo(seed.name());
            assertThat(m.get("parametersBillions").asDouble()).isEqualTo(seed.params());
            assertThat(m.get("fp16MemoryGb").asDouble()).isEqualTo(seed.fp16());
            assertThat(m.get("layers").asInt()).isEqualTo(seed.layers());
            assertThat(m.get("hiddenSize").asInt()).isEqualTo(seed.hidden());
            assertThat(m.get("attentionHeads").asInt()).isEqualTo(seed.heads());
            assertThat(m.get("kvHeads").asInt()).isEqualTo(seed.kv());
            assertThat(m.get("headDim").asInt()).isEqualTo(seed.hidden() / seed.heads());
            assertThat(m.get("contextLength").asInt()).isEqualTo(seed.ctx());
            assertThat(m.get("vocabSize").asInt()).isEqualTo(seed.vocab());
        }
        for (String key : List.of("llama-3.1-8b", "llama-3.1-70b", "llama-3.2-1b", "llama-3.2-3b", "qwen2.5-0.5b",
                "qwen2.5-1.5b", "qwen2.5-32b", "mistral-7b", "smollm2-135m", "smollm2-360m", "smollm2-1.7b")) {
            assertThat(api.get("/models/" + key).status()).as(key).isEqualTo(200);
        }
    }

    @Test
    void listingPagesThroughAllProfilesInKeyOrder() {
        Response first = api.get("/models?page=0&size=5");
        assertThat(first.status()).isEqualTo(200);
        long total = first.json().get("totalElements").asLong();
        assertThat(total).isGreaterThanOrEqualTo(16);
        assertThat(first.json().get("size").asInt()).isEqualTo(5);
        assertThat(first.json().get("totalPages").asInt()).isEqualTo((int) ((total + 4) / 5));

        List<String> keys = new ArrayList<>();
        for (int page = 0; page < first.json().get("totalPages").asInt(); page++) {
            Response r = api.get("/models?page=" + page + "&size=5");
            assertThat(r.json().get("page").asInt()).isEqualTo(page);
            r.json().get("items").forEach(item -> keys.add(item.get("key").asString()));
        }
        assertThat(keys).hasSize((int) total).doesNotHaveDuplicates().isSorted();
        assertThat(api.get("/models").json().get("size").asInt()).as("default page size").isEqualTo(20);
    }

    @Test
    void listingFiltersByFamilyAndArchitecture() {
        api.post("/models", profileJson("filter-a", "filterfam", "archx"));
        api.post("/models", profileJson("filter-b", "filterfam", "archy"));
        api.post("/models", profileJson("filter-c", "otherfam", "archx"));

        assertThat(keys(api.get("/models?family=filterfam&size=50"))).containsExactly("filter-a", "filter-b");
        assertThat(keys(api.get("/models?architecture=archx&size=50"))).containsExactly("filter-a", "filter-c");
        assertThat(keys(api.get("/models?family=FilterFam&architecture=ARCHY"))).as("case-insensitive")
                .containsExactly("filter-b");
        assertThat(keys(api.get("/models?family=qwen&size=50"))).contains("qwen-7b", "qwen-72b", "qwen2.5-32b")
                .allMatch(key -> key.startsWith("qwen"));
        assertThat(keys(api.get("/models?family=nosuchfamily"))).isEmpty();
    }

    @Test
    void updateWithTheCurrentVersionReplacesFieldsAndBumpsTheVersion() {
        api.post("/models", profileJson("upd-ok", "testfam", "qwen2"));
        Response updated = api.put("/models/upd-ok", updateJson("Renamed", 0));
        assertThat(updated.status()).isEqualTo(200);
        assertThat(updated.json().get("version").asLong()).isEqualTo(1);
        assertThat(updated.header("ETag")).isEqualTo("\"1\"");
        JsonNode m = api.get("/models/upd-ok").json();
        assertThat(m.get("name").asString()).isEqualTo("Renamed");
        assertThat(m.get("layers").asInt()).isEqualTo(30);
        assertThat(m.get("version").asLong()).isEqualTo(1);
    }

    @Test
    void updateWithAStaleVersionGets409AndChangesNothing() {
        api.post("/models", profileJson("upd-stale", "testfam", "qwen2"));
        assertThat(api.put("/models/upd-stale", updateJson("First", 0)).status()).isEqualTo(200);

        Response stale = api.put("/models/upd-stale", updateJson("Second", 0));
        assertThat(stale.status()).isEqualTo(409);
        assertThat(stale.contentType()).startsWith("application/problem+json");
        assertThat(stale.text("type")).isEqualTo("https://quanta.dev/problems/stale-version");
        assertThat(stale.text("field")).isEqualTo("version");
        assertThat(api.get("/models/upd-stale").json().get("name").asString()).isEqualTo("First");
    }

    @Test
    void ifMatchHeaderCarriesTheVersionAndWinsOverTheBody() {
        api.post("/models", profileJson("upd-etag", "testfam", "qwen2"));
        String etag = api.get("/models/upd-etag").header("ETag");
        Response ok = api.send(java.net.http.HttpRequest.newBuilder(api.uri("/models/upd-etag"))
                .PUT(java.net.http.HttpRequest.BodyPublishers.ofString(updateJson("Via etag", 99)))
                .header("Content-Type", "application/json").header("If-Match", etag)
                .header("Authorization", "Bearer " + dev.quanta.registry.HttpApi.ADMIN_TOKEN));
        assertThat(ok.status()).isEqualTo(200);
        Response stale = api.send(java.net.http.HttpRequest.newBuilder(api.uri("/models/upd-etag"))
                .PUT(java.net.http.HttpRequest.BodyPublishers.ofString(updateJson("Again", 1)))
                .header("Content-Type", "application/json").header("If-Match", etag)
                .header("Authorization", "Bearer " + dev.quanta.registry.HttpApi.ADMIN_TOKEN));
        assertThat(stale.status()).isEqualTo(409);
    }

    @Test
    void unchangedProfileAnswers304ToIfNoneMatch() {
        String etag = api.get("/models/qwen-7b").header("ETag");
        Response cached = api.send(java.net.http.HttpRequest.newBuilder(api.uri("/models/qwen-7b")).GET()
                .header("If-None-Match", etag));
        assertThat(cached.status()).isEqualTo(304);
        Response changed = api.send(java.net.http.HttpRequest.newBuilder(api.uri("/models/qwen-7b")).GET()
                .header("If-None-Match", "\"12345\""));
        assertThat(changed.status()).isEqualTo(200);
    }

    @Test
    void updateWithoutAnyVersionIsAValidationError() {
        api.post("/models", profileJson("upd-nover", "testfam", "qwen2"));
        Response r = api.put("/models/upd-nover", updateJson("No version", null));
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.text("field")).isEqualTo("version");
    }

    @Test
    void concurrentUpdatesOfTheSameVersionLetExactlyOneThrough() throws Exception {
        api.post("/models", profileJson("upd-race", "testfam", "qwen2"));
        int writers = 6;
        CountDownLatch start = new CountDownLatch(1);
        List<Callable<Integer>> tasks = new ArrayList<>();
        for (int i = 0; i < writers; i++) {
            String body = updateJson("Writer " + i, 0);
            tasks.add(() -> {
                start.await();
                return api.put("/models/upd-race", body).status();
            });
        }
        List<Integer> statuses = new ArrayList<>();
        try (var pool = Executors.newFixedThreadPool(writers)) {
            List<Future<Integer>> futures = tasks.stream().map(pool::submit).toList();
            start.countDown();
            for (Future<Integer> f : futures) {
                statuses.add(f.get());
            }
        }
        assertThat(statuses).containsOnly(200, 409);
        assertThat(statuses.stream().filter(s -> s == 200).count()).isEqualTo(1);
        assertThat(api.get("/models/upd-race").json().get("version").asLong()).isEqualTo(1);
    }

    @Test
    void deleteRemovesTheProfileAndItsArtifacts() {
        api.post("/models", profileJson("del-a", "testfam", "qwen2"));
        assertThat(api.post("/models/del-a/artifacts", """
                {"format":"GGUF","quantType":"Q4_K_M","sizeBytes":10,"sha256":"%s","location":"del-a.gguf"}"""
                .formatted("a".repeat(64))).status()).isEqualTo(201);
        assertThat(api.delete("/models/del-a").status()).isEqualTo(204);
        assertThat(api.get("/models/del-a").status()).isEqualTo(404);
        assertThat(api.get("/models/del-a/artifacts").status()).isEqualTo(404);
        // re-creating the key starts from scratch: no artifacts left behind
        api.post("/models", profileJson("del-a", "testfam", "qwen2"));
        assertThat(api.get("/models/del-a/artifacts").json().size()).isZero();
    }

    @Test
    void unknownKeyGets404OnEveryVerb() {
        for (Response r : List.of(api.get("/models/no-such-model"), api.put("/models/no-such-model",
                updateJson("x", 0)), api.delete("/models/no-such-model"))) {
            assertThat(r.status()).isEqualTo(404);
            assertThat(r.contentType()).startsWith("application/problem+json");
            assertThat(r.text("type")).isEqualTo("https://quanta.dev/problems/not-found");
            assertThat(r.text("detail")).contains("no-such-model");
        }
    }

    @Test
    void duplicateKeyGets409AndKeepsTheOriginal() {
        assertThat(api.post("/models", profileJson("dup-a", "first", "qwen2")).status()).isEqualTo(201);
        Response dup = api.post("/models", profileJson("dup-a", "second", "qwen2"));
        assertThat(dup.status()).isEqualTo(409);
        assertThat(dup.contentType()).startsWith("application/problem+json");
        assertThat(dup.text("type")).isEqualTo("https://quanta.dev/problems/duplicate");
        assertThat(dup.text("field")).isEqualTo("key");
        assertThat(api.get("/models/dup-a").json().get("family").asString()).isEqualTo("first");
    }

    private static List<String> keys(Response r) {
        assertThat(r.status()).isEqualTo(200);
        List<String> keys = new ArrayList<>();
        r.json().get("items").forEach(item -> keys.add(item.get("key").asString()));
        return keys;
    }

    private static String updateJson(String name, Integer version) {
        return """
                {"name":"%s","family":"testfam","architecture":"qwen2","parametersBillions":1.5,
                 "layers":30,"hiddenSize":1536,"attentionHeads":12,"kvHeads":2,"contextLength":32768,
                 "vocabSize":151936%s}""".formatted(name, version == null ? "" : ",\"version\":" + version);
    }
}
