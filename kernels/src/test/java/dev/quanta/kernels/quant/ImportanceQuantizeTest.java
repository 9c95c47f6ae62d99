package dev.quanta.kernels.quant;

import static dev.quanta.kernels.quant.Iq4NlFormatTest.floats;
import static dev.quanta.kernels.quant.Iq4NlFormatTest.quantizeMatrix;
import static dev.quanta.kernels.quant.Iq4NlFormatTest.resource;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quanta.gguf.GgmlType;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import org.junit.jupiter.api.Test;

/** Importance-weighted quantization (llama-quantize --imatrix) against ggml's bytes for the same input. */
class ImportanceQuantizeTest {

    @Test
    void q4_0WithAnImportanceMatrixMatchesGgmlByteForByte() throws IOException {
        byte[] weighted = quantizeMatrix(GgmlType.Q4_0, floats("in.f32"), floats("im.f32"));
        assertThat(weighted).isEqualTo(resource("q4_0-imatrix.bin"));
        assertThat(weighted).isNotEqualTo(quantizeMatrix(GgmlType.Q4_0, floats("in.f32"), null));
    }

    @Test
    void q8_0IgnoresTheImportanceMatrixAsGgmlDoes() throws IOException {
        byte[] weighted = quantizeMatrix(GgmlType.Q8_0, floats("in.f32"), floats("im.f32"));
        assertThat(weighted).isEqualTo(resource("q8_0-imatrix.bin"));
        assertThat(weighted).isEqualTo(quantizeMatrix(GgmlType.Q8_0, floats("in.f32"), null));
    }

    @Test
    void rejectsImportanceForTypesWithoutAWeightedQuantizerHere() {
        assertThat(Quantize.supportsImportance(GgmlType.Q4_K)).isFalse();
        MemorySegment out = MemorySegment.ofArray(new byte[144]);
        assertThatThrownBy(() -> Quantize.row(GgmlType.Q4_K, new float[256], 0, out, 0, 256, new float[256]))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("Q4_K");
    }
}
