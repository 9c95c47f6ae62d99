package dev.quanta.kernels;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_SHORT_UNALIGNED;
import static org.assertj.core.api.Assertions.assertThat;

import dev.quanta.gguf.GgmlType;
import dev.quanta.kernels.quant.Quantize;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Q8_0 matmuls must reproduce llama.cpp's x86 arithmetic bit for bit (so Q8_0 models decode as llama.cpp does):
 * per output, an 8-lane f32 accumulator, per block in order {@code acc = fma(dx * dy, isum, acc)} with lane j's
 * {@code isum} the exact sum of elements 4j..4j+3, then llama.cpp's horizontal sum. Checked with assertEquals on
 * the float bits against that contract written out in plain Java, for one token (decode) and many (prefill).
 */
class Q8MatmulContractTest {

    static List<Isa> isas() {
        return NativeSupport.isas().stream().filter(i -> i.level() >= Isa.AVX512.level()).toList();
    }

    @ParameterizedTest
    @MethodSource("isas")
    void q8_0MatmulEqualsLlamaCppArithmeticBitForBit(Isa isa) {
        Random rnd = new Random(42);
        int cols = 8 * 32;
        int rows = 21;
        try (Arena arena = Arena.ofConfined(); NativeKernelOps ops = NativeKernelOps.withIsa(2, isa)) {
            MemorySegment w = TestData.weights(arena, rnd, GgmlType.Q8_0, rows, cols);
            for (int tokens : new int[] {1, 2, 3, 8, 9, 17, 40}) {
                MemorySegment x = TestData.floats(arena, rnd, (long) tokens * cols, 2f);
                MemorySegment got = arena.allocate(4L * tokens * rows);
                ops.matmul(GgmlType.Q8_0, w, rows, cols, x, got, tokens);
                MemorySegment act = arena.allocate(GgmlType.Q8_0.byteSize(cols));
                float[] xf = new float[cols];
                for (int t = 0; t < tokens; t++) {
                    MemorySegment.copy(x, JAVA_FLOAT_UNALIGNED, 4L * t * cols, xf, 0, cols);
                    Quantize.activationRow(GgmlType.Q8_0, xf, 0, act, 0, cols);
                    for (int r = 0; r < rows; r++) {
                        float want = contract(w, r * GgmlType.Q8_0.byteSize(cols), act, cols / 32);
                        float have = got.getAtIndex(JAVA_FLOAT_UNALIGNED, (long) t * rows + r);
                        assertThat(Float.floatToRawIntBits(have))
                                .as("%s tokens=%d out[%d][%d] = %s, contract %s", isa, tokens, t, r, have, want)
                                .isEqualTo(Float.floatToRawIntBits(want));
                    }
                }
            }
        }
    }

    /** llama.cpp's ggml_vec_dot_q8_0_q8_0 (x86) for one row and one token, blocks of 34 bytes (f16 d, 32 x i8). */
    static float contract(MemorySegment w, long wOff, MemorySegment a, int blocks) {
        float[] acc = new float[8];
        for (int b = 0; b < blocks; b++) {
            long wb = wOff + 34L * b;
            long ab = 34L * b;
            float d = Float.float16ToFloat(w.get(JAVA_SHORT_UNALIGNED, wb))
                    * Float.float16ToFloat(a.get(JAVA_SHORT_UNALIGNED, ab));
            for (int j = 0; j < 8; j++) {
                int isum = 0;
                for (int k = 0; k < 4; k++) {
                    isum += w.get(JAVA_BYTE, wb + 2 + 4 * j + k) * a.get(JAVA_BYTE, ab + 2 + 4 * j + k);
                }
                acc[j] = Math.fma(d, (float) isum, acc[j]);
            }
        }
        float s0 = acc[0] + acc[4];
        float s1 = acc[1] + acc[5];
        float s2 = acc[2] + acc[6];
        float s3 = acc[3] + acc[7];
        return (s0 + s2) + (s1 + s3);
    }
}
