package dev.quanta.worker.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quanta.worker.model.GoldenFiles;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** {@code quanta generate} end to end on the real stories260K files, stdout and stderr captured. */
class GenerateCommandTest {

    record Run(int exit, String out, String err) {}

    static Run run(String... args) {
        CommandLine cli = QuantaCli.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        int exit = cli.execute(args);
        return new Run(exit, out.toString(), err.toString());
    }

    @Test
    void jsonOutputReproducesLlamaCppsGreedyTokens() throws Exception {
        Path model = GoldenFiles.model("stories260K");
        GoldenFiles.Case golden = GoldenFiles.cases("stories260K").getFirst();
        Run r = run("generate", "--model", model.toString(), "--prompt", golden.prompt(), "-n", "64", "--temp", "0",
                "--threads", "1", "--json", "--top-logprobs", "5");
        assertThat(r.exit()).as(r.err()).isZero();
        JsonNode o = JsonMapper.builder().build().readTree(r.out());
        assertThat(ints(o.get("prompt_tokens"))).containsExactly(golden.promptTokens());
        assertThat(ints(o.get("tokens"))).containsExactly(golden.tokens());
        assertThat(o.get("text").asString()).isEqualTo(golden.text());
        JsonNode tops = o.get("top_logprobs");
        assertThat(tops.size()).isEqualTo(64);
        for (int i = 0; i < 64; i++) {
            assertThat(tops.get(i).size()).isEqualTo(5);
            assertThat(tops.get(i).get(0).get("id").asInt()).isEqualTo(golden.tokens()[i]);
            assertThat(tops.get(i).get(0).get("logprob").asDouble())
                    .isCloseTo(golden.topLogprobs()[i][0], org.assertj.core.api.Assertions.within(0.02));
        }
    }

    @Test
    void streamsTextWithoutJson() {
        Path model = GoldenFiles.model("stories260K");
        Run r = run("generate", "--model", model.toString(), "--prompt", "Once upon a time", "-n", "6", "--temp", "0",
                "--threads", "1");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).startsWith(", there was a little");
    }

    @Test
    void missingModelIsOneLineAndNonZeroExit() {
        Run r = run("generate", "--model", "/nonexistent/model.gguf", "--prompt", "hi");
        assertThat(r.exit()).isNotZero();
        assertThat(r.err().strip()).isEqualTo("quanta generate: model file not found: /nonexistent/model.gguf");
    }

    @Test
    void promptLongerThanTheContextIsOneLineAndNonZeroExit() {
        Path model = GoldenFiles.model("stories260K");
        Run r = run("generate", "--model", model.toString(), "--prompt", "Once upon a time there was a dog",
                "--ctx-size", "4", "-n", "4");
        assertThat(r.exit()).isNotZero();
        assertThat(r.err().strip()).contains("does not fit in the context").doesNotContain("\n");
    }

    @Test
    void unsupportedArchitectureNamesTheOneFound() {
        // a vocabulary-only file: general.architecture is the tokenizer's model family, not a supported one
        Path vocab = GoldenFiles.sharedDir().resolve("models/vocab/ggml-vocab-gpt-2.gguf");
        Run r = run("generate", "--model", vocab.toString(), "--prompt", "hi");
        assertThat(r.exit()).isNotZero();
        assertThat(r.err().lines().count()).isEqualTo(1);
        assertThat(r.err()).containsAnyOf("unsupported architecture", "tensor token_embd.weight is missing");
    }

    private static int[] ints(JsonNode array) {
        int[] out = new int[array.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = array.get(i).asInt();
        }
        return out;
    }
}
