package dev.quanta.worker.cli;

import static dev.quanta.worker.cli.GenerateCommandTest.run;
import static dev.quanta.worker.cli.QuantToolsCommandTest.assertOneLineFailure;
import static dev.quanta.worker.cli.QuantToolsCommandTest.stories;
import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.quanta.worker.cli.GenerateCommandTest.Run;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code --register} speaks the registry's artifact API ({@code POST /models/{key}/artifacts}, the body of its
 * ArtifactRequest) over real HTTP to a local server that records the request and answers as the registry does.
 */
class RegisterArtifactTest {

    @TempDir
    Path dir;

    HttpServer server;
    final List<String> bodies = new ArrayList<>();
    final List<String> paths = new ArrayList<>();
    volatile int status = 201;

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            paths.add(exchange.getRequestMethod() + " " + exchange.getRequestURI().getPath());
            bodies.add(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            byte[] reply = (status == 201 ? "{\"id\":1}"
                    : "{\"type\":\"about:blank\",\"title\":\"Not Found\",\"status\":404,\"detail\":\"no model 'nope'\"}")
                    .getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", status == 201 ? "application/json" : "application/problem+json");
            exchange.sendResponseHeaders(status, reply.length);
            exchange.getResponseBody().write(reply);
            exchange.close();
        });
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    @Test
    void perplexityRegistersTheFileWithItsMeasuredQuality() throws Exception {
        Path base = dir.resolve("base.logits");
        assertThat(run("perplexity", "--model", stories("").toString(), "--text",
                QuantToolsCommandTest.text("stories-eval.txt").toString(), "--ctx", "64", "--chunks", "3",
                "--save-logits", base.toString()).exit()).isZero();
        Run r = run("perplexity", "--model", stories("-Q4_0").toString(), "--kl-base", base.toString(),
                "--register", url(), "--model-key", "stories260k", "--json");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(paths).containsExactly("POST /models/stories260k/artifacts");
        JsonNode sent = JsonMapper.builder().build().readTree(bodies.getFirst());
        JsonNode measured = JsonMapper.builder().build().readTree(r.out());
        assertThat(sent.get("format").asString()).isEqualTo("GGUF");
        assertThat(sent.get("quantType").asString()).isEqualTo("Q4_0");
        assertThat(sent.get("sha256").asString()).hasSize(64);
        assertThat(sent.get("sizeBytes").asLong()).isEqualTo(java.nio.file.Files.size(stories("-Q4_0")));
        assertThat(sent.get("perplexity").asDouble()).isEqualTo(measured.get("perplexity").asDouble());
        assertThat(sent.get("klDivergence").asDouble()).isEqualTo(measured.get("kl_mean").asDouble());
        assertThat(sent.get("sameTopTokenRate").asDouble()).isEqualTo(measured.get("same_top_rate").asDouble());
    }

    @Test
    void aRefusalIsOneLineWithTheProblemDetail() {
        status = 404;
        Path out = dir.resolve("q8.gguf");
        Run r = run("quantize", stories("").toString(), out.toString(), "Q8_0", "--tensor-type", "ffn_down=F16",
                "--register", url(), "--model-key", "nope");
        assertOneLineFailure(r, "no model 'nope'");
    }

    @Test
    void registerWithoutAModelKeyIsRejectedBeforeAnyWork() {
        Path out = dir.resolve("q8.gguf");
        assertOneLineFailure(run("quantize", stories("").toString(), out.toString(), "Q8_0", "--register", url()),
                "--model-key");
        assertThat(out).doesNotExist();
        assertThat(paths).isEmpty();
    }
}
