package dev.quanta.worker.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quanta.worker.model.GoldenFiles;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** {@code quanta run} over a scripted stdin and {@code quanta bench --json} on the tiny stories260K model. */
class RunAndBenchCommandTest {

    @Test
    void chatAnswersEachTurnAndQuitsOnExit() {
        InputStream stdin = System.in;
        try {
            System.setIn(new ByteArrayInputStream("Tell me a story\nAnd another\n/exit\n"
                    .getBytes(StandardCharsets.UTF_8)));
            GenerateCommandTest.Run r = GenerateCommandTest.run("run", "--model",
                    GoldenFiles.model("stories260K").toString(), "-n", "8", "--temp", "0", "--threads", "1");
            assertThat(r.exit()).as(r.err()).isZero();
            assertThat(r.out()).startsWith("> ");
            // two prompts answered, then the third prompt before /exit
            assertThat(r.out().split("> ", -1)).hasSize(4);
            assertThat(r.err()).contains("template");
        } finally {
            System.setIn(stdin);
        }
    }

    @Test
    void benchJsonReportsPositiveThroughputs() throws Exception {
        GenerateCommandTest.Run r = GenerateCommandTest.run("bench", "--model",
                GoldenFiles.model("stories260K-Q8_0").toString(), "-p", "16", "-n", "8", "-r", "2", "-t", "1", "--json");
        assertThat(r.exit()).as(r.err()).isZero();
        JsonNode o = JsonMapper.builder().build().readTree(r.out());
        assertThat(o.get("pp_tok_s").asDouble()).isPositive();
        assertThat(o.get("tg_tok_s").asDouble()).isPositive();
    }

    @Test
    void benchRunsOneTestPerListedPromptAndGenerationLength() throws Exception {
        GenerateCommandTest.Run r = GenerateCommandTest.run("bench", "--model",
                GoldenFiles.model("stories260K-Q8_0").toString(), "-p", "8,16", "-n", "4", "-r", "2", "-t", "1",
                "--json");
        assertThat(r.exit()).as(r.err()).isZero();
        JsonNode tests = JsonMapper.builder().build().readTree(r.out()).get("tests");
        assertThat(tests.size()).isEqualTo(3);
        assertThat(tests.get(0).get("test").asString()).isEqualTo("pp8");
        assertThat(tests.get(1).get("test").asString()).isEqualTo("pp16");
        assertThat(tests.get(2).get("test").asString()).isEqualTo("tg4");
        for (JsonNode t : tests) {
            assertThat(t.get("tok_s").asDouble()).isPositive();
            assertThat(t.get("stddev").asDouble()).isNotNegative();
        }

        GenerateCommandTest.Run text = GenerateCommandTest.run("bench", "--model",
                GoldenFiles.model("stories260K-Q8_0").toString(), "-p", "8", "-n", "4,0", "-r", "1", "-t", "1");
        assertThat(text.exit()).as(text.err()).isZero();
        assertThat(text.out()).containsPattern("pp8 +[0-9.]+ ± [0-9.]+ tok/s").containsPattern("tg4 +[0-9.]+ ± ")
                .doesNotContain("tg0");
    }

    @Test
    void benchRejectsANonNumericLengthInAList() {
        GenerateCommandTest.Run r = GenerateCommandTest.run("bench", "--model",
                GoldenFiles.model("stories260K").toString(), "-p", "8,x", "-r", "1");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err().strip()).contains("x").doesNotContain("\n");
    }

    @Test
    void benchRejectsTestsLongerThanTheContext() {
        GenerateCommandTest.Run r = GenerateCommandTest.run("bench", "--model",
                GoldenFiles.model("stories260K").toString(), "-p", "600", "-n", "8", "-r", "1");
        assertThat(r.exit()).isNotZero();
        assertThat(r.err().strip()).contains("does not fit in the context").doesNotContain("\n");
    }

    @Test
    void missingModelIsAOneLineUsageErrorForEveryCommandThatRunsOne() {
        String[][] invocations = {{"generate", "--prompt", "x"}, {"run"}, {"bench"}};
        for (String[] args : invocations) {
            GenerateCommandTest.Run r = GenerateCommandTest.run(args);
            assertThat(r.exit()).as(args[0]).isEqualTo(2);
            assertThat(r.err().strip()).as(args[0]).contains("Missing required option: '--model=FILE'")
                    .doesNotContain("\n");
        }
    }
}
