package dev.quanta.gguf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** Reads the real llama.cpp-written files in {@code quanta.shared.dir/models}. */
class SharedModelsTest {

    private static Path model(String name) {
        String shared = System.getProperty("quanta.shared.dir");
        assumeTrue(shared != null, "quanta.shared.dir is not set; skipping tests on shared models");
        Path p = Path.of(shared, "models", name);
        assumeTrue(Files.isRegularFile(p), p + " is absent; skipping");
        return p;
    }

    @Test
    void stories260kF32HasItsLlamaMetadataAndTensors() throws IOException {
        try (GgufFile gguf = GgufFile.open(model("stories260K.gguf"))) {
            GgufMetadata m = gguf.metadata();
            assertThat(gguf.version()).isEqualTo(3);
            assertThat(m.size()).isEqualTo(19);
            assertThat(m.getString(GgufKeys.GENERAL_ARCHITECTURE)).isEqualTo("llama");
            assertThat(m.getInt(GgufKeys.blockCount("llama"))).isEqualTo(5);
            assertThat(m.getFloat(GgufKeys.rmsEpsilon("llama"))).isEqualTo(1e-5f);
            assertThat(m.getStringArray(GgufKeys.TOKENIZER_TOKENS)).hasSize(512).startsWith("<unk>", "<s>", "</s>");
            assertThat(m.getFloatArray(GgufKeys.TOKENIZER_SCORES)).hasSize(512);
            assertThat(m.getIntArray(GgufKeys.TOKENIZER_TOKEN_TYPE)).startsWith(2, 3, 3, 6);
            assertThat(m.getLong(GgufKeys.TOKENIZER_PAD_ID)).isEqualTo(4294967295L);
            assertThat(gguf.tensors()).hasSize(48);
            assertThat(gguf.dataOffset()).isEqualTo(14176); // 14152 rounded up to 32
            GgufTensorInfo embd = gguf.tensor("token_embd.weight").orElseThrow();
            assertThat(embd.type()).isEqualTo(GgmlType.F32);
            assertThat(embd.shape()).containsExactly(64, 512);
            assertThat(gguf.tensorData(embd).byteSize()).isEqualTo(64 * 512 * 4);
            // the norm weights of a trained model are finite numbers
            float[] norm = gguf.tensorData(gguf.tensor("output_norm.weight").orElseThrow())
                    .toArray(ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN));
            assertThat(norm).hasSize(64);
            for (float x : norm) {
                assertThat(Float.isFinite(x)).isTrue();
            }
        }
    }

    @Test
    void summariesReportTheQuantizationLlamaCppNames() throws IOException {
        GgufSummary f32 = GgufSummary.of(GgufFile.readHeader(model("stories260K.gguf")));
        assertThat(f32.quantization()).isEqualTo("F32");
        assertThat(f32.quantizationInferred()).isTrue();
        assertThat(f32.architecture()).contains("llama");
        assertThat(f32.contextLength()).hasValue(512);
        assertThat(f32.embeddingLength()).hasValue(64);
        assertThat(f32.blockCount()).hasValue(5);
        assertThat(f32.feedForwardLength()).hasValue(172);
        assertThat(f32.headCount()).hasValue(8);
        assertThat(f32.headCountKv()).hasValue(4);
        assertThat(f32.headDim()).hasValue(8);
        assertThat(f32.vocabSize()).hasValue(512);
        // 2 × 64×512 (embeddings, output) + 64 + 5 × (64×64×2 + 64×32×2 + 3 × 64×172 + 2 × 64)
        assertThat(f32.parameterCount()).isEqualTo(2 * 64 * 512 + 64 + 5 * (2 * 64 * 64 + 2 * 64 * 32 + 3 * 64 * 172 + 128));

        GgufSummary q8 = GgufSummary.of(GgufFile.readHeader(model("stories260K-Q8_0.gguf")));
        assertThat(q8.quantization()).isEqualTo("Q8_0");
        assertThat(q8.quantizationInferred()).isFalse();
        assertThat(q8.fileType()).hasValue(7);
        assertThat(q8.parameterCount()).isEqualTo(f32.parameterCount());

        GgufSummary q4 = GgufSummary.of(GgufFile.readHeader(model("stories260K-Q4_0.gguf")));
        assertThat(q4.quantization()).isEqualTo("Q4_0");
        assertThat(q4.fileType()).hasValue(2);
    }

    @Test
    void rewritingALlamaCppFileReproducesItByteForByte(@org.junit.jupiter.api.io.TempDir Path dir) throws IOException {
        for (String name : new String[] {"stories260K.gguf", "stories260K-Q8_0.gguf", "stories260K-Q4_0.gguf"}) {
            Path original = model(name);
            Path copy = dir.resolve(name);
            try (GgufFile gguf = GgufFile.open(original)) {
                GgufWriter writer = new GgufWriter().putAll(gguf.metadata());
                for (GgufTensorInfo t : gguf.tensors()) {
                    writer.addTensor(t.name(), t.type(), t.shape(), gguf.tensorData(t));
                }
                writer.write(copy);
            }
            assertThat(Files.mismatch(original, copy)).as(name).isEqualTo(-1L);
        }
    }

    @Test
    void inferenceWithoutFileTypePicksTheMostCommonWeightType() throws IOException {
        GgufHeader q8 = GgufFile.readHeader(model("stories260K-Q8_0.gguf"));
        assertThat(GgufSummary.inferQuantization(q8)).isEqualTo("Q8_0"); // ffn_down stays F16
    }
}
