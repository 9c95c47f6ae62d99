package dev.quanta.registry.imports;

import static dev.quanta.registry.Problems.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.quanta.registry.HttpApi.Response;
import dev.quanta.registry.RegistryITSupport;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import tools.jackson.databind.JsonNode;

/**
 * Import of real GGUF files (the shared stories260K model in three encodings, copied into the models
 * directory), of corrupt ones made here, and of paths that must be refused.
 */
class ImportIT extends RegistryITSupport {

    private static Path sharedModels;

    @BeforeAll
    static void sharedModels() {
        String shared = System.getProperty("quanta.shared.dir");
        sharedModels = shared == null ? null : Path.of(shared, "models");
    }

    private static void assumeSharedModels() {
        assumeTrue(sharedModels != null && Files.isRegularFile(sharedModels.resolve("stories260K.gguf")),
                "shared models absent (system property quanta.shared.dir → ../shared/models): skipping GGUF import");
    }

    /** Copies a shared model into {@code dir} (relative to the models directory) and returns its relative path. */
    private static String copy(String fileName, String dir) throws IOException {
        assumeSharedModels();
        Path target = MODELS_DIR.resolve(dir).resolve(fileName);
        Files.createDirectories(target.getParent());
        Files.copy(sharedModels.resolve(fileName), target, StandardCopyOption.REPLACE_EXISTING);
        target.toFile().setWritable(true);
        return MODELS_DIR.relativize(target).toString();
    }

    @ParameterizedTest
    @CsvSource({"stories260K.gguf, F32", "stories260K-Q8_0.gguf, Q8_0", "stories260K-Q4_0.gguf, Q4_0"})
    void importsEachSharedFileWithItsShapeAndQuantType(String fileName, String quantType) throws Exception {
        String path = copy(fileName, "each");
        Response r = api.post("/models:import", "{\"path\":\"" + path + "\"}");
        assertThat(r.status()).as(r.raw().body()).isIn(200, 201);
        JsonNode model = r.json().get("model");
        assertThat(model.get("key").asString()).isEqualTo("stories260k");
        assertThat(model.get("architecture").asString()).isEqualTo("llama");
        assertThat(model.get("family").asString()).isEqualTo("llama");
        assertThat(model.get("layers").asInt()).isEqualTo(5);
        assertThat(model.get("hiddenSize").asInt()).isEqualTo(64);
        assertThat(model.get("attentionHeads").asInt()).isEqualTo(8);
        assertThat(model.get("kvHeads").asInt()).isEqualTo(4);
        assertThat(model.get("headDim").asInt()).isEqualTo(8);
        assertThat(model.get("contextLength").asInt()).isEqualTo(512);
        assertThat(model.get("vocabSize").asInt()).isEqualTo(512);
        // 5 layers x (q 64x64 + k 64x32 + v 64x32 + o 64x64 + gate/up/down 3 x 64x172 + 2 norms x 64)
        // + embeddings 64x512 + output 64x512 + final norm 64
        long params = 5L * (4096 + 2048 + 2048 + 4096 + 3 * 11008 + 128) + 32768 + 32768 + 64;
        assertThat(model.get("parametersBillions").asDouble()).isEqualTo(params / 1e9);
        assertThat(model.get("fp16MemoryGb").asDouble()).isEqualTo(params / 1e9 * 2);

        JsonNode artifact = r.json().get("artifact");
        Path file = MODELS_DIR.resolve(path);
        assertThat(artifact.get("format").asString()).isEqualTo("GGUF");
        assertThat(artifact.get("quantType").asString()).isEqualTo(quantType);
        assertThat(artifact.get("sizeBytes").asLong()).isEqualTo(Files.size(file));
        assertThat(artifact.get("sha256").asString()).isEqualTo(sha256(file));
        assertThat(artifact.get("location").asString()).isEqualTo("each/" + fileName);
        assertThat(artifact.get("perplexity").isNull()).isTrue();

        Response listed = api.get("/models/stories260k/artifacts");
        assertThat(listed.json().findValuesAsString("location")).contains("each/" + fileName);
    }

