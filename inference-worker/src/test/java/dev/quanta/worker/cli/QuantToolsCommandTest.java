package dev.quanta.worker.cli;

import static dev.quanta.worker.cli.GenerateCommandTest.run;
import static org.assertj.core.api.Assertions.assertThat;

import dev.quanta.gguf.GgmlType;
import dev.quanta.gguf.GgufFile;
import dev.quanta.gguf.GgufTensorInfo;
import dev.quanta.worker.cli.GenerateCommandTest.Run;
import dev.quanta.worker.model.GoldenFiles;
import java.io.IOException;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** quantize / perplexity / imatrix / prune end to end on stories260K, and every bad input as one line. */
class QuantToolsCommandTest {

    @TempDir
    Path dir;

    static Path stories(String suffix) {
        return GoldenFiles.sharedDir().resolve("models/stories260K" + suffix + ".gguf");
    }

    static Path text(String name) {
        return GoldenFiles.sharedDir().resolve("text/" + name);
    }

    /** Tensor names, order, types, shapes and data bytes equal; metadata not compared. */
    static void assertSameTensors(Path actual, Path expected) throws IOException {
        try (GgufFile a = GgufFile.open(actual); GgufFile e = GgufFile.open(expected)) {
            assertThat(a.tensors().stream().map(GgufTensorInfo::name))
                    .containsExactlyElementsOf(e.tensors().stream().map(GgufTensorInfo::name).toList());
            for (GgufTensorInfo te : e.tensors()) {
                GgufTensorInfo ta = a.tensor(te.name()).orElseThrow();
                assertThat(ta.type()).as(te.name()).isEqualTo(te.type());
                assertThat(ta.shape()).as(te.name()).isEqualTo(te.shape());
                assertThat(a.tensorData(ta).toArray(ValueLayout.JAVA_BYTE)).as(te.name())
                        .isEqualTo(e.tensorData(te).toArray(ValueLayout.JAVA_BYTE));
            }
        }
    }

    static void assertOneLineFailure(Run r, String contains) {
        assertThat(r.exit()).isNotZero();
        assertThat(r.err().strip().lines().filter(l -> !l.contains("WARNING")).toList()).hasSize(1);
        assertThat(r.err()).contains(contains);
    }

