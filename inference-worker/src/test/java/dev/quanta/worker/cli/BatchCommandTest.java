package dev.quanta.worker.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quanta.worker.model.GoldenFiles;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** {@code quanta batch}: OpenAI batch lines and plain prompts through the real engine, resumable. */
class BatchCommandTest {

    static final JsonMapper JSON = JsonMapper.builder().build();

    @TempDir
    Path dir;

    private static final List<String> LINES = List.of(
            "{\"custom_id\":\"c1\",\"method\":\"POST\",\"url\":\"/v1/completions\",\"body\":{\"model\":\"any\","
                    + "\"prompt\":\"Once upon a time\",\"max_tokens\":8,\"temperature\":0}}",
            "{\"custom_id\":\"chat-1\",\"method\":\"POST\",\"url\":\"/v1/chat/completions\",\"body\":{"
                    + "\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}],\"max_completion_tokens\":6}}",
            "{\"prompt\":\"The dog\",\"max_tokens\":5,\"temperature\":0}",
            "{\"custom_id\":\"bad\",\"method\":\"POST\",\"url\":\"/v1/completions\",\"body\":{\"prompt\":\"x\","
                    + "\"temperature\":9}}",
            "",
            "{\"custom_id\":\"c2\",\"method\":\"POST\",\"url\":\"/v1/completions\",\"body\":{"
                    + "\"prompt\":\"Once upon a time\",\"max_tokens\":8,\"temperature\":0,\"stream\":true}}");

    private Map<String, JsonNode> results(Path out) throws Exception {
        return Files.readAllLines(out).stream().map(JSON::readTree)
                .collect(Collectors.toMap(n -> n.get("custom_id").stringValue(), Function.identity()));
    }

    @Test
    void runsEveryLineAndWritesOpenAiBatchResults() throws Exception {
        Path in = Files.write(dir.resolve("in.jsonl"), LINES, StandardCharsets.UTF_8);
        Path out = dir.resolve("out.jsonl");
        GenerateCommandTest.Run r = GenerateCommandTest.run("batch", "--model",
                GoldenFiles.model("stories260K").toString(), "--input", in.toString(), "--output", out.toString(),
                "--threads", "1", "--kv-cache-gib", "0.02", "--no-progress");
        // one line was bad: the run says so with a non-zero exit, the others still have results
        assertThat(r.exit()).as(r.err()).isEqualTo(1);
        Map<String, JsonNode> results = results(out);
        assertThat(results.keySet()).containsExactlyInAnyOrder("c1", "chat-1", "line-3", "bad", "c2");
        JsonNode c1 = results.get("c1");
        assertThat(c1.get("id").stringValue()).startsWith("batch_req_");
        assertThat(c1.get("error").isNull()).isTrue();
        assertThat(c1.get("response").get("status_code").intValue()).isEqualTo(200);
        JsonNode body = c1.get("response").get("body");
        assertThat(body.get("object").stringValue()).isEqualTo("text_completion");
        assertThat(body.get("usage").get("completion_tokens").intValue()).isEqualTo(8);
        // streaming is ignored in a batch, and greedy gives the same text for the same prompt
        assertThat(results.get("c2").get("response").get("body").get("choices").get(0).get("text").stringValue())
                .isEqualTo(body.get("choices").get(0).get("text").stringValue());
        assertThat(results.get("chat-1").get("response").get("body").get("object").stringValue())
                .isEqualTo("chat.completion");
        assertThat(results.get("line-3").get("response").get("body").get("usage").get("completion_tokens").intValue())
                .isBetween(1, 5);
        JsonNode bad = results.get("bad").get("response");
        assertThat(bad.get("status_code").intValue()).isEqualTo(400);
        assertThat(bad.get("body").get("error").get("param").stringValue()).isEqualTo("temperature");
    }

    @Test
    void resumesBySkippingIdsAlreadyInTheOutput() throws Exception {
        Path in = Files.write(dir.resolve("in.jsonl"), LINES.subList(0, 3), StandardCharsets.UTF_8);
        Path out = dir.resolve("out.jsonl");
        // a previous run finished c1 and was cut off while writing another line
        Files.writeString(out, "{\"custom_id\":\"c1\",\"response\":{\"status_code\":200}}\n{\"custom_id\":\"ch",
                StandardCharsets.UTF_8);
        GenerateCommandTest.Run r = GenerateCommandTest.run("batch", "--model",
                GoldenFiles.model("stories260K").toString(), "--input", in.toString(), "--output", out.toString(),
                "--threads", "1", "--kv-cache-gib", "0.02", "--no-progress");
        assertThat(r.exit()).as(r.err()).isZero();
        List<String> lines = Files.readAllLines(out);
        assertThat(lines.getFirst()).isEqualTo("{\"custom_id\":\"c1\",\"response\":{\"status_code\":200}}");
        assertThat(lines.stream().filter(l -> l.contains("\"custom_id\":\"c1\"")).count()).isEqualTo(1);
        assertThat(lines.stream().filter(l -> l.startsWith("{\"id\":")).map(l -> JSON.readTree(l)
                .get("custom_id").stringValue())).containsExactlyInAnyOrder("chat-1", "line-3");

        GenerateCommandTest.Run again = GenerateCommandTest.run("batch", "--model",
                GoldenFiles.model("stories260K").toString(), "--input", in.toString(), "--output", out.toString(),
                "--no-progress");
        assertThat(again.exit()).isZero();
        assertThat(again.err()).contains("nothing to do");
    }

    @Test
    void rejectsDuplicateIdsAndNonJsonLinesInOneLine() throws Exception {
        Path dup = Files.write(dir.resolve("dup.jsonl"), List.of(LINES.get(0), LINES.get(0)));
        GenerateCommandTest.Run r = GenerateCommandTest.run("batch", "--model",
                GoldenFiles.model("stories260K").toString(), "--input", dup.toString(), "--output",
                dir.resolve("o.jsonl").toString());
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err().strip()).contains("duplicate custom_id 'c1'").doesNotContain("\n");
        Path junk = Files.write(dir.resolve("junk.jsonl"), List.of("not json"));
        GenerateCommandTest.Run j = GenerateCommandTest.run("batch", "--model",
                GoldenFiles.model("stories260K").toString(), "--input", junk.toString(), "--output",
                dir.resolve("o.jsonl").toString());
        assertThat(j.exit()).isEqualTo(1);
        assertThat(j.err().strip()).contains("line 1").doesNotContain("\n");
    }
}
