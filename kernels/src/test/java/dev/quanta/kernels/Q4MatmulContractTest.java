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
 * Q4_0 matmuls reproduce llama.cpp's x86 arithmetic bit for bit: matrices whose row count is a multiple of 8 (which
 * llama.cpp repacks) sum each block exactly and accumulate {@code acc = fma(isum, dx * dy, acc)} per row, on AVX2 and
 * AVX-512; on AVX-512 other matrices use tinyBLAS's 8-lane order (as Q8_0, see {@link Q8GemmContractTest}), while
 * AVX2 keeps the repacked order for them too (NOTE: llama.cpp's AVX2 tinyBLAS differs there in the last bits; no
 * model we know has such a matrix). One token and many.
 */
class Q4MatmulContractTest {

    static List<Isa> isas() {
        return NativeSupport.isas().stream().filter(i -> i.level() >= Isa.AVX2.level()).toList();
    }

    @ParameterizedTest
    @MethodSource("isas")
    void q4_0MatmulEqualsLlamaCppArithmeticBitForBit(Isa isa) {
        Random rnd = new Random(43);
        int cols = 8 * 32;
        try (Arena arena = Arena.ofConfined(); NativeKernelOps ops = NativeKernelOps.withIsa(2, isa)) {
            int[] rowCounts = isa.level() >= Isa.AVX512.level() ? new int[] {8, 24, 40, 136, 12, 37}
                    : new int[] {8, 24, 40, 136};
            for (int rows : rowCounts) {
                MemorySegment w = TestData.weights(arena, rnd, GgmlType.Q4_0, rows, cols);
                for (int tokens : new int[] {1, 2, 3, 8, 9, 16, 17, 40}) {
                    MemorySegment x = TestData.floats(arena, rnd, (long) tokens * cols, 2f);
                    MemorySegment got = arena.allocate(4L * tokens * rows);
                    ops.matmul(GgmlType.Q4_0, w, rows, cols, x, got, tokens);
                    MemorySegment act = arena.allocate(GgmlType.Q8_0.byteSize(cols));
                    float[] xf = new float[cols];
                    for (int t = 0; t < tokens; t++) {
                        MemorySegment.copy(x, JAVA_FLOAT_UNALIGNED, 4L * t * cols, xf, 0, cols);
                        Quantize.activationRow(GgmlType.Q8_0, xf, 0, act, 0, cols);
                        for (int r = 0; r < rows; r++) {
                            long wOff = r * GgmlType.Q4_0.byteSize(cols);
                            float want = rows % 8 == 0 ? repacked(w, wOff, act, cols / 32)
                                    : tinyBlas(w, wOff, act, cols / 32);
                            float have = got.getAtIndex(JAVA_FLOAT_UNALIGNED, (long) t * rows + r);
                            assertThat(Float.floatToRawIntBits(have))
                                    .as("%s rows=%d tokens=%d out[%d][%d] = %s, contract %s", isa, rows, tokens, t, r,
                                            have, want)
                                    .isEqualTo(Float.floatToRawIntBits(want));
                        }
                    }
                }
            }
        }
    }

    /** Element k of a Q4_0 block (18 bytes: f16 d, 16 bytes of nibbles) as a signed value q - 8. */
    private static int weight(MemorySegment w, long block, int k) {
        int b = w.get(JAVA_BYTE, block + 2 + (k % 16)) & 0xFF;
        return (k < 16 ? b & 0x0F : b >> 4) - 8;
    }

    private static float scale(MemorySegment w, long wb, MemorySegment a, long ab) {
        return Float.float16ToFloat(w.get(JAVA_SHORT_UNALIGNED, wb))
                * Float.float16ToFloat(a.get(JAVA_SHORT_UNALIGNED, ab));
    }

    /** IQ4_NL's 16 levels (ggml's kvalues_iq4nl). */
    private static final int[] IQ4_NL_LEVELS = {-127, -104, -83, -65, -49, -35, -22, -10, 1, 13, 25, 38, 53, 69, 89,
        113};

    /** Element k of an IQ4_NL block (the shape of Q4_0's) as its level. */
    private static int iq4nlWeight(MemorySegment w, long block, int k) {
        int b = w.get(JAVA_BYTE, block + 2 + (k % 16)) & 0xFF;
        return IQ4_NL_LEVELS[k < 16 ? b & 0x0F : b >> 4];
    }

    /** ggml_gemv/gemm_q4_0_8x8_q8_0: per block the exact sum, then one fma. */
    static float repacked(MemorySegment w, long wOff, MemorySegment a, int blocks) {
        return repacked(w, wOff, a, blocks, false);
    }

    /**
     * The repacked order of Q4_0 or (iq4nl) IQ4_NL: ggml_gemv/gemm_q4_0_8x8_q8_0 and ggml_gemv/gemm_iq4_nl_8x8_q8_0
     * (one template in llama.cpp's x86 repack code, the levels looked up): per block the exact sum, then one fma.
     */
    static float repacked(MemorySegment w, long wOff, MemorySegment a, int blocks, boolean iq4nl) {
        float acc = 0f;
        for (int b = 0; b < blocks; b++) {
            long wb = wOff + 18L * b;
            long ab = 34L * b;
            int isum = 0;
            for (int k = 0; k < 32; k++) {
                isum += (iq4nl ? iq4nlWeight(w, wb, k) : weight(w, wb, k)) * a.get(JAVA_BYTE, ab + 2 + k);
            }
            acc = Math.fma((float) isum, scale(w, wb, a, ab), acc);
        }
        return acc;
    }

    /** tinyBLAS_Q0_AVX: 8 lanes of 4-element sums, fma per block, llama.cpp's horizontal sum. */
    static float tinyBlas(MemorySegment w, long wOff, MemorySegment a, int blocks) {
        float[] acc = new float[8];
        for (int b = 0; b < blocks; b++) {
            long wb = wOff + 18L * b;
            long ab = 34L * b;
            float d = scale(w, wb, a, ab);
            for (int j = 0; j < 8; j++) {
                int isum = 0;
                for (int k = 4 * j; k < 4 * j + 4; k++) {
                    isum += weight(w, wb, k) * a.get(JAVA_BYTE, ab + 2 + k);
                }
                acc[j] = Math.fma(d, (float) isum, acc[j]);
            }
        }
        return ((acc[0] + acc[4]) + (acc[2] + acc[6])) + ((acc[1] + acc[5]) + (acc[3] + acc[7]));
    }
}
