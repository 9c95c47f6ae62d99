package dev.quanta.worker.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quanta.worker.model.GoldenFiles;
import org.junit.jupiter.api.Test;

/** {@code quanta serve} refuses bad flags in one line before starting anything. */
class ServeCommandTest {

    @Test
    void missingModelFileIsOneLine() {
        GenerateCommandTest.Run r = GenerateCommandTest.run("serve", "--model", "/nonexistent/m.gguf");
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err().strip()).contains("model file not found").doesNotContain("\n");
    }

    @Test
    void outOfRangeSettingsNameTheirFlag() {
        String model = GoldenFiles.model("stories260K").toString();
        String[][] cases = {
            {"--kv-cache-dtype", "q4"}, {"--max-seqs", "0"}, {"--max-batched-tokens", "0"}, {"--kv-cache-gib", "-1"},
            {"--port", "70000"}};
        for (String[] c : cases) {
            GenerateCommandTest.Run r = GenerateCommandTest.run("serve", "--model", model, c[0], c[1]);
            assertThat(r.exit()).as(c[0]).isNotZero();
            assertThat(r.err().strip()).as(c[0]).contains(c[0]).doesNotContain("\n");
        }
    }

    @Test
    void listsServeAndBatchInTheHelp() {
        GenerateCommandTest.Run r = GenerateCommandTest.run("--help");
        assertThat(r.out()).contains("serve", "batch");
    }
}
