package dev.quanta.registry.imports;

import static dev.quanta.registry.Problems.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.quanta.registry.HttpApi;
import dev.quanta.registry.HttpApi.Response;
import dev.quanta.registry.RegistryITSupport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** Import without holding the request: 202 + a job resource with progress, refusals still immediate. */
class ImportJobIT extends RegistryITSupport {

    private static Path shared(String file) {
        String dir = System.getProperty("quanta.shared.dir");
        Path path = dir == null ? null : Path.of(dir, "models", file);
        assumeTrue(path != null && Files.isRegularFile(path),
                "shared models absent (system property quanta.shared.dir → ../shared/models): skipping job import");
        return path;
    }

    /** Polls the job until it is finished; waiting is bounded, nothing is asserted about how long it took. */
    private Response awaitFinished(String location) throws InterruptedException {
        for (int i = 0; i < 600; i++) {
            Response job = api.get(location);
            assertThat(job.status()).isEqualTo(200);
            String state = job.text("state");
            if (state.equals("SUCCEEDED") || state.equals("FAILED")) {
                return job;
            }
            assertThat(state).isIn("QUEUED", "HASHING");
            Thread.sleep(100);
        }
        throw new AssertionError("import job " + location + " did not finish within 60 s");
    }

    @Test
    void answers202AtOnceAndTheJobEndsWithTheStoredArtifact() throws Exception {
        Path source = shared("stories260K-Q8_0.gguf");
        Path target = MODELS_DIR.resolve("jobs/stories260K-Q8_0.gguf");
        Files.createDirectories(target.getParent());
        Files.copy(source, target, StandardCopyOption.REPLACE_EXISTING);

        Response accepted = api.post("/imports", "{\"path\":\"jobs/stories260K-Q8_0.gguf\",\"key\":\"job-stories\"}");

        assertThat(accepted.status()).as(accepted.raw().body()).isEqualTo(202);
        String location = accepted.header("Location");
        assertThat(location).isEqualTo("/imports/" + accepted.text("id"));
        assertThat(accepted.json().get("totalBytes").asLong()).isEqualTo(Files.size(target));
        Response done = awaitFinished(location);
        assertThat(done.text("state")).as(done.raw().body()).isEqualTo("SUCCEEDED");
        assertThat(done.json().get("hashedBytes").asLong()).isEqualTo(Files.size(target));
        String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(target)));
        assertThat(done.json().at("/result/artifact/sha256").asString()).isEqualTo(sha);
        assertThat(done.json().at("/result/model/key").asString()).isEqualTo("job-stories");
        assertThat(api.get("/models/job-stories/artifacts").json().get(0).get("sha256").asString()).isEqualTo(sha);
    }

    @Test
    void refusalsComeBackAtOnceWithoutAJob() {
        Response outside = api.post("/imports", "{\"path\":\"../../etc/passwd\"}");
        assertProblem(outside, 403, "path-refused");
        assertThat(outside.header("Location")).isNull();
        assertProblem(api.post("/imports", "{\"path\":\"no-such-file.gguf\"}"), 404, "not-found");
        assertProblem(api.post("/imports", "{\"path\":\"\"}"), 400, "validation");
    }

    @Test
    void unknownJobIs404() {
        assertProblem(api.get("/imports/00000000-0000-0000-0000-000000000000"), 404, "not-found");
    }

    @Test
    void onlyTheAdminStartsImports() {
        assertProblem(api.write("POST", "/imports", "{\"path\":\"x.gguf\"}", null), 401, "unauthorized");
        assertProblem(api.write("POST", "/imports", "{\"path\":\"x.gguf\"}", HttpApi.WORKER_TOKEN), 403, "forbidden");
    }
}
