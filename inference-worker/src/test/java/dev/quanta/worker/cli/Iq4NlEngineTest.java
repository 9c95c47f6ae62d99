package dev.quanta.worker.cli;

import static dev.quanta.worker.cli.GenerateCommandTest.run;
import static dev.quanta.worker.cli.QuantToolsCommandTest.stories;
import static org.assertj.core.api.Assertions.assertThat;

import dev.quanta.gguf.GgmlType;
import dev.quanta.gguf.GgufFile;
import dev.quanta.worker.cli.GenerateCommandTest.Run;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.json.JsonMapper;

/** A file quantize writes in IQ4_NL loads, generates and scores in the engine (Java kernels). */
class Iq4NlEngineTest {

    @TempDir
    Path dir;

    @Test
    void iq4NlFileGeneratesAndScoresCloseToTheF32Model() throws Exception {
        Path iq4 = dir.resolve("iq4.gguf");
        Run q = run("quantize", stories("").toString(), iq4.toString(), "IQ4_NL", "--tensor-type", "ffn_down=F16");
        assertThat(q.exit()).as(q.err()).isZero();
        try (GgufFile f = GgufFile.open(iq4)) {
            assertThat(f.tensor("blk.0.attn_q.weight").orElseThrow().type()).isEqualTo(GgmlType.IQ4_NL);
            assertThat(f.metadata().getInt("general.file_type")).isEqualTo(25);
        }
        Run g = run("generate", "--model", iq4.toString(), "--prompt", "Once upon a time", "-n", "12", "--temp", "0",
                "--threads", "1", "--java-kernels");
        assertThat(g.exit()).as(g.err()).isZero();
        assertThat(g.out().strip()).isNotEmpty();

        String text = QuantToolsCommandTest.text("stories-eval.txt").toString();
        double f32 = ppl(run("perplexity", "--model", stories("").toString(), "--text", text, "--ctx", "128",
                "--chunks", "3", "--json"));
        double nl = ppl(run("perplexity", "--model", iq4.toString(), "--text", text, "--ctx", "128", "--chunks", "3",
                "--json"));
        assertThat(nl).isGreaterThan(f32 * 0.98).isLessThan(f32 * 1.25);
    }

    private static double ppl(Run r) {
        assertThat(r.exit()).as(r.err()).isZero();
        return JsonMapper.builder().build().readTree(r.out()).get("perplexity").asDouble();
    }
}
