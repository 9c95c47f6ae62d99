package dev.quanta.gguf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GgufSummaryTest {

    @TempDir
    Path dir;

    private GgufSummary summarize(GgufWriter writer) throws IOException {
        Path file = dir.resolve("m.gguf");
        writer.write(file);
        return GgufSummary.of(GgufFile.readHeader(file));
    }

    @Test
    void explicitKeysWinOverDerivedValues() throws IOException {
        GgufSummary s = summarize(new GgufWriter()
                .putString(GgufKeys.GENERAL_ARCHITECTURE, "qwen3")
                .putUInt32(GgufKeys.GENERAL_FILE_TYPE, 15)
                .putUInt32(GgufKeys.embeddingLength("qwen3"), 1024)
                .putUInt32(GgufKeys.headCount("qwen3"), 16)
                .putUInt32(GgufKeys.keyLength("qwen3"), 128)
                .putUInt32(GgufKeys.vocabSize("qwen3"), 151_936)
                .putStrings(GgufKeys.TOKENIZER_TOKENS, java.util.List.of("a", "b")));
        assertThat(s.quantization()).isEqualTo("Q4_K_M");
        assertThat(s.quantizationInferred()).isFalse();
        assertThat(s.headDim()).hasValue(128); // not 1024 / 16
        assertThat(s.headCountKv()).hasValue(16); // defaults to head count
        assertThat(s.vocabSize()).hasValue(151_936);
        assertThat(s.contextLength()).isEmpty();
    }

    @Test
    void perLayerArraysReportTheirLargestValue() throws IOException {
        GgufSummary s = summarize(new GgufWriter()
                .putString(GgufKeys.GENERAL_ARCHITECTURE, "openelm")
                .putInt32s(GgufKeys.feedForwardLength("openelm"), new int[] {768, 1024, 1536})
                .putInt32s(GgufKeys.headCount("openelm"), new int[] {12, 16}));
        assertThat(s.feedForwardLength()).hasValue(1536);
        assertThat(s.headCount()).hasValue(16);
    }

    @Test
    void unknownFileTypeFallsBackToTheMostCommonWeightType() throws IOException {
        GgufSummary s = summarize(new GgufWriter()
                .putUInt32(GgufKeys.GENERAL_FILE_TYPE, 999)
                .addTensor("a.weight", GgmlType.Q4_K, new long[] {256, 1}, new byte[144])
                .addTensor("b.weight", GgmlType.Q4_K, new long[] {256, 1}, new byte[144])
                .addTensor("c.weight", GgmlType.Q6_K, new long[] {256, 4}, new byte[210 * 4])
                .addTensor("norm.weight", GgmlType.F32, new long[] {4}, new byte[16])
                .addTensor("d.bias", GgmlType.F32, new long[] {4, 4}, new byte[64]));
        assertThat(s.quantization()).isEqualTo("Q4_K");
        assertThat(s.quantizationInferred()).isTrue();
        assertThat(s.fileType()).hasValue(999);
        assertThat(s.parameterCount()).isEqualTo(256 + 256 + 1024 + 4 + 16);
        assertThat(GgufFileType.name(15)).contains("Q4_K_M");
        assertThat(GgufFileType.id("q8_0")).contains(7);
    }

    @Test
    void wronglyTypedStandardKeyIsAFormatError() throws IOException {
        Path file = dir.resolve("bad.gguf");
        new GgufWriter().putString(GgufKeys.GENERAL_ARCHITECTURE, "llama")
                .putString(GgufKeys.blockCount("llama"), "five").write(file);
        GgufHeader header = GgufFile.readHeader(file);
        assertThatThrownBy(() -> GgufSummary.of(header)).isInstanceOf(GgufFormatException.class)
                .hasMessage("metadata key 'llama.block_count' is STRING, expected an integer");
    }
}
