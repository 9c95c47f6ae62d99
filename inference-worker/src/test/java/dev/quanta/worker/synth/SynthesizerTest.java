package dev.quanta.worker.synth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.quanta.gguf.GgmlType;
import dev.quanta.gguf.GgufFile;
import dev.quanta.gguf.GgufKeys;
import dev.quanta.gguf.GgufMetadata;
import dev.quanta.gguf.GgufTensorInfo;
import dev.quanta.kernels.quant.Dequantize;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SynthesizerTest {

    @TempDir
    Path dir;

    private Path synth(SynthShape shape, GgmlType type, Path vocabFile, long seed, String name) throws IOException {
        SynthVocab vocab = SynthVocab.read(vocabFile);
        SynthPlan plan = SynthPlan.of(shape, type, vocab.tokenCount());
        AtomicLong progressed = new AtomicLong();
        Synthesizer.Result result = Synthesizer.write(plan, vocab, seed, dir.resolve(name), progressed::addAndGet);
        assertThat(progressed.get()).as("progress reports every parameter").isEqualTo(plan.parameterCount());
        assertThat(result.parameters()).isEqualTo(plan.parameterCount());
        assertThat(result.fileBytes()).isEqualTo(Files.size(result.path()));
        return result.path();
    }

    @Test
    void writesAFileOurReaderLoadsWithLlamaNamesShapesTypesAndAlignment() throws IOException {
        Path vocab = TinyVocab.write(dir);
        Path file = synth(SynthShape.TINY, GgmlType.Q4_K, vocab, 7, "tiny-q4k.gguf");
        SynthPlan plan = SynthPlan.of(SynthShape.TINY, GgmlType.Q4_K, TinyVocab.TOKENS);
        try (GgufFile gguf = GgufFile.open(file)) {
            List<GgufTensorInfo> tensors = gguf.tensors();
            assertThat(tensors).hasSize(plan.tensors().size());
            long expectedEnd = 0;
            for (int i = 0; i < tensors.size(); i++) {
                GgufTensorInfo actual = tensors.get(i);
                SynthTensor expected = plan.tensors().get(i);
                assertThat(actual.name()).isEqualTo(expected.name());
                assertThat(actual.shape()).containsExactly(expected.shape());
                assertThat(actual.type()).isEqualTo(expected.type());
                assertThat(actual.sizeBytes()).isEqualTo(actual.type().byteSize(actual.numElements()));
                assertThat(actual.offset() % gguf.alignment()).as(actual.name()).isZero();
                expectedEnd = actual.offset() + actual.sizeBytes();
            }
            assertThat(gguf.alignment()).isEqualTo(32);
            assertThat(gguf.dataOffset() % 32).isZero();
            assertThat(gguf.fileSize()).isBetween(gguf.dataOffset() + expectedEnd, gguf.dataOffset() + expectedEnd + 31);
            assertThat(tensors).extracting(GgufTensorInfo::type).contains(GgmlType.Q4_K, GgmlType.F32);

            GgufMetadata m = gguf.metadata();
            assertThat(m.getString(GgufKeys.GENERAL_ARCHITECTURE)).isEqualTo("llama");
            assertThat(m.getLong("llama.embedding_length")).isEqualTo(256);
            assertThat(m.getLong("llama.block_count")).isEqualTo(2);
            assertThat(m.getLong("llama.attention.head_count")).isEqualTo(4);
            assertThat(m.getLong("llama.attention.head_count_kv")).isEqualTo(2);
            assertThat(m.getLong("llama.feed_forward_length")).isEqualTo(512);
            assertThat(m.getLong("llama.context_length")).isEqualTo(256);
            assertThat(m.getLong("llama.rope.dimension_count")).isEqualTo(64);
            assertThat(m.getFloat("llama.rope.freq_base")).isEqualTo(10000f);
            assertThat(m.getFloat("llama.attention.layer_norm_rms_epsilon")).isEqualTo(1e-5f);
            assertThat(m.getLong("llama.vocab_size")).isEqualTo(TinyVocab.TOKENS);
            assertThat(m.getLong(GgufKeys.GENERAL_FILE_TYPE)).isEqualTo(14);
            assertThat(m.getLong(GgufKeys.GENERAL_QUANTIZATION_VERSION)).isEqualTo(2);
            try (GgufFile v = GgufFile.open(vocab)) {
                for (String key : v.metadata().keys()) {
                    if (key.startsWith("tokenizer.")) {
                        assertThat(m.get(key)).as(key).isEqualTo(v.metadata().get(key));
                    }
                }
            }
        }
    }

    @Test
    void weightsAreNormalWithStd0_02AndNormsAreOne() throws IOException {
        Path file = synth(SynthShape.TINY, GgmlType.Q8_0, TinyVocab.write(dir), 3, "tiny-q8.gguf");
        try (GgufFile gguf = GgufFile.open(file)) {
            double sum = 0;
            double sumSq = 0;
            long n = 0;
            for (GgufTensorInfo t : gguf.tensors()) {
                float[] v = Dequantize.row(t.type(), gguf.tensorData(t), 0, Math.toIntExact(t.numElements()));
                if (t.name().endsWith("norm.weight")) {
                    assertThat(v).as(t.name()).containsOnly(1.0f);
                    continue;
                }
                for (float x : v) {
                    sum += x;
                    sumSq += (double) x * x;
                }
                n += v.length;
            }
            double mean = sum / n;
            double std = Math.sqrt(sumSq / n - mean * mean);
            assertThat(std).isCloseTo(0.02, org.assertj.core.data.Offset.offset(0.0004));
            assertThat(Math.abs(mean)).isLessThan(0.0002);
        }
    }

    @Test
    void theSameSeedGivesAByteIdenticalFileAndAnotherSeedDoesNot() throws IOException {
        Path vocab = TinyVocab.write(dir);
        Path a = synth(SynthShape.TINY, GgmlType.Q4_0, vocab, 42, "a.gguf");
        Path b = synth(SynthShape.TINY, GgmlType.Q4_0, vocab, 42, "b.gguf");
        Path c = synth(SynthShape.TINY, GgmlType.Q4_0, vocab, 43, "c.gguf");
        assertThat(Files.mismatch(a, b)).isEqualTo(-1L);
        assertThat(Files.mismatch(a, c)).isNotEqualTo(-1L);
    }

    @Test
    void kQuantFallbackTensorsAreWrittenInTheFallbackType() throws IOException {
        // rows of 96 cannot hold Q6_K blocks of 256: those matrices are Q8_0, ffn_down (rows of 256) stays Q6_K
        SynthShape odd = new SynthShape("odd", 96, 1, 3, 1, 256, 64, 10000f);
        Path file = synth(odd, GgmlType.Q6_K, TinyVocab.write(dir), 1, "odd.gguf");
        try (GgufFile gguf = GgufFile.open(file)) {
            assertThat(gguf.tensor("blk.0.attn_q.weight").orElseThrow().type()).isEqualTo(GgmlType.Q8_0);
            assertThat(gguf.tensor("token_embd.weight").orElseThrow().type()).isEqualTo(GgmlType.Q8_0);
            assertThat(gguf.tensor("blk.0.ffn_down.weight").orElseThrow().type()).isEqualTo(GgmlType.Q6_K);
            assertThat(gguf.metadata().getLong("llama.rope.dimension_count")).isEqualTo(32);
        }
    }

    @Test
    void copiesTheTokenizerOfASharedVocabFile() throws IOException {
        String shared = System.getProperty("quanta.shared.dir");
        Path vocab = shared == null ? null : Path.of(shared, "models", "vocab", "ggml-vocab-llama-spm.gguf");
        assumeTrue(vocab != null && Files.isRegularFile(vocab),
                "shared vocab absent (quanta.shared.dir=" + shared + "): skipping");
        Path file = synth(SynthShape.TINY, GgmlType.F16, vocab, 5, "spm.gguf");
        try (GgufFile gguf = GgufFile.open(file); GgufFile v = GgufFile.open(vocab)) {
            int tokens = v.metadata().getArray(GgufKeys.TOKENIZER_TOKENS).size();
            assertThat(gguf.metadata().getLong("llama.vocab_size")).isEqualTo(tokens);
            assertThat(gguf.tensor("token_embd.weight").orElseThrow().shape()).containsExactly(256, tokens);
            assertThat(gguf.metadata().getStringArray(GgufKeys.TOKENIZER_TOKENS))
                    .isEqualTo(v.metadata().getStringArray(GgufKeys.TOKENIZER_TOKENS));
            assertThat(gguf.metadata().getString(GgufKeys.TOKENIZER_MODEL)).isEqualTo("llama");
            assertThat(gguf.metadata().getLong(GgufKeys.GENERAL_FILE_TYPE)).isEqualTo(1);
            assertThat(gguf.metadata().contains(GgufKeys.GENERAL_QUANTIZATION_VERSION)).isFalse();
        }
    }

    @Test
    void aFileWithoutTokensIsNotAVocab() throws IOException {
        Path notVocab = dir.resolve("weights-only.gguf");
        new dev.quanta.gguf.GgufWriter().putString(GgufKeys.GENERAL_ARCHITECTURE, "llama").write(notVocab);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> SynthVocab.read(notVocab))
                .isInstanceOf(IOException.class).hasMessageContaining("tokenizer.ggml.tokens");
    }
}
