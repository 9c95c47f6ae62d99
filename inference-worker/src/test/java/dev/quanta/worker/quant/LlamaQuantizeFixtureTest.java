package dev.quanta.worker.quant;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quanta.gguf.GgufFile;
import dev.quanta.gguf.GgufTensorInfo;
import java.io.IOException;
import java.io.InputStream;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * quantize reproduces llama-quantize (llama.cpp 3f545bec) on the {@link TinyF16Model} fixture: the same tensors in
 * the same order with the same types and the same data bytes, for every K-quant mix and IQ4_NL. The fixture's
 * FFN-down rows (64 wide) exercise llama.cpp's fallbacks; its 4 layers and GQA 4 its mix rules.
 */
class LlamaQuantizeFixtureTest {

    /** SHA-256 of the F16 input llama-quantize was given (TinyF16Model.write(path, 20251205)). */
    static final String INPUT_SHA256 = "7c7b411521c27fbd6597ec64d8f996706645317831383661b08ff43b91df60b5";

    @TempDir
    static Path dir;

    static Path input;

    static synchronized Path input() throws Exception {
        if (input == null) {
            Path p = dir.resolve("tiny-f16.gguf");
            TinyF16Model.write(p, 20251205L);
            assertThat(sha256(Files.readAllBytes(p))).as("regenerated fixture input").isEqualTo(INPUT_SHA256);
            input = p;
        }
        return input;
    }

    static String sha256(byte[] b) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
    }

    @ParameterizedTest
    @ValueSource(strings = {"Q4_K_M", "Q5_K_M", "Q6_K", "Q3_K_M", "Q2_K", "IQ4_NL"})
    void matchesLlamaQuantizeByteForByte(String type) throws Exception {
        Path expected = dir.resolve("llama-" + type + ".gguf");
        try (InputStream in = getClass().getResourceAsStream("/quant/llama-quantize/tiny-" + type + ".gguf")) {
            assertThat(in).as("fixture for " + type).isNotNull();
            Files.copy(in, expected);
        }
        Path out = dir.resolve("ours-" + type + ".gguf");
        ModelQuantizer.quantize(new QuantizeOptions(input(), out, QuantFileType.parse(type).orElseThrow(), List.of(),
                null, 2, false, false), null);
        assertSameTensors(out, expected);
        try (GgufFile a = GgufFile.open(out); GgufFile e = GgufFile.open(expected)) {
            // llama-quantize re-appends general.quantization_version and general.file_type (the input has the latter
            // third), so the key order, and with it every byte of the header, is its
            assertThat(List.copyOf(a.metadata().keys())).as("metadata keys in order")
                    .containsExactlyElementsOf(List.copyOf(e.metadata().keys()));
        }
        assertThat(Files.readAllBytes(out)).as("the whole file").isEqualTo(Files.readAllBytes(expected));
    }

    /** Our imatrix file, read by llama-quantize, gives the same Q4_0 / IQ4_NL bytes in both tools. */
    @ParameterizedTest
    @ValueSource(strings = {"Q4_0", "IQ4_NL"})
    void matchesLlamaQuantizeWithAnImportanceMatrix(String type) throws Exception {
        String shared = System.getProperty("quanta.shared.dir", "../../shared");
        Path model = Path.of(shared, "models/stories260K.gguf");
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isRegularFile(model), model + " absent: skipping");
        Path im = dir.resolve("calib-" + type + ".imatrix");
        Path expected = dir.resolve("llama-stories-" + type + "-imatrix.gguf");
        try (InputStream a = getClass().getResourceAsStream("/quant/llama-quantize/stories260K-calibration.imatrix");
                InputStream b = getClass().getResourceAsStream(
                        "/quant/llama-quantize/stories260K-" + type + "-imatrix.gguf")) {
            Files.copy(a, im);
            Files.copy(b, expected);
        }
        Path out = dir.resolve("ours-stories-" + type + "-imatrix.gguf");
        ModelQuantizer.quantize(new QuantizeOptions(model, out, QuantFileType.parse(type).orElseThrow(),
                List.of(TensorTypeRules.Override.parse("ffn_down=F16")), ImatrixFile.read(im), 2, false, false), null);
        assertSameTensors(out, expected);
    }

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
            assertThat(a.metadata().getInt("general.file_type")).isEqualTo(e.metadata().getInt("general.file_type"));
        }
    }
}