    @Test
    void importingTheSameFileTwiceUpdatesInsteadOfDuplicating() throws Exception {
        String path = copy("stories260K-Q8_0.gguf", "twice");
        String body = "{\"path\":\"" + path + "\",\"key\":\"twice-model\"}";
        Response first = api.post("/models:import", body);
        assertThat(first.status()).isEqualTo(201);
        assertThat(first.json().get("modelCreated").asBoolean()).isTrue();
        Response second = api.post("/models:import", body);
        assertThat(second.status()).isEqualTo(200);
        assertThat(second.json().get("modelCreated").asBoolean()).isFalse();
        assertThat(second.json().get("artifactCreated").asBoolean()).isFalse();
        assertThat(second.json().at("/artifact/id").asLong()).isEqualTo(first.json().at("/artifact/id").asLong());
        assertThat(api.get("/models/twice-model/artifacts").json().size()).isEqualTo(1);
    }

    @Test
    void anotherQuantizationOfTheSameModelAddsAnArtifactToTheSameProfile() throws Exception {
        api.post("/models:import", "{\"path\":\"" + copy("stories260K-Q8_0.gguf", "two") + "\",\"key\":\"two-q\"}");
        Response r = api.post("/models:import", "{\"path\":\"" + copy("stories260K-Q4_0.gguf", "two")
                + "\",\"key\":\"two-q\"}");
        assertThat(r.json().get("modelCreated").asBoolean()).isFalse();
        assertThat(r.json().get("artifactCreated").asBoolean()).isTrue();
        assertThat(api.get("/models/two-q/artifacts").json().findValuesAsString("quantType"))
                .containsExactly("Q8_0", "Q4_0");
    }

    @Test
    void reimportKeepsTheCuratedNameAndFamily() throws Exception {
        String path = copy("stories260K.gguf", "curated");
        api.post("/models:import", "{\"path\":\"" + path + "\",\"key\":\"curated\"}");
        String update = """
                {"name":"Stories 260K (curated)","family":"tinystories","architecture":"llama",
                 "parametersBillions":0.0003,"layers":5,"hiddenSize":64,"attentionHeads":8,"kvHeads":4,
                 "contextLength":512,"vocabSize":512,"version":0}""";
        assertThat(api.put("/models/curated", update).status()).isEqualTo(200);
        JsonNode model = api.post("/models:import", "{\"path\":\"" + path + "\",\"key\":\"curated\"}").json()
                .get("model");
        assertThat(model.get("name").asString()).isEqualTo("Stories 260K (curated)");
        assertThat(model.get("family").asString()).isEqualTo("tinystories");
        assertThat(model.get("parametersBillions").asDouble()).as("shape comes from the file").isLessThan(0.0003);
    }

    @Test
    void absolutePathInsideTheModelsDirectoryIsAccepted() throws Exception {
        String path = copy("stories260K-Q4_0.gguf", "absolute");
        Response r = api.post("/models:import", "{\"path\":\"" + MODELS_DIR.resolve(path) + "\",\"key\":\"abs\"}");
        assertThat(r.status()).isEqualTo(201);
        assertThat(r.json().at("/artifact/location").asString()).isEqualTo("absolute/stories260K-Q4_0.gguf");
    }

    @Test
    void dotDotOutOfTheModelsDirectoryIsRefused(@TempDir Path outside) throws Exception {
        Path file = outside.resolve("escape.gguf");
        Files.write(file, new byte[] {'G', 'G', 'U', 'F'});
        String relative = MODELS_DIR.relativize(file).toString();
        assertThat(relative).startsWith("..");
        Response r = api.post("/models:import", "{\"path\":\"" + relative + "\"}");
        assertProblem(r, 403, "path-refused");
        assertThat(r.text("field")).isEqualTo("path");
        assertThat(r.text("detail")).doesNotContain(MODELS_DIR.toString());
    }

    @Test
    void absolutePathElsewhereIsRefused() {
        Response r = api.post("/models:import", "{\"path\":\"/etc/passwd\"}");
        assertProblem(r, 403, "path-refused");
        assertThat(r.text("field")).isEqualTo("path");
    }

    @Test
    void symlinkPointingOutOfTheModelsDirectoryIsRefused(@TempDir Path outside) throws Exception {
        assumeSharedModels();
        Path target = outside.resolve("real.gguf");
        Files.copy(sharedModels.resolve("stories260K-Q8_0.gguf"), target);
        Path link = MODELS_DIR.resolve("link-out.gguf");
        Files.deleteIfExists(link);
        Files.createSymbolicLink(link, target);
        Path dirLink = MODELS_DIR.resolve("dir-out");
        Files.deleteIfExists(dirLink);
        Files.createSymbolicLink(dirLink, outside);

        assertProblem(api.post("/models:import", "{\"path\":\"link-out.gguf\",\"key\":\"sym-out\"}"), 403,
                "path-refused");
        assertProblem(api.post("/models:import", "{\"path\":\"dir-out/real.gguf\",\"key\":\"sym-out\"}"), 403,
                "path-refused");
        assertThat(api.get("/models/sym-out").status()).isEqualTo(404);
    }