    private long files() throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.count();
        }
    }

    @Test
    void quantizesStoriesToQ8_0AndQ4_0ByteForByteAsLlamaQuantize() throws IOException {
        for (String type : new String[] {"Q8_0", "Q4_0"}) {
            Path out = dir.resolve(type + ".gguf");
            Run r = run("quantize", stories("").toString(), out.toString(), type, "--tensor-type", "ffn_down=F16",
                    "--threads", "2", "--json");
            assertThat(r.exit()).as(r.err()).isZero();
            assertSameTensors(out, stories("-" + type));
            JsonNode o = JsonMapper.builder().build().readTree(r.out());
            assertThat(o.get("tensor_types").get("output.weight").asString()).isEqualTo("Q8_0");
            try (GgufFile f = GgufFile.open(out)) {
                assertThat(f.metadata().getInt("general.file_type")).isEqualTo(type.equals("Q8_0") ? 7 : 2);
                assertThat(f.metadata().getString("tokenizer.ggml.model")).isEqualTo("llama");
            }
        }
    }

    @Test
    void rejectsAMissingInputFile() throws IOException {
        assertOneLineFailure(run("quantize", dir.resolve("nope.gguf").toString(), dir.resolve("o.gguf").toString(),
                "Q8_0"), "model file not found");
        assertThat(files()).isZero();
    }

    @Test
    void rejectsAnUnsupportedType() throws IOException {
        assertOneLineFailure(run("quantize", stories("").toString(), dir.resolve("o.gguf").toString(), "IQ2_XXS"),
                "unsupported type 'IQ2_XXS'");
        assertThat(files()).isZero();
    }

    @Test
    void rejectsRequantizingWithoutTheFlagAndAllowsItWithIt() throws IOException {
        Path out = dir.resolve("o.gguf");
        assertOneLineFailure(run("quantize", stories("-Q8_0").toString(), out.toString(), "Q4_0", "--tensor-type",
                "ffn_down=F16"), "--allow-requantize");
        assertThat(files()).isZero();
        Run ok = run("quantize", stories("-Q8_0").toString(), out.toString(), "Q4_0", "--tensor-type",
                "ffn_down=F16", "--allow-requantize");
        assertThat(ok.exit()).as(ok.err()).isZero();
        try (GgufFile f = GgufFile.open(out)) {
            assertThat(f.tensor("blk.0.attn_q.weight").orElseThrow().type()).isEqualTo(GgmlType.Q4_0);
        }
    }

    @Test
    void rejectsAnExistingOutputAndLeavesItUntouched() throws IOException {
        Path out = dir.resolve("o.gguf");
        Files.writeString(out, "keep me");
        assertOneLineFailure(run("quantize", stories("").toString(), out.toString(), "Q8_0"), "exists");
        assertThat(Files.readString(out)).isEqualTo("keep me");
    }

    @Test
    void rejectsAnOutputThatCannotBeWritten() {
        Path out = dir.resolve("no-such-dir/o.gguf");
        assertOneLineFailure(run("quantize", stories("").toString(), out.toString(), "Q8_0"), "does not exist");
    }

    @Test
    void rejectsRowsThatTheTypeCannotHoldWithoutWritingAnything() throws IOException {
        assertOneLineFailure(run("quantize", stories("").toString(), dir.resolve("o.gguf").toString(), "Q4_0"),
                "ffn_down=F16");
        assertThat(files()).isZero();
    }

    @Test
    void rejectsATextShorterThanTwoContexts() throws IOException {
        Path shortText = dir.resolve("short.txt");
        Files.writeString(shortText, "Once upon a time there was a cat.");
        assertOneLineFailure(run("perplexity", "--model", stories("").toString(), "--text", shortText.toString(),
                "--ctx", "64"), "too short");
        assertOneLineFailure(run("imatrix", "--model", stories("").toString(), "--text", shortText.toString(),
                "--out", dir.resolve("im.gguf").toString(), "--ctx", "64"), "too short");
        assertThat(Files.exists(dir.resolve("im.gguf"))).isFalse();
    }

    @Test
    void rejectsAMissingTextOrModelForPerplexity() {
        assertOneLineFailure(run("perplexity", "--model", stories("").toString(), "--text",
                dir.resolve("none.txt").toString()), "text file not found");
        assertOneLineFailure(run("perplexity", "--model", dir.resolve("none.gguf").toString(), "--text",
                text("stories-eval.txt").toString()), "model file not found");
    }

    @Test
    void perplexityReportsKlAgainstSavedBaseLogitsAndQ8_0IsCloserThanQ4_0() throws IOException {
        Path base = dir.resolve("base.logits");
        Run f32 = run("perplexity", "--model", stories("").toString(), "--text", text("stories-eval.txt").toString(),
                "--ctx", "128", "--chunks", "6", "--save-logits", base.toString(), "--json");
        assertThat(f32.exit()).as(f32.err()).isZero();
        JsonNode b = JsonMapper.builder().build().readTree(f32.out());
        assertThat(b.get("scored_tokens").asInt()).isEqualTo(6 * 63);
        double[] kl = new double[2];
        String[] types = {"-Q8_0", "-Q4_0"};
        for (int i = 0; i < 2; i++) {
            Run r = run("perplexity", "--model", stories(types[i]).toString(), "--kl-base", base.toString(), "--json");
            assertThat(r.exit()).as(r.err()).isZero();
            JsonNode o = JsonMapper.builder().build().readTree(r.out());
            kl[i] = o.get("kl_mean").asDouble();
            assertThat(o.get("kl_p99").asDouble()).isGreaterThan(kl[i]);
            assertThat(o.get("same_top_rate").asDouble()).isBetween(0.5, 1.0);
            assertThat(o.get("ctx").asInt()).isEqualTo(128);
        }
        assertThat(kl[0]).isPositive().isLessThan(kl[1]);
        Run self = run("perplexity", "--model", stories("").toString(), "--kl-base", base.toString(), "--json");
        JsonNode s = JsonMapper.builder().build().readTree(self.out());
        assertThat(s.get("perplexity").asDouble()).isEqualTo(b.get("perplexity").asDouble());
        assertThat(s.get("kl_mean").asDouble()).isLessThan(1e-4);
        assertThat(s.get("same_top_rate").asDouble()).isEqualTo(1.0);
    }

    @Test
    void importanceMatrixFromCalibrationTextLowersTheQ4_0Kl() throws IOException {
        Path im = dir.resolve("stories.imatrix");
        Run r = run("imatrix", "--model", stories("").toString(), "--text", text("stories-calibration.txt").toString(),
                "--out", im.toString(), "--ctx", "128", "--chunks", "24");
        assertThat(r.exit()).as(r.err()).isZero();
        Path plain = dir.resolve("q4.gguf");
        Path weighted = dir.resolve("q4-im.gguf");
        assertThat(run("quantize", stories("").toString(), plain.toString(), "Q4_0", "--tensor-type", "ffn_down=F16")
                .exit()).isZero();
        Run q = run("quantize", stories("").toString(), weighted.toString(), "Q4_0", "--tensor-type", "ffn_down=F16",
                "--imatrix", im.toString());
        assertThat(q.exit()).as(q.err()).isZero();
        Path base = dir.resolve("base.logits");
        assertThat(run("perplexity", "--model", stories("").toString(), "--text", text("stories-eval.txt").toString(),
                "--ctx", "128", "--chunks", "12", "--save-logits", base.toString()).exit()).isZero();
        double plainKl = kl(plain, base);
        double weightedKl = kl(weighted, base);
        assertThat(weightedKl).isLessThan(plainKl);
    }

    private static double kl(Path model, Path base) {
        Run r = run("perplexity", "--model", model.toString(), "--kl-base", base.toString(), "--json");
        assertThat(r.exit()).as(r.err()).isZero();
        return JsonMapper.builder().build().readTree(r.out()).get("kl_mean").asDouble();
    }

    @Test
    void pruningMoreRaisesPerplexityMore() {
        double previous = 0;
        for (String amount : new String[] {"0.1", "0.3", "0.5"}) {
            Run r = run("prune", "--model", stories("").toString(), "--amount", amount, "--out",
                    dir.resolve("p" + amount + ".gguf").toString(), "--text", text("stories-eval.txt").toString(),
                    "--ctx", "128", "--chunks", "4", "--json");
            assertThat(r.exit()).as(r.err()).isZero();
            JsonNode o = JsonMapper.builder().build().readTree(r.out());
            double after = o.get("perplexity_after").asDouble();
            assertThat(after).isGreaterThan(o.get("perplexity_before").asDouble()).isGreaterThan(previous);
            assertThat((double) o.get("zeroed").asLong() / o.get("total").asLong())
                    .isCloseTo(Double.parseDouble(amount), org.assertj.core.api.Assertions.within(0.001));
            previous = after;
        }
    }

    @Test
    void rejectsAPruneAmountOutsideZeroToOne() throws IOException {
        assertOneLineFailure(run("prune", "--model", stories("").toString(), "--amount", "1.5", "--out",
                dir.resolve("p.gguf").toString()), "--amount");
        assertThat(files()).isZero();
    }
}
