package dev.quanta.kernels.quant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quanta.gguf.GgmlType;
import java.io.IOException;
import java.io.InputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.junit.jupiter.api.Test;

class Iq4NlFormatTest {

    static final int ROWS = 8;
    static final int COLS = 128;

    static byte[] resource(String name) throws IOException {
        try (InputStream in = Iq4NlFormatTest.class.getResourceAsStream("ggml-ref/" + name)) {
            assertThat(in).as(name).isNotNull();
            return in.readAllBytes();
        }
    }

    static float[] floats(String name) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(resource(name)).order(ByteOrder.LITTLE_ENDIAN);
        float[] out = new float[b.remaining() / 4];
        b.asFloatBuffer().get(out);
        return out;
    }

    /** Quantizes the fixture matrix row by row, as ggml_quantize_chunk does. */
    static byte[] quantizeMatrix(GgmlType type, float[] x, float[] importance) {
        long rowBytes = type.byteSize(COLS);
        MemorySegment out = MemorySegment.ofArray(new byte[(int) (rowBytes * ROWS)]);
        for (int r = 0; r < ROWS; r++) {
            Quantize.row(type, x, r * COLS, out, r * rowBytes, COLS, importance);
        }
        return out.toArray(ValueLayout.JAVA_BYTE);
    }

    @Test
    void quantizesByteForByteAsGgml() throws IOException {
        assertThat(quantizeMatrix(GgmlType.IQ4_NL, floats("in.f32"), null)).isEqualTo(resource("iq4nl.bin"));
    }

    @Test
    void quantizesWithAnImportanceMatrixByteForByteAsGgml() throws IOException {
        byte[] weighted = quantizeMatrix(GgmlType.IQ4_NL, floats("in.f32"), floats("im.f32"));
        assertThat(weighted).isEqualTo(resource("iq4nl-imatrix.bin"));
        assertThat(weighted).isNotEqualTo(resource("iq4nl.bin"));
    }

    @Test
    void dequantizesEachIndexToScaleTimesItsLevel() {
        try (Arena arena = Arena.ofConfined()) {
            int[] bytes = new int[18];
            bytes[0] = 0x00;
            bytes[1] = 0x3C; // d = 1.0
            for (int j = 0; j < 16; j++) {
                bytes[2 + j] = j | ((15 - j) << 4);
            }
            float[] y = Dequantize.row(GgmlType.IQ4_NL, QuantTestData.bytes(arena, bytes), 0, 32);
            for (int j = 0; j < 16; j++) {
                assertThat(y[j]).isEqualTo(Iq4NlFormat.VALUES[j]);
                assertThat(y[j + 16]).isEqualTo(Iq4NlFormat.VALUES[15 - j]);
            }
        }
    }

    @Test
    void picksTheNearestLevelAndTheUpperOneOnAMidpoint() {
        assertThat(Iq4NlFormat.bestIndex(-500f)).isZero();
        assertThat(Iq4NlFormat.bestIndex(500f)).isEqualTo(15);
        assertThat(Iq4NlFormat.bestIndex(0f)).isEqualTo(8); // 1 is nearer than -10
        assertThat(Iq4NlFormat.bestIndex(-4.5f)).isEqualTo(8); // midpoint of -10 and 1
        assertThat(Iq4NlFormat.bestIndex(-4.6f)).isEqualTo(7);
        for (int i = 0; i < 16; i++) {
            assertThat(Iq4NlFormat.bestIndex(Iq4NlFormat.VALUES[i])).isEqualTo(i);
        }
    }

    @Test
    void roundTripErrorIsBelowQ4_0OnGaussianWeights() {
        float[] x = QuantTestData.gaussian(5, 4096, 0.02);
        try (Arena arena = Arena.ofConfined()) {
            double iq4 = QuantTestData.relativeRmse(x, QuantTestData.roundTrip(arena, GgmlType.IQ4_NL, x));
            double q40 = QuantTestData.relativeRmse(x, QuantTestData.roundTrip(arena, GgmlType.Q4_0, x));
            assertThat(iq4).isLessThan(q40).isLessThan(0.12);
        }
    }

    @Test
    void dotWithQ8_0ActivationsEqualsTheDequantizedSumWithinRounding() {
        float[] w = QuantTestData.gaussian(7, 256, 0.02);
        float[] a = QuantTestData.gaussian(8, 256, 1.0);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment wq = QuantTestData.quantize(arena, GgmlType.IQ4_NL, w);
            MemorySegment aq = arena.allocate(GgmlType.Q8_0.byteSize(256));
            Quantize.activationRow(GgmlType.Q8_0, a, 0, aq, 0, 256);
            float[] wd = Dequantize.row(GgmlType.IQ4_NL, wq, 0, 256);
            float[] ad = Dequantize.row(GgmlType.Q8_0, aq, 0, 256);
            double want = 0;
            double norm = 0;
            for (int i = 0; i < 256; i++) {
                want += (double) wd[i] * ad[i];
                norm += Math.abs((double) wd[i] * ad[i]);
            }
            assertThat(VecDot.activationType(GgmlType.IQ4_NL)).isEqualTo(GgmlType.Q8_0);
            assertThat((double) VecDot.dot(GgmlType.IQ4_NL, wq, 0, aq, 0, 256)).isCloseTo(want,
                    org.assertj.core.data.Offset.offset(norm * 1e-6));
        }
    }

    @Test
    void rejectsAnImportanceRowShorterThanTheRow() {
        MemorySegment out = MemorySegment.ofArray(new byte[18 * 2]);
        assertThatThrownBy(() -> Quantize.row(GgmlType.IQ4_NL, new float[64], 0, out, 0, 64, new float[32]))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("importance");
    }
}
