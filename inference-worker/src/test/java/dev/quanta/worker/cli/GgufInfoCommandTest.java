package dev.quanta.worker.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.quanta.gguf.GgmlType;
import dev.quanta.gguf.GgufKeys;
import dev.quanta.gguf.GgufWriter;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

class GgufInfoCommandTest {

    @TempDir
    Path dir;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();
    private Path model;

    @BeforeEach
    void writeModel() throws IOException {
        model = dir.resolve("tiny.gguf");
        List<String> tokens = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            tokens.add("t" + i);
        }
        new GgufWriter()
                .putString(GgufKeys.GENERAL_ARCHITECTURE, "llama")
                .putString(GgufKeys.GENERAL_NAME, "tiny")
                .putUInt32(GgufKeys.GENERAL_FILE_TYPE, 7)
                .putUInt32(GgufKeys.blockCount("llama"), 1)
                .putUInt32(GgufKeys.embeddingLength("llama"), 32)
                .putUInt32(GgufKeys.headCount("llama"), 4)
                .putFloat32(GgufKeys.rmsEpsilon("llama"), 1e-5f)
                .putUInt64("test.big", -1L)
                .putStrings(GgufKeys.TOKENIZER_TOKENS, tokens)
                .addTensor("token_embd.weight", GgmlType.Q8_0, new long[] {32, 100}, new byte[34 * 100])
                .addTensor("output_norm.weight", GgmlType.F32, new long[] {32}, new byte[128])
                .write(model);
    }

    private int run(String... args) {
        CommandLine cli = QuantaCli.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        return cli.execute(args);
    }

    @Test
    void printsSummaryMetadataAndTensorTable() {
        assertThat(run("gguf-info", model.toString())).isZero();
        String text = out.toString();
        assertThat(text).contains("tiny.gguf: GGUF v3", "9 key/value pairs, 2 tensors");
        assertThat(text).contains("llama 'tiny', Q8_0, 3,232 parameters");
        assertThat(text).contains("layers 1, embedding 32, context ?, heads 4 (KV 4, dim 8), FFN ?, vocab 100");
        assertThat(text).containsPattern("STRING +\\| +1 \\| general.architecture = 'llama'");
        assertThat(text).contains("test.big = 18446744073709551615");
        assertThat(text).contains("tokenizer.ggml.tokens = ['t0', 't1', 't2', 't3', 't4', 't5', 't6', 't7', ... 100 items]");
        assertThat(text).containsPattern("1  token_embd.weight +Q8_0 +\\[32, 100\\] +0 +3400");
        assertThat(text).containsPattern("2  output_norm.weight +F32 +\\[32\\] +3424 +128");
        assertThat(err.toString()).isEmpty();
    }

    @Test
    void jsonOutputIsOneObjectWithMetadataAndTensors() {
        assertThat(run("gguf-info", "--json", model.toString())).isZero();
        JsonNode root = JsonMapper.builder().build().readTree(out.toString());
        assertThat(root.get("version").asInt()).isEqualTo(3);
        assertThat(root.get("tensor_count").asInt()).isEqualTo(2);
        assertThat(root.at("/summary/quantization").asString()).isEqualTo("Q8_0");
        assertThat(root.at("/summary/parameter_count").asLong()).isEqualTo(3232);
        assertThat(root.at("/summary/context_length").isNull()).isTrue();
        assertThat(root.at("/metadata/general.name/value").asString()).isEqualTo("tiny");
        assertThat(root.at("/metadata/test.big/value").bigIntegerValue().toString()).isEqualTo("18446744073709551615");
        assertThat(root.at("/metadata/tokenizer.ggml.tokens/count").asInt()).isEqualTo(100);
        assertThat(root.at("/metadata/tokenizer.ggml.tokens/value").isMissingNode()).isTrue();
        assertThat(root.at("/tensors/1/name").asString()).isEqualTo("output_norm.weight");
        assertThat(root.at("/tensors/1/shape/0").asLong()).isEqualTo(32);
        assertThat(root.at("/tensors/1/offset").asLong()).isEqualTo(3424);
    }

    @Test
    void fullArraysInJsonOnRequest() {
        assertThat(run("gguf-info", "--json", "--full-arrays", model.toString())).isZero();
        JsonNode tokens = JsonMapper.builder().build().readTree(out.toString()).at("/metadata/tokenizer.ggml.tokens/value");
        assertThat(tokens.size()).isEqualTo(100);
        assertThat(tokens.get(99).asString()).isEqualTo("t99");
    }

    @Test
    void missingFileIsOneLineOnStderrAndExitOne() {
        assertThat(run("gguf-info", dir.resolve("nope.gguf").toString())).isEqualTo(1);
        assertThat(out.toString()).isEmpty();
        assertThat(err.toString()).startsWith("quanta gguf-info: file not found: ").hasLineCount(1);
    }

    @Test
    void corruptFileIsOneLineNamingTheProblem() throws IOException {
        Path bad = dir.resolve("bad.gguf");
        byte[] bytes = Files.readAllBytes(model);
        Files.write(bad, java.util.Arrays.copyOf(bytes, bytes.length - 100)); // cut into the tensor data
        assertThat(run("gguf-info", bad.toString())).isEqualTo(1);
        assertThat(err.toString()).startsWith("quanta gguf-info: bad.gguf: tensor 'output_norm.weight': data ")
                .contains("runs past end of file").hasLineCount(1);
    }

    @Test
    void sharedQ4ModelReportsItsQuantization() {
        String shared = System.getProperty("quanta.shared.dir");
        assumeTrue(shared != null && Files.isRegularFile(Path.of(shared, "models", "stories260K-Q4_0.gguf")),
                "shared models are absent; skipping");
        assertThat(run("gguf-info", Path.of(shared, "models", "stories260K-Q4_0.gguf").toString())).isZero();
        assertThat(out.toString()).contains("llama 'llama', Q4_0,").contains("blk.4.ffn_up.weight");
    }
}