    @Test
    void symlinkInsideTheModelsDirectoryIsFollowed() throws Exception {
        String path = copy("stories260K-Q4_0.gguf", "symin");
        Path link = MODELS_DIR.resolve("symin/alias.gguf");
        Files.deleteIfExists(link);
        Files.createSymbolicLink(link, MODELS_DIR.resolve(path));
        Response r = api.post("/models:import", "{\"path\":\"symin/alias.gguf\",\"key\":\"sym-in\"}");
        assertThat(r.status()).isEqualTo(201);
        assertThat(r.json().at("/artifact/location").asString()).isEqualTo("symin/stories260K-Q4_0.gguf");
    }

    @Test
    void missingFileIs404NamingThePath() {
        Response r = api.post("/models:import", "{\"path\":\"no-such-file.gguf\"}");
        assertProblem(r, 404, "not-found");
        assertThat(r.text("field")).isEqualTo("path");
    }

    @Test
    void directoryIs422() throws Exception {
        Files.createDirectories(MODELS_DIR.resolve("a-directory"));
        Response r = api.post("/models:import", "{\"path\":\"a-directory\"}");
        assertProblem(r, 422, "unreadable-model-file");
        assertThat(r.text("field")).isEqualTo("path");
    }

    @Test
    void truncatedGgufIs422AndWritesNothing() throws Exception {
        assumeSharedModels();
        byte[] whole = Files.readAllBytes(sharedModels.resolve("stories260K-Q8_0.gguf"));
        for (int length : new int[] {3, 24, 1000, whole.length / 2, whole.length * 3 / 4}) {
            Path file = MODELS_DIR.resolve("truncated-" + length + ".gguf");
            Files.write(file, Arrays.copyOf(whole, length));
            Response r = api.post("/models:import",
                    "{\"path\":\"" + file.getFileName() + "\",\"key\":\"corrupt-truncated\"}");
            assertProblem(r, 422, "unreadable-model-file");
            assertThat(r.text("field")).isEqualTo("path");
        }
        assertThat(api.get("/models/corrupt-truncated").status()).isEqualTo(404);
    }

    @Test
    void randomBytesAre422() throws Exception {
        Random random = new Random(42);
        for (int i = 0; i < 5; i++) {
            byte[] bytes = new byte[1 + random.nextInt(4096)];
            random.nextBytes(bytes);
            if (i % 2 == 1) { // a valid magic and version followed by garbage
                System.arraycopy(new byte[] {'G', 'G', 'U', 'F', 3, 0, 0, 0}, 0, bytes, 0, Math.min(8, bytes.length));
            }
            Path file = MODELS_DIR.resolve("random-" + i + ".gguf");
            Files.write(file, bytes);
            Response r = api.post("/models:import", "{\"path\":\"" + file.getFileName() + "\",\"key\":\"corrupt-random\"}");
            assertProblem(r, 422, "unreadable-model-file");
        }
        assertThat(api.get("/models/corrupt-random").status()).isEqualTo(404);
    }

    @Test
    void textFileIs422() throws Exception {
        Path file = MODELS_DIR.resolve("readme.txt");
        Files.writeString(file, "this is not a model\n", StandardCharsets.UTF_8);
        Response r = api.post("/models:import", "{\"path\":\"readme.txt\"}");
        assertProblem(r, 422, "unreadable-model-file");
        assertThat(r.text("detail")).contains("not a valid GGUF");
        Path empty = MODELS_DIR.resolve("empty.gguf");
        Files.write(empty, new byte[0]);
        assertProblem(api.post("/models:import", "{\"path\":\"empty.gguf\"}"), 422, "unreadable-model-file");
    }

    @Test
    void blankPathAndBadKeyAreValidationErrors() {
        Response blank = api.post("/models:import", "{\"path\":\"\"}");
        assertProblem(blank, 400, "validation");
        assertThat(blank.text("field")).isEqualTo("path");
        Response badKey = api.post("/models:import", "{\"path\":\"x.gguf\",\"key\":\"Not A Key\"}");
        assertProblem(badKey, 400, "validation");
        assertThat(badKey.text("field")).isEqualTo("key");
    }

    private static String sha256(Path file) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
    }
}
