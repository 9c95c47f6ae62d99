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
